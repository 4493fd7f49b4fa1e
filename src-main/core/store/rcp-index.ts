/**
 * The tumour boards as this device holds them (IdeoRCP, migration 0160): one row per cached meeting,
 * agenda, case, case record, proposal and minutes, by meeting and by case, so opening an agenda reads a
 * handful of rows instead of parsing every cached Task and Observation. Kept in the transaction that
 * stores the record (a revocation's purge included).
 */
import {
  caseOf,
  caseOfMinutes,
  isRcpAgenda,
  isRcpCase,
  isRcpCaseRecord,
  isRcpMeeting,
  isRcpMinutes,
  isRcpProposal,
  meetingOf,
  patientOfCase,
} from '../../../src-shared/domain/rcp';
import type { Appointment, DocumentReference, Resource } from 'fhir/r4';
import type { StatementCache } from './statement-cache';

export type RcpIndexKind = 'meeting' | 'agenda' | 'case' | 'condition' | 'staging' | 'proposal' | 'minutes';

export interface RcpIndexRow {
  kind: RcpIndexKind;
  /** "Task/<id>" for what belongs to a case (the case itself included). */
  caseRef: string | null;
  /** "Appointment/<id>" for a meeting, its agenda, a case registered for it and a proposal made there. */
  meetingRef: string | null;
  patientId: string | null;
  /** A meeting's start; a record's date. */
  at: string | null;
}

const patientIdOf = (ref: string | undefined) => (ref?.startsWith('Patient/') ? ref.slice('Patient/'.length) : null);

/** The index row of a tumour-board record; null for anything else. */
export function rcpIndexRowOf(type: string, id: string, resource: unknown): RcpIndexRow | null {
  const r = resource as Resource;
  if (!r || typeof r !== 'object' || r.resourceType !== type) return null;
  if (isRcpMeeting(r))
    return {
      kind: 'meeting',
      caseRef: null,
      meetingRef: `Appointment/${id}`,
      patientId: null,
      at: (r as Appointment).start ?? null,
    };
  if (isRcpAgenda(r))
    return { kind: 'agenda', caseRef: null, meetingRef: meetingOf(r) ?? null, patientId: null, at: r.date ?? null };
  if (isRcpCase(r))
    return {
      kind: 'case',
      caseRef: `Task/${id}`,
      meetingRef: meetingOf(r) ?? null,
      patientId: patientIdOf(patientOfCase(r)),
      at: r.authoredOn ?? null,
    };
  if (isRcpProposal(r))
    return {
      kind: 'proposal',
      caseRef: caseOf(r) ?? null,
      meetingRef: meetingOf(r) ?? null,
      patientId: patientIdOf(r.subject?.reference),
      at: r.created ?? null,
    };
  if (isRcpCaseRecord(r))
    return {
      kind: r.resourceType === 'Condition' ? 'condition' : 'staging',
      caseRef: caseOf(r) ?? null,
      meetingRef: null,
      patientId: patientIdOf(r.subject?.reference),
      at: null,
    };
  if (type === 'DocumentReference' && isRcpMinutes(r)) {
    const doc = r as DocumentReference;
    const meeting = (doc.context?.related ?? []).map((x) => x.reference).find((x) => x?.startsWith('Appointment/'));
    return {
      kind: 'minutes',
      caseRef: caseOfMinutes(r) ?? null,
      meetingRef: meeting ?? null,
      patientId: patientIdOf(doc.subject?.reference),
      at: doc.date ?? null,
    };
  }
  return null;
}

export function writeRcpIndexRow(sql: StatementCache, type: string, id: string, resource: unknown): void {
  sql.prepare<[string, string]>('DELETE FROM rcp_index WHERE type = ? AND id = ?').run(type, id);
  const row = resource === null ? null : rcpIndexRowOf(type, id, resource);
  if (row) insertRcpIndexRow(sql, type, id, row);
}

/** Adds the index row of a record that has none (a first copy, or after its old row was deleted). */
export function insertRcpIndexRow(sql: StatementCache, type: string, id: string, row: RcpIndexRow): void {
  sql
    .prepare('INSERT INTO rcp_index (type, id, kind, case_ref, meeting_ref, patient_id, at) VALUES (?, ?, ?, ?, ?, ?, ?)')
    .run(type, id, row.kind, row.caseRef, row.meetingRef, row.patientId, row.at);
}

export interface IndexedRcpRecord extends RcpIndexRow {
  type: string;
  id: string;
}

interface SqlRow {
  type: string;
  id: string;
  kind: RcpIndexKind;
  case_ref: string | null;
  meeting_ref: string | null;
  patient_id: string | null;
  at: string | null;
}

const toRecord = (row: SqlRow): IndexedRcpRecord => ({
  type: row.type,
  id: row.id,
  kind: row.kind,
  caseRef: row.case_ref,
  meetingRef: row.meeting_ref,
  patientId: row.patient_id,
  at: row.at,
});

const COLUMNS = 'type, id, kind, case_ref, meeting_ref, patient_id, at';

export class RcpIndex {
  constructor(private readonly sql: StatementCache) {}

  /** Every cached meeting, by start. */
  meetings(): IndexedRcpRecord[] {
    return this.sql
      .prepare<[], SqlRow>(`SELECT ${COLUMNS} FROM rcp_index WHERE kind = 'meeting' ORDER BY at, id`)
      .all()
      .map(toRecord);
  }

  /** What belongs to these cases (the cases, their Condition, staging, proposals and minutes). */
  ofCases(caseRefs: readonly string[]): IndexedRcpRecord[] {
    if (caseRefs.length === 0) return [];
    return this.sql
      .prepare<[string], SqlRow>(`SELECT ${COLUMNS} FROM rcp_index WHERE case_ref IN (SELECT value FROM json_each(?))`)
      .all(JSON.stringify(caseRefs))
      .map(toRecord);
  }

  /** The agendas (and cases registered for, and proposals made at) a meeting. */
  ofMeeting(meetingRef: string): IndexedRcpRecord[] {
    return this.sql
      .prepare<[string], SqlRow>(`SELECT ${COLUMNS} FROM rcp_index WHERE meeting_ref = ?`)
      .all(meetingRef)
      .map(toRecord);
  }

  /** A patient's cases. */
  casesOf(patientId: string): IndexedRcpRecord[] {
    return this.sql
      .prepare<[string], SqlRow>(`SELECT ${COLUMNS} FROM rcp_index WHERE patient_id = ? AND kind = 'case' ORDER BY at DESC`)
      .all(patientId)
      .map(toRecord);
  }
}
