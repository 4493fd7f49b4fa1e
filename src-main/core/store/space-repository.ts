import type { StatementCache } from './statement-cache';

export type SpaceContentKind = 'thread' | 'post' | 'file';

/** One decrypted thread header, post or file version of a space. */
export interface SpaceContentRow {
  id: string;
  spaceId: string;
  kind: SpaceContentKind;
  threadId: string | null;
  sender: string;
  sentAt: string;
  title: string;
  text: string;
  mentions: string[];
  file: { name: string; contentType: string; size: number; sha256: string; binaryId: string } | null;
  replaces: string | null;
  /** False when it could not be decrypted (posted before the user joined, or tampered). */
  readable: boolean;
  signature: string;
  readAt: string | null;
  pending: boolean;
  versionId: number;
}

interface Row {
  id: string;
  space_id: string;
  kind: SpaceContentKind;
  thread_id: string | null;
  sender: string;
  sent_at: string;
  title: string;
  text: string;
  mentions: string;
  file: string | null;
  replaces: string | null;
  readable: number;
  signature: string;
  read_at: string | null;
  pending: number;
  version_id: number;
}

function toRow(row: Row): SpaceContentRow {
  return {
    id: row.id,
    spaceId: row.space_id,
    kind: row.kind,
    threadId: row.thread_id,
    sender: row.sender,
    sentAt: row.sent_at,
    title: row.title,
    text: row.text,
    mentions: JSON.parse(row.mentions) as string[],
    file: row.file === null ? null : (JSON.parse(row.file) as SpaceContentRow['file']),
    replaces: row.replaces,
    readable: row.readable === 1,
    signature: row.signature,
    readAt: row.read_at,
    pending: row.pending === 1,
    versionId: row.version_id,
  };
}

export interface ThreadSummaryRow {
  id: string;
  title: string;
  readable: boolean;
  sender: string;
  sentAt: string;
  posts: number;
  unread: number;
  lastActivity: string;
  mentionsMe: number;
}

/** The spaces' decrypted content and what the user has read of it. */
export class SpaceRepository {
  constructor(private readonly sql: StatementCache) {}

  save(row: SpaceContentRow): void {
    this.sql
      .prepare(
        `INSERT INTO space_content (id, space_id, kind, thread_id, sender, sent_at, title, text, mentions, file, replaces,
                                    readable, signature, read_at, pending, version_id)
         VALUES (@id, @space_id, @kind, @thread_id, @sender, @sent_at, @title, @text, @mentions, @file, @replaces,
                 @readable, @signature, @read_at, @pending, @version_id)
         ON CONFLICT (id) DO UPDATE SET pending = excluded.pending, version_id = excluded.version_id,
           readable = excluded.readable, signature = excluded.signature, title = excluded.title, text = excluded.text,
           mentions = excluded.mentions, file = excluded.file`,
      )
      .run({
        id: row.id,
        space_id: row.spaceId,
        kind: row.kind,
        thread_id: row.threadId,
        sender: row.sender,
        sent_at: row.sentAt,
        title: row.title,
        text: row.text,
        mentions: JSON.stringify(row.mentions),
        file: row.file === null ? null : JSON.stringify(row.file),
        replaces: row.replaces,
        readable: row.readable ? 1 : 0,
        signature: row.signature,
        read_at: row.readAt,
        pending: row.pending ? 1 : 0,
        version_id: row.versionId,
      });
  }

  get(id: string): SpaceContentRow | undefined {
    const row = this.sql.prepare<[string], Row>('SELECT * FROM space_content WHERE id = ?').get(id);
    return row && toRow(row);
  }

