import { ftsQueryOf } from './fts-query';
import type { StatementCache } from './statement-cache';

export type MailFolder = 'inbox' | 'sent' | 'drafts' | 'archive';
export type SignatureCheck = 'valid' | 'invalid' | 'missing' | 'unknown-signer' | 'unreadable' | 'own';
export interface MailParty {
  reference: string;
  name: string;
}
export interface AttachmentMeta {
  name: string;
  contentType: string;
  size: number;
  /** What the sender signed (lower-case hex); absent on messages opened before attachments were hashed. */
  sha256?: string;
}
export interface DeliveryEntry {
  recipient: string;
  status: 'pending' | 'sent' | 'delivered' | 'read';
  at: string | null;
}

export interface StoredMessage {
  id: string;
  folder: MailFolder;
  sender: string;
  senderName: string;
  recipients: MailParty[];
  subject: string;
  body: string;
  attachments: AttachmentMeta[];
  sentAt: string | null;
  readAt: string | null;
  signature: SignatureCheck;
  /** The key that signed it (upper-case hex), as the directory published it; null when unknown or unsigned. */
  signerFingerprint: string | null;
  delivery: DeliveryEntry[];
  versionId: number;
}

interface MessageRow {
  row_id: number;
  id: string;
  folder: MailFolder;
  sender: string;
  sender_name: string;
  recipients: string;
  subject: string;
  body: string;
  attachments: string;
  sent_at: string | null;
  read_at: string | null;
  signature: SignatureCheck;
  signer_fingerprint: string | null;
  delivery: string;
  version_id: number;
}

function toMessage(row: MessageRow): StoredMessage {
  return {
    id: row.id,
    folder: row.folder,
    sender: row.sender,
    senderName: row.sender_name,
    recipients: JSON.parse(row.recipients) as MailParty[],
    subject: row.subject,
    body: row.body,
    attachments: JSON.parse(row.attachments) as AttachmentMeta[],
    sentAt: row.sent_at,
    readAt: row.read_at,
    signature: row.signature,
    signerFingerprint: row.signer_fingerprint,
    delivery: JSON.parse(row.delivery) as DeliveryEntry[],
    versionId: row.version_id,
  };
}

/** Decrypted messages and their search index, kept in step in one transaction. */
export class MailboxRepository {
  constructor(private readonly sql: StatementCache) {}

  save(message: StoredMessage): void {
    this.sql.transaction(() => {
      const { row_id } = this.sql
        .prepare<unknown[], { row_id: number }>(
          `INSERT INTO messages (id, folder, sender, sender_name, recipients, subject, body, attachments, sent_at, read_at, signature,
             signer_fingerprint, delivery, version_id)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET folder = excluded.folder, sender = excluded.sender, sender_name = excluded.sender_name,
             recipients = excluded.recipients, subject = excluded.subject, body = excluded.body, attachments = excluded.attachments,
             sent_at = excluded.sent_at, read_at = excluded.read_at, signature = excluded.signature,
             signer_fingerprint = excluded.signer_fingerprint, delivery = excluded.delivery,
             version_id = excluded.version_id
           RETURNING row_id`,
        )
        .get(
          message.id,
          message.folder,
          message.sender,
          message.senderName,
          JSON.stringify(message.recipients),
          message.subject,
          message.body,
          JSON.stringify(message.attachments),
          message.sentAt,
          message.readAt,
          message.signature,
          message.signerFingerprint,
          JSON.stringify(message.delivery),
          message.versionId,
        )!;
      this.sql.prepare('DELETE FROM message_search WHERE rowid = ?').run(row_id);
      const people = [message.senderName, ...message.recipients.map((r) => r.name)].join(' ');
      this.sql
        .prepare('INSERT INTO message_search (rowid, subject, body, people) VALUES (?, ?, ?, ?)')
        .run(row_id, message.subject, message.body, people);
    });
  }

