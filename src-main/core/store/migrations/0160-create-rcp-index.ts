import type { Migration } from '../migration';
import { writeRcpIndexRow } from '../rcp-index';
import { StatementCache } from '../statement-cache';

const BACKFILL_PAGE = 500;

/**
 * Tumour boards (IdeoRCP) read from one index: a meeting's agenda and every case's Condition, staging,
 * proposals and minutes are rows by meeting and by case, so an agenda opens without parsing the cache.
 */
export const createRcpIndex: Migration = {
  version: 160,
  name: '0160-create-rcp-index',
  up(db) {
    db.exec(`
      CREATE TABLE rcp_index (
        type TEXT NOT NULL,
        id TEXT NOT NULL,
        kind TEXT NOT NULL,
        case_ref TEXT,
        meeting_ref TEXT,
        patient_id TEXT,
        at TEXT,
        PRIMARY KEY (type, id)
      ) WITHOUT ROWID;
      CREATE INDEX rcp_index_by_case ON rcp_index (case_ref, kind) WHERE case_ref IS NOT NULL;
      CREATE INDEX rcp_index_by_meeting ON rcp_index (meeting_ref, kind) WHERE meeting_ref IS NOT NULL;
      CREATE INDEX rcp_index_by_kind ON rcp_index (kind, at);
    `);
    const sql = new StatementCache(db);
    const page = db.prepare<[number, number], { row_id: number; type: string; id: string; json: string }>(
      `SELECT row_id, type, id, json FROM resources
       WHERE deleted = 0 AND json IS NOT NULL AND row_id > ?
         AND type IN ('Appointment', 'List', 'Task', 'CarePlan', 'Condition', 'Observation', 'DocumentReference')
       ORDER BY row_id LIMIT ?`,
    );
    for (let after = 0; ;) {
      const rows = page.all(after, BACKFILL_PAGE);
      if (rows.length === 0) break;
      for (const row of rows) writeRcpIndexRow(sql, row.type, row.id, JSON.parse(row.json));
      after = rows.at(-1)!.row_id;
    }
  },
};
