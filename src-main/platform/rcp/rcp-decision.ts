/**
 * Who reads what of a tumour board (issue 12, ARCHITECTURE §5), as one pure function over the facts the
 * policy looked up, so the table can be read and tested in one place. First matching row wins; every
 * verdict carries its row for the access log ("RCP rule N: …").
 *
 * | # | caller                                                        | meeting | agenda | case, staging, proposal |
 * |---|---------------------------------------------------------------|---------|--------|-------------------------|
 * | 1 | not authenticated                                             | 401     | 401    | 401                     |
 * | 2 | the patient of the case                                       | —       | —      | read (own record)       |
 * | 3 | a participant of the meeting (coordinator or member)          | yes     | yes    | (rows 5–7)              |
 * | 4 | the presenter of a case on the meeting's agenda               | yes     | yes    | (row 5)                 |
 * | 5 | presenter or registrant of the case (care mandate)            | —       | —      | yes                     |
 * | 6 | a board member, not declined, of a meeting listing the case   | —       | —      | yes                     |
 * | 7 | a coordinator of a meeting listing the case, not a member     | —       | —      | 403: schedule only      |
 * | 8 | a physician (gp, specialist)                                  | yes: the board's calendar, to register a case | 403 | 403 |
 * | 9 | anyone else                                                   | 403     | 403    | 403                     |
 */
import { hasCareMandate, type Role } from '../../../src-shared/domain/roles';
import type { RcpParticipant } from '../../../src-shared/domain/rcp';

export type RcpKind = 'meeting' | 'agenda' | 'case' | 'case-record' | 'proposal';

export interface RcpReadFacts {
  caller: { userRef: string; role: Role } | null;
  kind: RcpKind;
  /** The patient of a case, its records and its proposal. */
  patient: string | undefined;
  /** The caller's place on each meeting concerned (the meeting itself, or those whose agenda lists the case). */
  seats: Array<RcpParticipant | undefined>;
  /** Meeting or agenda: the caller presents a case on its agenda. */
  presentsOnAgenda: boolean;
  /** Case and its records: the presenter and the registrant. */
  presenter: string | undefined;
  requester: string | undefined;
}

export type RcpReadDecision =
  { allowed: true; row: number; rule: string } | { allowed: false; row: number; status: 401 | 403; reason: string; rule: string };

export const PHYSICIAN_ROLES: readonly Role[] = ['gp', 'specialist'];
export const isPhysician = (role: Role) => PHYSICIAN_ROLES.includes(role);

function allow(row: number, why: string): RcpReadDecision {
  return { allowed: true, row, rule: `RCP rule ${row}: allowed (${why})` };
}

function refuse(row: number, status: 401 | 403, reason: string): RcpReadDecision {
  return { allowed: false, row, status, reason: `${reason} (RCP rule ${row})`, rule: `RCP rule ${row}: ${reason}` };
}

export function decideRcpRead(facts: RcpReadFacts): RcpReadDecision {
  const { caller, kind } = facts;
  if (!caller) return refuse(1, 401, 'authentication required');
  const clinical = kind === 'case' || kind === 'case-record' || kind === 'proposal';
  if (caller.role === 'patient') {
    return clinical && facts.patient === caller.userRef
      ? allow(2, 'the patient reads their own tumour-board record')
      : refuse(9, 403, 'a patient reads only their own tumour-board records');
  }
  const seats = facts.seats.filter((s): s is RcpParticipant => s !== undefined);
  if (!clinical) {
    if (seats.length > 0) return allow(3, `${seats[0]!.role} of the meeting`);
    if (facts.presentsOnAgenda) return allow(4, 'presenter of a case on the agenda');
    if (kind === 'meeting' && isPhysician(caller.role)) return allow(8, "a physician sees the board's calendar");
    return refuse(9, 403, 'neither a participant of this tumour board nor the presenter of one of its cases');
  }
  const mandate = hasCareMandate(caller.role);
  if (mandate && (facts.presenter === caller.userRef || facts.requester === caller.userRef))
    return allow(5, facts.presenter === caller.userRef ? 'presenter of the case' : 'registered the case');
  if (mandate && seats.some((s) => s.role === 'member' && s.status !== 'declined')) return allow(6, 'member of the board');
  if (seats.some((s) => s.role === 'coordinator'))
    return refuse(7, 403, 'a coordinator schedules the board and reads no clinical content');
  return refuse(9, 403, 'neither a member of a tumour board discussing this case nor its presenter');
}
