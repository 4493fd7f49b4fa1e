import type { Migration } from '../migration';

/**
 * The collaborative spaces' decrypted content (issue 13), one row per thread header, post or file
 * version, kept only in the encrypted cache: what the thread list, the thread view, the file list and
 * the unread counts read. A row the user could not decrypt is kept as unreadable, never hidden.
 */
export const createSpaceContent: Migration = {
  version: 175,
  name: '0175-create-space-content',
  up(db) {
    db.exec(`
      CREATE TABLE space_content (
        id          TEXT PRIMARY KEY,
        space_id    TEXT NOT NULL,
        kind        TEXT NOT NULL CHECK (kind IN ('thread', 'post', 'file')),
        thread_id   TEXT,
        sender      TEXT NOT NULL,
        sent_at     TEXT NOT NULL,
        title       TEXT NOT NULL DEFAULT '',
        text        TEXT NOT NULL DEFAULT '',
        mentions    TEXT NOT NULL DEFAULT '[]',
        file        TEXT,
        replaces    TEXT,
        readable    INTEGER NOT NULL,
        signature   TEXT NOT NULL,
        read_at     TEXT,
        pending     INTEGER NOT NULL DEFAULT 0,
        version_id  INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX space_content_by_space ON space_content (space_id, kind, sent_at);
      CREATE INDEX space_content_by_thread ON space_content (thread_id, sent_at);
      CREATE INDEX space_content_unread ON space_content (space_id, thread_id) WHERE read_at IS NULL;
    `);
  },
};
