import type { Migration } from '../migration';

/**
 * Secure messaging: decrypted messages (only ever inside this encrypted file), their full-text index,
 * and this professional's OpenPGP key pairs (old ones kept so old mail stays readable).
 */
export const createMailbox: Migration = {
  version: 80,
  name: '0080-create-mailbox',
  up(db) {
    db.exec(`
      CREATE TABLE messages (
        row_id      INTEGER PRIMARY KEY,
        id          TEXT NOT NULL UNIQUE,      -- the Communication id
        folder      TEXT NOT NULL CHECK (folder IN ('inbox', 'sent', 'drafts', 'archive')),
        sender      TEXT NOT NULL,             -- Practitioner/…
        sender_name TEXT NOT NULL,
        recipients  TEXT NOT NULL,             -- JSON [{ reference, name }]
        subject     TEXT NOT NULL,
        body        TEXT NOT NULL,
        attachments TEXT NOT NULL,             -- JSON [{ name, contentType, size }] (part i+1 of the envelope)
        sent_at     TEXT,
        read_at     TEXT,
        signature   TEXT NOT NULL,             -- valid | invalid | missing | unknown-signer | unreadable | own
        delivery    TEXT NOT NULL,             -- JSON [{ recipient, status, at }]
        version_id  INTEGER NOT NULL DEFAULT 0 -- the envelope version last processed
      );
      CREATE INDEX messages_by_folder ON messages (folder, sent_at DESC);
      CREATE VIRTUAL TABLE message_search USING fts5(
        subject, body, people,
        tokenize = 'unicode61 remove_diacritics 2'
      );
      CREATE TABLE pgp_keys (
        fingerprint TEXT PRIMARY KEY,
        public_key  TEXT NOT NULL,
        private_key TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        active      INTEGER NOT NULL CHECK (active IN (0, 1))
      );
    `);
  },
};
