import type { Migration } from '../migration';

/** Attachment bytes, content-addressed by SHA-256; `complete` is set only once the hash verified. */
export const createBlobs: Migration = {
  version: 50,
  name: '0050-create-blobs',
  up(db) {
    db.exec(`
      CREATE TABLE blobs (
        sha256   TEXT PRIMARY KEY CHECK (length(sha256) = 64),
        bytes    BLOB NOT NULL,
        size     INTEGER NOT NULL,
        complete INTEGER NOT NULL DEFAULT 0 CHECK (complete IN (0, 1))
      );
    `);
  },
};