  /**
   * Cached envelopes (Communication resources) this mailbox has not processed at their current version:
   * new mail and changed delivery statuses, without rereading the whole mailbox after every pull.
   */
  unprocessedEnvelopes(limit = 10_000): { id: string; versionId: number; json: string }[] {
    return this.sql
      .prepare<[number], { id: string; version_id: number; json: string }>(
        `SELECT r.id, r.version_id, r.json FROM resources r LEFT JOIN messages m ON m.id = r.id
         WHERE r.type = 'Communication' AND r.deleted = 0 AND r.json IS NOT NULL
           AND json_extract(r.json, '$.category') IS NULL -- a space's content is no mail (core/spaces)
           AND (m.id IS NULL OR m.version_id < r.version_id)
         ORDER BY r.last_updated LIMIT ?`,
      )
      .all(limit)
      .map((row) => ({ id: row.id, versionId: row.version_id, json: row.json }));
  }

  get(id: string): StoredMessage | undefined {
    const row = this.sql.prepare<[string], MessageRow>('SELECT * FROM messages WHERE id = ?').get(id);
    return row === undefined ? undefined : toMessage(row);
  }

  list(folder: MailFolder, limit = 200): StoredMessage[] {
    return this.sql
      .prepare<[string, number], MessageRow>(
        "SELECT * FROM messages WHERE folder = ? ORDER BY coalesce(sent_at, '9999') DESC, row_id DESC LIMIT ?",
      )
      .all(folder, limit)
      .map(toMessage);
  }

  search(text: string, limit = 100): StoredMessage[] {
    const query = ftsQueryOf(text);
    if (query === null) return [];
    return this.sql
      .prepare<[string, number], MessageRow>(
        'SELECT m.* FROM message_search s JOIN messages m ON m.row_id = s.rowid WHERE message_search MATCH ? ORDER BY s.rank LIMIT ?',
      )
      .all(query, limit)
      .map(toMessage);
  }

  counts(): Record<MailFolder, { total: number; unread: number }> {
    const counts: Record<MailFolder, { total: number; unread: number }> = {
      inbox: { total: 0, unread: 0 },
      sent: { total: 0, unread: 0 },
      drafts: { total: 0, unread: 0 },
      archive: { total: 0, unread: 0 },
    };
    const rows = this.sql
      .prepare<[], { folder: MailFolder; total: number; unread: number }>(
        'SELECT folder, count(*) AS total, sum(read_at IS NULL) AS unread FROM messages GROUP BY folder',
      )
      .all();
    for (const row of rows) counts[row.folder] = { total: row.total, unread: row.unread };
    return counts;
  }

  delete(id: string): void {
    this.sql.transaction(() => {
      const row = this.sql.prepare<[string], { row_id: number }>('SELECT row_id FROM messages WHERE id = ?').get(id);
      if (!row) return;
      this.sql.prepare('DELETE FROM message_search WHERE rowid = ?').run(row.row_id);
      this.sql.prepare('DELETE FROM messages WHERE row_id = ?').run(row.row_id);
    });
  }
}

export interface StoredKeyPair {
  fingerprint: string;
  publicKey: string;
  privateKey: string;
  createdAt: string;
  active: boolean;
}

/** This professional's OpenPGP key pairs; the private keys never leave the encrypted cache. */
export class PgpKeyRepository {
  constructor(private readonly sql: StatementCache) {}

  /** Adds a new active key; older keys stay (inactive) so old mail remains readable. */
  addActive(pair: Omit<StoredKeyPair, 'active'>): void {
    this.sql.transaction(() => {
      this.sql.prepare('UPDATE pgp_keys SET active = 0').run();
      this.sql
        .prepare('INSERT INTO pgp_keys (fingerprint, public_key, private_key, created_at, active) VALUES (?, ?, ?, ?, 1)')
        .run(pair.fingerprint, pair.publicKey, pair.privateKey, pair.createdAt);
    });
  }

  active(): StoredKeyPair | undefined {
    return this.all().find((k) => k.active);
  }

  all(): StoredKeyPair[] {
    return this.sql
      .prepare<[], { fingerprint: string; public_key: string; private_key: string; created_at: string; active: number }>(
        'SELECT * FROM pgp_keys ORDER BY created_at DESC',
      )
      .all()
      .map((r) => ({
        fingerprint: r.fingerprint,
        publicKey: r.public_key,
        privateKey: r.private_key,
        createdAt: r.created_at,
        active: r.active === 1,
      }));
  }
}
