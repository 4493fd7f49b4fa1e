import type { Migration } from '../migration';

/**
 * The care index by patient, in two parts so an initial sync stops rewriting it page after page.
 *
 * The feed arrives in the platform's commit order, which mixes every patient, while the index by patient
 * keeps each patient's records of a kind together: each page of 1,000 records added one row to most of
 * several hundred (patient, kind) regions, and its commit rewrote (encrypted, wrote, later checkpointed)
 * a 4 KiB leaf for nearly every record — the largest write amplifier of the sync (100,000 records wrote
 * 575 MB for a 151 MB cache). Now a new row is "recent" (`settled = 0`) and goes into a small partial
 * index of the recent rows only, whose few leaves absorb many pages; `CareIndex.settle` moves the recent
 * rows into the settled partial index in one sorted pass every few thousand rows (and at the end of a
 * pull), so each (patient, kind) region is rewritten once per pass instead of once per page. The screens
 * read both parts (a UNION ALL of two index ranges). Existing rows are settled.
 */
export const settleCareIndex: Migration = {
  version: 220,
  name: '0220-settle-care-index',
  up(db) {
    db.exec(`
      ALTER TABLE care_index ADD COLUMN settled INTEGER NOT NULL DEFAULT 1 CHECK (settled IN (0, 1));
      DROP INDEX care_index_by_patient;
      CREATE INDEX care_index_by_patient ON care_index (patient_id, kind, at, num1, num2, unit, status, pending)
        WHERE settled = 1;
      CREATE INDEX care_index_recent_by_patient ON care_index (patient_id, kind, at, num1, num2, unit, status, pending)
        WHERE settled = 0;
    `);
  },
};