  /** Threads of a space, most recently active first, with their post and unread counts. */
  threads(spaceId: string, me: string): ThreadSummaryRow[] {
    return this.sql
      .prepare<[{ me: string; space: string; mention: string }], Omit<ThreadSummaryRow, 'readable'> & { readable: number }>(
        `SELECT h.id, h.title, h.readable, h.sender, h.sent_at AS sentAt,
                COUNT(p.id) AS posts,
                (h.read_at IS NULL AND h.sender <> @me) + COALESCE(SUM(p.read_at IS NULL AND p.sender <> @me), 0) AS unread,
                MAX(h.sent_at, COALESCE(MAX(p.sent_at), h.sent_at)) AS lastActivity,
                COALESCE(SUM(p.read_at IS NULL AND p.mentions LIKE @mention), 0) AS mentionsMe
         FROM space_content h LEFT JOIN space_content p ON p.thread_id = h.id AND p.kind = 'post'
         WHERE h.space_id = @space AND h.kind = 'thread'
         GROUP BY h.id ORDER BY lastActivity DESC, h.id
         LIMIT 500`,
      )
      .all({ me, space: spaceId, mention: `%"${me}"%` })
      .map((r) => ({ ...r, readable: r.readable === 1 }));
  }

  /** Posts of a thread (a post whose header this device never received is still listed by its thread id). */
  posts(threadId: string): SpaceContentRow[] {
    return this.sql
      .prepare<[string], Row>(`SELECT * FROM space_content WHERE thread_id = ? AND kind = 'post' ORDER BY sent_at, id`)
      .all(threadId)
      .map(toRow);
  }

  /** Every file version of a space, newest first. */
  files(spaceId: string): SpaceContentRow[] {
    return this.sql
      .prepare<[string], Row>(`SELECT * FROM space_content WHERE space_id = ? AND kind = 'file' ORDER BY sent_at DESC, id`)
      .all(spaceId)
      .map(toRow);
  }

  /** Unread content from others, per space. */
  unreadBySpace(me: string): Map<string, number> {
    const rows = this.sql
      .prepare<[string], { space_id: string; n: number }>(
        'SELECT space_id, COUNT(*) AS n FROM space_content WHERE read_at IS NULL AND sender <> ? GROUP BY space_id',
      )
      .all(me);
    return new Map(rows.map((r) => [r.space_id, r.n]));
  }

  markThreadRead(threadId: string, at: string): void {
    this.sql
      .prepare<[string, string, string]>(
        'UPDATE space_content SET read_at = ? WHERE read_at IS NULL AND (id = ? OR thread_id = ?)',
      )
      .run(at, threadId, threadId);
  }

  markRead(id: string, at: string): void {
    this.sql.prepare<[string, string]>('UPDATE space_content SET read_at = ? WHERE read_at IS NULL AND id = ?').run(at, id);
  }

  /** The spaces this device holds content of. */
  spaceIds(): string[] {
    return this.sql
      .prepare<[], { space_id: string }>('SELECT DISTINCT space_id FROM space_content')
      .all()
      .map((r) => r.space_id);
  }

  /** Forgets everything of a space (the user lost it). Returns the ids dropped. */
  purgeSpace(spaceId: string): string[] {
    const ids = this.sql
      .prepare<[string], { id: string }>('SELECT id FROM space_content WHERE space_id = ?')
      .all(spaceId)
      .map((r) => r.id);
    this.sql.prepare<[string]>('DELETE FROM space_content WHERE space_id = ?').run(spaceId);
    return ids;
  }

  /**
   * Space content the last pull brought that is not decrypted yet (JSON of the cached Communication).
   * Messages carry no category; space content always does.
   */
  unprocessed(limit: number): { id: string; versionId: number; json: string }[] {
    return this.sql
      .prepare<[number], { id: string; version_id: number; json: string }>(
        `SELECT r.id, r.version_id, r.json FROM resources r LEFT JOIN space_content s ON s.id = r.id
         WHERE r.type = 'Communication' AND r.deleted = 0 AND r.json IS NOT NULL
           AND json_extract(r.json, '$.category') IS NOT NULL
           AND (s.id IS NULL OR s.version_id < r.version_id)
         ORDER BY r.last_updated LIMIT ?`,
      )
      .all(limit)
      .map((r) => ({ id: r.id, versionId: r.version_id, json: r.json }));
  }
}
