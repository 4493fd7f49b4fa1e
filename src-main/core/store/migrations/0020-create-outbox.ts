import type { Migration } from '../migration';

/**
 * Local writes waiting for the platform. `op_id` is the client-generated id the platform's ledger
 * deduplicates on; `seq` is the global order; operations on one `entity_key` are sent strictly in order.
 */
export const createOutbox: Migration = {
  version: 20,
  name: '0020-create-outbox',
  up(db) {
    db.exec(`
      CREATE TABLE outbox (
        op_id      TEXT PRIMARY KEY,
        seq        INTEGER NOT NULL UNIQUE,
        entity_key TEXT NOT NULL,
        method     TEXT NOT NULL CHECK (method IN ('POST', 'PUT', 'PATCH', 'DELETE')),
        url        TEXT NOT NULL,
        body       TEXT,
        if_match   TEXT,
        status     TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'inflight', 'acked')),
        attempts   INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        created_at TEXT NOT NULL,
        acked_at   TEXT
      );
      CREATE INDEX outbox_by_entity ON outbox (entity_key, seq);
      CREATE INDEX outbox_by_status ON outbox (status, seq);
    `);
  },
};
