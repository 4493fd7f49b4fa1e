import type { Migration } from '../migration';

/** Small named values the sync keeps between runs (the `$changes` cursor, last sync time). */
export const createSyncState: Migration = {
  version: 40,
  name: '0040-create-sync-state',
  up(db) {
    db.exec(`CREATE TABLE sync_state (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;`);
  },
};
