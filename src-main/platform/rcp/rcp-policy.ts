/**
 * The tumour-board domain's registration (IdeoRCP, issue 12). Its records share types with the care
 * records (Appointment, List, Task, CarePlan, Condition, Observation): this policy claims the ones that
 * carry an RCP marker (src-shared/domain/rcp.ts) — a meeting's service type, an agenda's code, a case's
 * code, a proposal's category, the `rcp-case` extension of a case's Condition and staging — and the care
 * policy keeps the rest. Reads follow the table of rcp-decision.ts, writes rcp-writes.ts; the minutes are
 * DSP documents published through `$publish-minutes` (rcp-minutes.ts). `$changes` carries each user the
 * meetings they sit on (a physician: every meeting, the board's calendar), their agendas, and the cases and
 * case records they may read.
 */
import type { Appointment, Resource, Task } from 'fhir/r4';
import {
  agendaOf,
  casesOnAgenda,
  DEFAULT_RCP_QUORUM,
  isRcpCase,
  isRcpMeeting,
  isRcpRecord,
  participantsOf,
  patientOfCase,
  RCP_CODES,
  RCP_SYSTEM,
  type RcpQuorum,
} from '../../../src-shared/domain/rcp';
import type { PolicyRegistry } from '../policy/policy-registry';
import type { PolicyScope, ResourcePolicy, TypeVerdict } from '../policy/resource-policy';
import { agenda, meetingsListing, patientsOfRecord, rcpCase, readFacts, searchAll, type BoardScope } from './rcp-board';
import { decideRcpRead, isPhysician } from './rcp-decision';
import { PUBLISH_MINUTES } from './rcp-minutes';
import { guardRcpWrite } from './rcp-writes';

/** The types tumour-board records are stored as; each also holds care records the care policy governs. */
export const RCP_TYPES = ['Appointment', 'List', 'Task', 'CarePlan', 'Condition', 'Observation'] as const;

const NEED_LOGIN: TypeVerdict = {
  allowed: false,
  status: 401,
  reason: 'authentication required: send Authorization: Bearer <access token>',
};

const boardOf = (scope: PolicyScope): BoardScope => ({ tx: scope.tx, memo: (key, make) => scope.memo(key, make) });

/** Reference values per search, so a long list of cases stays a handful of look-ups. */
const CHUNK = 50;

/** What a user's `$changes` feed carries of the tumour boards ("Type/id"); each row still passes the read table. */
async function rcpScope(scope: PolicyScope): Promise<string[]> {
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
  for (const task of await searchAll<Task>(scope.tx, 'Task', { owner: caller, code: `${RCP_SYSTEM}|${RCP_CODES.case}` })) {
    if (!isRcpCase(task)) continue;
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

export function registerRcp(registry: PolicyRegistry, options: { quorum?: RcpQuorum } = {}): void {
  const quorum = options.quorum ?? DEFAULT_RCP_QUORUM;
  const policy: ResourcePolicy = {
    name: 'rcp',
    claims: (resource) => isRcpRecord(resource as unknown as Resource),
    typeGate: (scope) => (scope.principal ? { allowed: true } : NEED_LOGIN),
    read: async (scope, stored) => {
      const resource = stored.resource as unknown as Resource;
      const board = boardOf(scope);
      const decision = decideRcpRead(await readFacts(board, scope.principal, resource));
      const audit = { patients: await patientsOfRecord(board, resource), rule: decision.rule };
      return decision.allowed
        ? { allowed: true, audit }
        : { allowed: false, status: decision.status, reason: decision.reason, audit };
    },
    write: (ctx, intent) => guardRcpWrite(ctx, intent, { quorum }),
  };
  registry.register(RCP_TYPES, policy);
  registry.domain({
    name: 'rcp',
    changeScope: async (scope) => ({ resources: await rcpScope(scope) }),
    operations: [PUBLISH_MINUTES],
  });
}
