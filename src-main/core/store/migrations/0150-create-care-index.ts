import type { Migration } from '../migration';
import { careIndexRowOf } from '../care-extracts';

const BACKFILL_PAGE = 500;

/**
 * Care records (IdeoMed) read from one index instead of parsing every cached record: a 90-day vital-sign
 * chart is one range of (patient, kind, at), a shift's round finds its administrations by prescription,
 * "Ma tournée" its visits by day, and a patient's readiness counts what is really cached for them.
 * `care_pins` are the patients a nurse prepared for a round; `care_note_drafts` keep unsaved note text.
 */
export const createCareIndex: Migration = {
  version: 150,
  name: '0150-create-care-index',
  up(db) {
    db.exec(`
      CREATE TABLE care_index (
        type TEXT NOT NULL,
        id TEXT NOT NULL,
        patient_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        at TEXT,
        status TEXT,
        num1 REAL,
        num2 REAL,
        unit TEXT,
        ref TEXT,
        pending INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (type, id)
      ) WITHOUT ROWID;
      CREATE INDEX care_index_by_patient ON care_index (patient_id, kind, at, num1, num2, unit, status, pending);
      CREATE INDEX care_index_by_kind ON care_index (kind, at);
      CREATE INDEX care_index_by_ref ON care_index (ref, kind) WHERE ref IS NOT NULL;
      CREATE TABLE care_pins (
        patient_id TEXT PRIMARY KEY,
        round_date TEXT NOT NULL,
        pinned_at TEXT NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE care_note_drafts (
        patient_id TEXT PRIMARY KEY,
        json TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) WITHOUT ROWID;
    `);
    const insert = db.prepare(
      `INSERT INTO care_index (type, id, patient_id, kind, at, status, num1, num2, unit, ref, pending)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const page = db.prepare<[number, number], { row_id: number; type: string; id: string; version_id: number; json: string }>(
      `SELECT row_id, type, id, version_id, json FROM resources
       WHERE deleted = 0 AND json IS NOT NULL AND row_id > ? ORDER BY row_id LIMIT ?`,
    );
    for (let after = 0; ;) {
      const rows = page.all(after, BACKFILL_PAGE);
      if (rows.length === 0) break;
      for (const { type, id, json, version_id } of rows) {
        const r = careIndexRowOf(type, id, JSON.parse(json));
        if (r) insert.run(type, id, r.patientId, r.kind, r.at, r.status, r.num1, r.num2, r.unit, r.ref, version_id === 0 ? 1 : 0);
      }
      after = rows.at(-1)!.row_id;
    }
  },
};
