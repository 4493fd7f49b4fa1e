import type { Migration } from '../migration';

/** Operations the platform refused as stale (412), with both versions, until a person resolves them. */
export const createQuarantine: Migration = {
  version: 30,
  name: '0030-create-quarantine',
  up(db) {
    db.exec(`
      CREATE TABLE quarantine (
        op_id       TEXT PRIMARY KEY,
        entity_key  TEXT NOT NULL,
        local_json  TEXT NOT NULL,
        server_json TEXT,
        reason      TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        resolved_at TEXT
      );
      CREATE INDEX quarantine_open_by_entity ON quarantine (entity_key) WHERE resolved_at IS NULL;
    `);
  },
};
