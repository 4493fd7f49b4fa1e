/**
 * What a user's `$changes` feed carries of the tumour boards, and what it takes back (issue 12; ARCHITECTURE §5).
 * The scope follows from records — a seat on a meeting, a case presented — so when a coordinator takes a seat
 * away (or gives one), the user's scope is computed as the store stood when their previous page was served and
 * as it stands now: a record no longer in it, and no longer readable by any other rule, is revoked (the client
 * purges it); a record that entered it before the cursor is sent again (the feed's own rows only carry what
 * changed after the cursor).
 */
import type { Appointment, Resource, Task } from 'fhir/r4';
import {
  agendaOf,
  casesOnAgenda,
  isRcpCase,
  isRcpMeeting,
  participantsOf,
  patientOfCase,
  presenterOf,
  RCP_CODES,
  RCP_SYSTEM,
} from '../../../src-shared/domain/rcp';
import type { PolicyRegistry } from '../policy/policy-registry';
import { verdictOn } from '../policy/read-guard';
import type { ChangesSince, PolicyScope, Revocation } from '../policy/resource-policy';
import { storeAsOf } from '../policy/store-as-of';
import { agenda, boardOf, meetingsListing, rcpCase, searchAll } from './rcp-board';
import { isPhysician } from './rcp-decision';

/** The records a seat or a case depends on: only a change to one of these types can change a user's scope. */
const SCOPE_TYPES = ['Appointment', 'List', 'Task'];

/** Reference values per search, so a long list of cases stays a handful of look-ups. */
const CHUNK = 50;

/** What a user's `$changes` feed carries of the tumour boards ("Type/id"); each row still passes the read table. */
export function rcpScope(scope: PolicyScope): Promise<string[]> {
  return scope.memo('rcp:scope', () => scopeOf(scope));
}

async function scopeOf(scope: PolicyScope): Promise<string[]> {
  const principal = scope.principal!;
  if (principal.role === 'patient') return [];
  const board = boardOf(scope);
  const caller = principal.userRef;
  const found = new Set<string>();
  const meetings = new Map<string, Appointment>();
  for (const m of await searchAll<Appointment>(scope.tx, 'Appointment', { actor: caller }))
    if (isRcpMeeting(m)) meetings.set(m.id!, m);
  // A physician sees the board's calendar (to register a case); the agendas and dossiers only where they sit or present.
  if (isPhysician(principal.role))
    for (const m of await searchAll<Appointment>(scope.tx, 'Appointment', {
      'service-type': `${RCP_SYSTEM}|${RCP_CODES.meeting}`,
    }))
      found.add(`Appointment/${m.id}`);
  const cases = new Set<string>();
  for (const m of meetings.values()) {
    found.add(`Appointment/${m.id}`);
    const list = await agenda(board, agendaOf(m));
    if (!list) continue;
    found.add(`List/${list.id}`);
    const seat = participantsOf(m).find((p) => p.actor === caller);
    if (seat?.role === 'member') for (const c of casesOnAgenda(list)) cases.add(c);
  }
  // The board's cases, then the caller's among them: searched by owner too, SQLite would gather every Task the
  // caller owns (a home-care nurse owns tens of thousands) on every `$changes` page — ~55 ms a page, the initial
  // sync's largest cost on the platform.
  for (const task of await searchAll<Task>(scope.tx, 'Task', { code: `${RCP_SYSTEM}|${RCP_CODES.case}` })) {
    if (!isRcpCase(task) || presenterOf(task) !== caller) continue;
    cases.add(`Task/${task.id}`);
    for (const { ref, meeting } of await meetingsListing(board, `Task/${task.id}`)) {
      found.add(ref);
      if (agendaOf(meeting)) found.add(agendaOf(meeting)!);
    }
  }
  const caseList = [...cases];
  for (const c of caseList) {
    found.add(c);
    // The patient's identity, so a board member without a DSP right still sees whose case it is.
    const task = await rcpCase(board, c);
    const patient = task ? patientOfCase(task) : undefined;
    if (patient) found.add(patient);
  }
  for (let start = 0; start < caseList.length; start += CHUNK) {
    const chunk = caseList.slice(start, start + CHUNK).join(',');
    for (const type of ['Condition', 'Observation', 'CarePlan'])
      for (const record of await searchAll<Resource>(scope.tx, type, { 'rcp-case': chunk })) found.add(`${type}/${record.id}`);
  }
  return [...found];
}

/** The tumour-board records `scope`'s user lost (revoke) or gained (grant) sight of between `since` and `until`. */
export async function boardSeatChanges(
  registry: PolicyRegistry,
  scope: PolicyScope,
  since: number,
  until: number,
  previous: ChangesSince | undefined,
): Promise<Revocation[]> {
  const principal = scope.principal;
  if (!principal || principal.role === 'patient') return [];
  const touched = await scope.tx.changes({ allOfTypes: SCOPE_TYPES, resources: [], createdBy: [], excludedTypes: [] }, since, 1);
  if (touched.rows.length === 0) return [];
  const memo = new Map<string, unknown>();
  const then = new Set(
    await rcpScope({
      principal,
      tx: storeAsOf(scope.tx, since),
      now: previous?.servedAt ?? scope.now,
      memo: <T>(key: string, make: () => T) =>
        memo.has(key) ? (memo.get(key) as T) : (memo.set(key, make()), memo.get(key) as T),
    }),
  );
  const now = new Set(await rcpScope(scope));
  const changes: Revocation[] = [];
  for (const ref of then) {
    if (now.has(ref)) continue;
    const [type, id] = ref.split('/') as [string, string];
    const current = await scope.tx.current(type, id);
    // Still readable by another rule (the patient's identity through the DSP, a calendar entry): nothing to purge.
    if (current?.resource && (await verdictOn(registry, scope, current)).allowed) continue;
    changes.push({ seq: until, type, id, kind: 'revoke' });
  }
  for (const ref of now) {
    if (then.has(ref)) continue;
    const [type, id] = ref.split('/') as [string, string];
    const current = await scope.tx.current(type, id);
    // Committed after `since`, the feed's own rows carry it.
    if (current?.resource && current.seq <= since) changes.push({ seq: until, type, id, kind: 'grant' });
  }
  return changes;
}
