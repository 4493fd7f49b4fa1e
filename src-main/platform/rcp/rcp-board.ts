/**
 * The look-ups behind every tumour-board decision: a meeting and its agenda, the meetings whose agenda
 * lists a case, the facts of the read table (rcp-decision.ts) for one stored record, and the specialties
 * a physician holds in the directory (the quorum counts those, never what a participant claims).
 */
import type { Appointment, List, Practitioner, PractitionerRole, Resource, Task } from 'fhir/r4';
import {
  agendaOf,
  caseOf,
  casesOnAgenda,
  isRcpAgenda,
  isRcpCase,
  isRcpMeeting,
  isRcpProposal,
  meetingOf,
  participantsOf,
  patientOfCase,
  presenterOf,
  SPECIALTY_SYSTEM,
} from '../../../src-shared/domain/rcp';
import type { Role } from '../../../src-shared/domain/roles';
import { MAX_PAGE_SIZE, resourceTypeDef } from '../fhir/resource-types';
import { parseSearch } from '../fhir/search-query';
import type { PolicyScope } from '../policy/resource-policy';
import type { StorageTx, StoredVersion } from '../storage/platform-storage';
import type { RcpKind, RcpReadFacts } from './rcp-decision';

/** What a policy hands the look-ups: the store and a per-request memo (a `$changes` page decides many records). */
export interface BoardScope {
  tx: StorageTx;
  memo<T>(key: string, make: () => T): T;
}

export const noMemo = (tx: StorageTx): BoardScope => ({ tx, memo: (_key, make) => make() });

/** A policy scope's store and per-request memo, as the board's look-ups take them. */
export const boardOf = (scope: PolicyScope): BoardScope => ({ tx: scope.tx, memo: (key, make) => scope.memo(key, make) });

/** Current resources of a search (the raw store: a policy's own look-up, never shown to anyone). */
export async function searchAll<T extends Resource>(tx: StorageTx, type: string, params: Record<string, string>): Promise<T[]> {
  const def = resourceTypeDef(type)!;
  const page = await tx.search(
    parseSearch(def, new URLSearchParams({ ...params, _count: String(MAX_PAGE_SIZE) })),
    await tx.currentSequence(),
  );
  return page.rows.flatMap((r) => (r.resource ? [r.resource as unknown as T] : []));
}

async function currentOf<T extends Resource>(tx: StorageTx, ref: string | undefined): Promise<T | undefined> {
  const [type, id] = ref?.split('/') ?? [];
  if (!type || !id) return undefined;
  return (await tx.current(type, id))?.resource as T | undefined;
}

export function meeting(scope: BoardScope, ref: string | undefined): Promise<Appointment | undefined> {
  return scope.memo(`rcp:meeting:${ref}`, async () => {
    const found = await currentOf<Appointment>(scope.tx, ref);
    return found && isRcpMeeting(found) ? found : undefined;
  });
}

export function agenda(scope: BoardScope, ref: string | undefined): Promise<List | undefined> {
  return scope.memo(`rcp:agenda:${ref}`, async () => {
    const found = await currentOf<List>(scope.tx, ref);
    return found && isRcpAgenda(found) ? found : undefined;
  });
}

export function rcpCase(scope: BoardScope, ref: string | undefined): Promise<Task | undefined> {
  return scope.memo(`rcp:case:${ref}`, async () => {
    const found = await currentOf<Task>(scope.tx, ref);
    return found && isRcpCase(found) ? found : undefined;
  });
}

/** The meetings ("Appointment/<id>") whose agenda lists the case. */
export function meetingsListing(scope: BoardScope, caseRef: string): Promise<Array<{ ref: string; meeting: Appointment }>> {
  return scope.memo(`rcp:listing:${caseRef}`, async () => {
    const found: Array<{ ref: string; meeting: Appointment }> = [];
    for (const list of await searchAll<List>(scope.tx, 'List', { item: caseRef })) {
      if (!isRcpAgenda(list)) continue;
      const ref = meetingOf(list);
      const board = await meeting(scope, ref);
      // The agenda must be the one its meeting names (a List claiming a meeting it does not belong to counts for nothing).
      if (ref && board && agendaOf(board) === `List/${list.id}`) found.push({ ref, meeting: board });
    }
    return found;
  });
}

