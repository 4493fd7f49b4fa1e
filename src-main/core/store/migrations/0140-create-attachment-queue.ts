import type { Migration } from '../migration';

/**
 * The attachment queue (ARCHITECTURE §6, issue 10). Blob bytes move out of the single `blobs.bytes`
 * column (0050), whose chunked append rewrote the whole blob on every chunk, into one row per chunk, so
 * appending a chunk writes that chunk only and a range is read without loading the rest. The bytes stay
 * inside the SQLCipher file: encrypted with the profile's data key, committed in the same transaction as
 * the queue state that says how far an upload or download got (tests/bench "blobs" measures the other way).
 *
 * - `blobs`: one row per content address; `held` bytes are stored (contiguous from 0), `complete` once
 *   they hash to the address; `last_used` is the LRU clock of the cache's byte budget.
 * - `blob_chunks`: the bytes, one row per chunk at its offset (a rowid table: WITHOUT ROWID suits small rows).
 * - `blob_pins`: what keeps a blob from eviction — an unsent write (`op_id`, released once that outbox
 *   operation is acknowledged or abandoned) or a prefetch.
 * - `blob_uploads`: an upload to the platform and how far it got (the platform's upload id and the bytes
 *   it confirmed), so a restart resumes from the last confirmed chunk.
 * - `outbox_holds`: an outbox operation that names a blob waits until that blob's upload completed.
 */
export const createAttachmentQueue: Migration = {
  version: 140,
  name: '0140-create-attachment-queue',
  up(db) {
    db.exec(`
      ALTER TABLE blobs RENAME TO blobs_0050;
      CREATE TABLE blobs (
        sha256    TEXT PRIMARY KEY CHECK (length(sha256) = 64),
        size      INTEGER NOT NULL CHECK (size >= 0),
        held      INTEGER NOT NULL DEFAULT 0 CHECK (held >= 0 AND held <= size),
        complete  INTEGER NOT NULL DEFAULT 0 CHECK (complete IN (0, 1)),
        last_used INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX blobs_by_last_used ON blobs (complete, last_used);
      CREATE TABLE blob_chunks (
        sha256 TEXT NOT NULL REFERENCES blobs (sha256) ON DELETE CASCADE,
        offset INTEGER NOT NULL CHECK (offset >= 0),
        bytes  BLOB NOT NULL
      );
      CREATE UNIQUE INDEX blob_chunks_by_offset ON blob_chunks (sha256, offset);
      CREATE TABLE blob_pins (
        sha256 TEXT NOT NULL,
        reason TEXT NOT NULL CHECK (reason IN ('unsent', 'prefetch')),
        op_id  TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (sha256, reason, op_id)
      );
      CREATE TABLE blob_uploads (
        sha256       TEXT PRIMARY KEY CHECK (length(sha256) = 64),
        size         INTEGER NOT NULL CHECK (size >= 0),
        content_type TEXT NOT NULL,
        upload_id    TEXT,
        confirmed    INTEGER NOT NULL DEFAULT 0 CHECK (confirmed >= 0 AND confirmed <= size),
        chunk_size   INTEGER,
        complete     INTEGER NOT NULL DEFAULT 0 CHECK (complete IN (0, 1)),
        attempts     INTEGER NOT NULL DEFAULT 0,
        last_error   TEXT,
        created_at   TEXT NOT NULL
      );
      CREATE TABLE outbox_holds (
        op_id  TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        PRIMARY KEY (op_id, sha256)
      );
      CREATE INDEX outbox_holds_by_blob ON outbox_holds (sha256);
      INSERT INTO blobs (sha256, size, held, complete, last_used)
        SELECT sha256, size, size, 1, 0 FROM blobs_0050 WHERE complete = 1;
      INSERT INTO blob_chunks (sha256, offset, bytes)
        SELECT sha256, 0, bytes FROM blobs_0050 WHERE complete = 1 AND size > 0;
      DROP TABLE blobs_0050;
    `);
  },
};
