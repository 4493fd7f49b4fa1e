import type { StatementCache } from './statement-cache';
import type { CareIndexKind, CareIndexRow } from './care-extracts';

export type { CareIndexKind, CareIndexRow } from './care-extracts';

/**
 * Adds the index row of a record that has none (a first copy, or after its old row was deleted), in the
 * transaction that stores the record. It starts recent (migration 0220) until `CareIndex.settle`.
 */
export function insertCareIndexRow(sql: StatementCache, type: string, id: string, row: CareIndexRow, pending: boolean): void {
  sql
    .prepare(
      `INSERT INTO care_index (type, id, patient_id, kind, at, status, num1, num2, unit, ref, pending, settled)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)`,
    )
    .run(type, id, row.patientId, row.kind, row.at, row.status, row.num1, row.num2, row.unit, row.ref, pending ? 1 : 0);
}

/**
 * How many recent rows wait before `settle` moves them: the recent index grows with them (each page rewrites
 * most of its leaves), the settled one is rewritten region by region at each pass; about 6,000 balances both
 * (measured in the offline apply of 100,000 records, see the commit).
 */
export const SETTLE_AFTER = 6_000;

/**
 * A query by patient over both parts of the index (migration 0220): the same conditions on the settled
 * rows and on the recent ones, each part read from its own partial index (`settled = 1` / `settled = 0`
 * must appear literally for SQLite to pick them).
 */
const byPatient = (columns: string, where: string) =>
  `SELECT ${columns} FROM care_index WHERE settled = 1 AND ${where}
   UNION ALL SELECT ${columns} FROM care_index WHERE settled = 0 AND ${where}`;

interface IndexSqlRow {
  type: string;
  id: string;
  patient_id: string;
  kind: CareIndexKind;
  at: string | null;
  status: string | null;
  num1: number | null;
  num2: number | null;
  unit: string | null;
  ref: string | null;
  pending: number;
}

export interface IndexedCareRecord extends CareIndexRow {
  type: string;
  id: string;
  pending: boolean;
}

function toRecord(row: IndexSqlRow): IndexedCareRecord {
  return {
    type: row.type,
    id: row.id,
    patientId: row.patient_id,
    kind: row.kind,
    at: row.at,
    status: row.status,
    num1: row.num1,
    num2: row.num2,
    unit: row.unit,
    ref: row.ref,
    pending: row.pending === 1,
  };
}

const COLUMNS = 'type, id, patient_id, kind, at, status, num1, num2, unit, ref, pending';

export interface PatientFootprint {
  careRecords: number;
  careBytes: number;
}

/**
 * Care records as the screens query them, from the index alone where it can (charts, rounds, visits)
 * so a cache of 300,000 records answers a 90-day chart without parsing a record.
 */
export class CareIndex {
  constructor(private readonly sql: StatementCache) {}

  /**
   * Moves the recent rows into the settled part of the index in one pass, once there are `threshold` of
   * them, in the caller's transaction (the pull calls it with each page). Returns how many moved.
   */
  settle(threshold = SETTLE_AFTER): number {
    const waiting = this.sql
      .prepare<[number], { n: number }>('SELECT count(*) AS n FROM (SELECT 1 FROM care_index WHERE settled = 0 LIMIT ?)')
      .get(threshold)!.n;
    if (waiting === 0 || waiting < threshold) return 0;
    return this.sql.prepare('UPDATE care_index SET settled = 1 WHERE settled = 0').run().changes;
  }

  /** A patient's records of some kinds, oldest first, optionally within [from, to) (ISO instants). */
  ofPatient(patientId: string, kinds: readonly CareIndexKind[], range: { from?: string; to?: string } = {}): IndexedCareRecord[] {
    return kinds.flatMap((kind) =>
      this.sql
        .prepare<[{ patient: string; kind: string; from: string; to: string }], IndexSqlRow>(
          `${byPatient(COLUMNS, "patient_id = @patient AND kind = @kind AND coalesce(at, '') >= @from AND coalesce(at, '') < @to")}
           ORDER BY at, id`,
        )
        .all({ patient: patientId, kind, from: range.from ?? '', to: range.to ?? '\uffff' })
        .map(toRecord),
    );
  }

  /** Records of a kind for every patient within [from, to) (e.g. the visits of a day, the notes of a shift). */
  ofKind(kind: CareIndexKind, from: string, to: string): IndexedCareRecord[] {
    return this.sql
      .prepare<[string, string, string], IndexSqlRow>(
        `SELECT ${COLUMNS} FROM care_index WHERE kind = ? AND at >= ? AND at < ? ORDER BY at, id`,
      )
      .all(kind, from, to)
      .map(toRecord);
  }

  /** Every record of a kind whatever its date (prescriptions, care plans, open tasks). */
  allOfKind(kind: CareIndexKind): IndexedCareRecord[] {
    return this.sql
      .prepare<[string], IndexSqlRow>(`SELECT ${COLUMNS} FROM care_index WHERE kind = ? ORDER BY patient_id, at, id`)
      .all(kind)
      .map(toRecord);
  }