/** The presenters of the cases on a meeting's agenda. */
async function presentersOnAgenda(scope: BoardScope, list: List | undefined): Promise<Set<string>> {
  const presenters = new Set<string>();
  if (!list) return presenters;
  for (const caseRef of casesOnAgenda(list)) {
    const found = await rcpCase(scope, caseRef);
    const presenter = found ? presenterOf(found) : undefined;
    if (presenter) presenters.add(presenter);
  }
  return presenters;
}

const seatOf = (board: Appointment, caller: string) => participantsOf(board).find((p) => p.actor === caller);

export function kindOf(resource: Resource): RcpKind {
  if (isRcpMeeting(resource)) return 'meeting';
  if (isRcpAgenda(resource)) return 'agenda';
  if (isRcpCase(resource)) return 'case';
  if (isRcpProposal(resource)) return 'proposal';
  return 'case-record';
}

/** The facts of the read table for one tumour-board record and one caller. */
export async function readFacts(
  scope: BoardScope,
  caller: { userRef: string; role: Role } | null,
  resource: Resource,
): Promise<RcpReadFacts> {
  const kind = kindOf(resource);
  const base: RcpReadFacts = {
    caller,
    kind,
    patient: undefined,
    seats: [],
    presentsOnAgenda: false,
    presenter: undefined,
    requester: undefined,
  };
  if (!caller) return base;
  if (kind === 'meeting' || kind === 'agenda') {
    const board = kind === 'meeting' ? (resource as Appointment) : await meeting(scope, meetingOf(resource));
    const list = kind === 'agenda' ? (resource as List) : await agenda(scope, board ? agendaOf(board) : undefined);
    // An agenda counts for its meeting only if the meeting names it back.
    const paired = board && list && agendaOf(board) === `List/${list.id}`;
    return {
      ...base,
      seats: board && (kind === 'meeting' || paired) ? [seatOf(board, caller.userRef)] : [],
      presentsOnAgenda: paired ? (await presentersOnAgenda(scope, list)).has(caller.userRef) : false,
    };
  }
  const caseRef = kind === 'case' ? `Task/${resource.id}` : caseOf(resource);
  const task = kind === 'case' ? (resource as Task) : await rcpCase(scope, caseRef);
  if (!task || !caseRef) return base;
  const boards = await meetingsListing(scope, caseRef);
  return {
    ...base,
    patient: patientOfCase(task),
    seats: boards.map((b) => seatOf(b.meeting, caller.userRef)),
    presenter: presenterOf(task),
    requester: (task.requester as { reference?: string } | undefined)?.reference,
  };
}

/** The patients a tumour-board record concerns (for the access log). */
export async function patientsOfRecord(scope: BoardScope, resource: Resource): Promise<string[]> {
  const kind = kindOf(resource);
  if (kind === 'meeting' || kind === 'agenda') return [];
  const task = kind === 'case' ? (resource as Task) : await rcpCase(scope, caseOf(resource));
  const patient = task ? patientOfCase(task) : undefined;
  return patient ? [patient] : [];
}

/** The specialties (SPECIALTY_SYSTEM codes) a practitioner holds in the directory: qualifications and active roles. */
export function specialtiesOf(scope: BoardScope, practitioner: string, now: Date): Promise<string[]> {
  return scope.memo(`rcp:specialties:${practitioner}`, async () => {
    const codes = new Set<string>();
    const record = await currentOf<Practitioner>(scope.tx, practitioner);
    for (const q of record?.qualification ?? [])
      for (const c of q.code.coding ?? []) if (c.system === SPECIALTY_SYSTEM && c.code) codes.add(c.code);
    for (const role of await searchAll<PractitionerRole>(scope.tx, 'PractitionerRole', { practitioner })) {
      const live =
        role.active !== false &&
        (role.period?.start === undefined || Date.parse(role.period.start) <= now.getTime()) &&
        (role.period?.end === undefined || Date.parse(role.period.end) > now.getTime());
      if (!live) continue;
      for (const s of role.specialty ?? [])
        for (const c of s.coding ?? []) if (c.system === SPECIALTY_SYSTEM && c.code) codes.add(c.code);
    }
    return [...codes];
  });
}

export const isStored = (row: StoredVersion | undefined): row is StoredVersion & { resource: fhir4.FhirResource } =>
  row?.resource !== null && row?.resource !== undefined;