  /**
   * The cached records of a kind (optionally within [from, to) of their instant), parsed, in one statement: the
   * round reads 500 prescriptions and their doses at once instead of one lookup each.
   */
  recordsOfKind<T>(kind: CareIndexKind, range?: { from: string; to: string }): { id: string; versionId: number; resource: T }[] {
    const rows = range
      ? this.sql
          .prepare<[string, string, string], { id: string; version_id: number; json: string }>(
            `SELECT c.id, r.version_id, r.json FROM care_index c
             JOIN resources r ON r.type = c.type AND r.id = c.id AND r.deleted = 0
             WHERE c.kind = ? AND c.at >= ? AND c.at < ?`,
          )
          .all(kind, range.from, range.to)
      : this.sql
          .prepare<[string], { id: string; version_id: number; json: string }>(
            `SELECT c.id, r.version_id, r.json FROM care_index c
             JOIN resources r ON r.type = c.type AND r.id = c.id AND r.deleted = 0
             WHERE c.kind = ?`,
          )
          .all(kind);
    return rows.map((row) => ({ id: row.id, versionId: row.version_id, resource: JSON.parse(row.json) as T }));
  }

  /** Records pointing at `ref` (the administrations of a prescription, the assessments of a wound). */
  byRef(ref: string, kind: CareIndexKind): IndexedCareRecord[] {
    return this.sql
      .prepare<[string, string], IndexSqlRow>(`SELECT ${COLUMNS} FROM care_index WHERE ref = ? AND kind = ? ORDER BY at, id`)
      .all(ref, kind)
      .map(toRecord);
  }

  /** The newest record of a kind for a patient. */
  latest(patientId: string, kind: CareIndexKind): IndexedCareRecord | undefined {
    const row = this.sql
      .prepare<[{ patient: string; kind: string }], IndexSqlRow>(
        `SELECT * FROM (SELECT ${COLUMNS} FROM care_index WHERE settled = 1 AND patient_id = @patient AND kind = @kind
                        ORDER BY at DESC, id DESC LIMIT 1)
         UNION ALL
         SELECT * FROM (SELECT ${COLUMNS} FROM care_index WHERE settled = 0 AND patient_id = @patient AND kind = @kind
                        ORDER BY at DESC, id DESC LIMIT 1)
         ORDER BY at DESC, id DESC LIMIT 1`,
      )
      .get({ patient: patientId, kind });
    return row === undefined ? undefined : toRecord(row);
  }

  row(type: string, id: string): IndexedCareRecord | undefined {
    const row = this.sql
      .prepare<[string, string], IndexSqlRow>(`SELECT ${COLUMNS} FROM care_index WHERE type = ? AND id = ?`)
      .get(type, id);
    return row === undefined ? undefined : toRecord(row);
  }

  /** Care records of a patient written on this device and not yet confirmed by the platform. */
  pendingCount(patientId: string): number {
    return this.sql
      .prepare<[{ patient: string }], { n: number }>(
        `SELECT count(*) AS n FROM (${byPatient('1', 'patient_id = @patient AND pending = 1')})`,
      )
      .get({ patient: patientId })!.n;
  }

  /** Patients with at least one care record on this device. */
  patientIds(): string[] {
    return this.sql
      .prepare<[], { patient_id: string }>(
        'SELECT patient_id FROM care_index WHERE settled = 1 UNION SELECT patient_id FROM care_index WHERE settled = 0',
      )
      .all()
      .map((r) => r.patient_id);
  }

  /** How many care records of a patient this device holds and their size in the cache. */
  footprint(patientId: string): PatientFootprint {
    const row = this.sql
      .prepare<[{ patient: string }], { n: number; bytes: number | null }>(
        `SELECT count(*) AS n, sum(length(r.json)) AS bytes FROM (${byPatient('type, id', 'patient_id = @patient')}) c
         JOIN resources r ON r.type = c.type AND r.id = c.id AND r.deleted = 0`,
      )
      .get({ patient: patientId })!;
    return { careRecords: row.n, careBytes: row.bytes ?? 0 };
  }

  /** A patient's DSP documents on this device and their size (their inline content included). */
  dspFootprint(patientId: string): { documents: number; bytes: number } {
    const row = this.sql
      .prepare<[string], { n: number; bytes: number | null }>(
        `SELECT count(*) AS n, sum(length(r.json)) AS bytes FROM dsp_documents d
         JOIN resources r ON r.type = 'DocumentReference' AND r.id = d.id AND r.deleted = 0
         WHERE d.patient_id = ?`,
      )
      .get(patientId)!;
    return { documents: row.n, bytes: row.bytes ?? 0 };
  }

  pin(patientId: string, roundDate: string, at: Date): void {
    this.sql
      .prepare<[string, string, string]>(
        `INSERT INTO care_pins (patient_id, round_date, pinned_at) VALUES (?, ?, ?)
         ON CONFLICT (patient_id) DO UPDATE SET round_date = excluded.round_date, pinned_at = excluded.pinned_at`,
      )
      .run(patientId, roundDate, at.toISOString());
  }

  isPinned(patientId: string): boolean {
    return (
      this.sql.prepare<[string], { n: number }>('SELECT 1 AS n FROM care_pins WHERE patient_id = ?').get(patientId) !== undefined
    );
  }

  saveDraft(patientId: string, draft: unknown, at: Date): void {
    this.sql
      .prepare<[string, string, string]>(
        `INSERT INTO care_note_drafts (patient_id, json, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (patient_id) DO UPDATE SET json = excluded.json, updated_at = excluded.updated_at`,
      )
      .run(patientId, JSON.stringify(draft), at.toISOString());
  }

  draft(patientId: string): unknown {
    const row = this.sql
      .prepare<[string], { json: string }>('SELECT json FROM care_note_drafts WHERE patient_id = ?')
      .get(patientId);
    return row === undefined ? null : (JSON.parse(row.json) as unknown);
  }

  discardDraft(patientId: string): void {
    this.sql.prepare<[string]>('DELETE FROM care_note_drafts WHERE patient_id = ?').run(patientId);
  }
}
