import type { StatementCache } from './statement-cache';

/** One blob on its way to the platform, and how far it got (migration 0140). */
export interface BlobUpload {
  sha256: string;
  size: number;
  contentType: string;
  /** The platform's id of the upload, once it was started; null before. */
  uploadId: string | null;
  /** Bytes the platform confirmed it holds, from offset 0: the next chunk starts here. */
  confirmed: number;
  /** The chunk size the platform announced for this upload. */
  chunkSize: number | null;
  complete: boolean;
  attempts: number;
  lastError: string | null;
}

interface UploadRow {
  sha256: string;
  size: number;
  content_type: string;
  upload_id: string | null;
  confirmed: number;
  chunk_size: number | null;
  complete: number;
  attempts: number;
  last_error: string | null;
}

const COLUMNS = 'sha256, size, content_type, upload_id, confirmed, chunk_size, complete, attempts, last_error';

function toUpload(row: UploadRow): BlobUpload {
  return {
    sha256: row.sha256,
    size: row.size,
    contentType: row.content_type,
    uploadId: row.upload_id,
    confirmed: row.confirmed,
    chunkSize: row.chunk_size,
    complete: row.complete === 1,
    attempts: row.attempts,
    lastError: row.last_error,
  };
}

/**
 * The durable upload queue of the attachment queue, and the holds it puts on the outbox: an operation
 * whose record names a blob is not sent before that blob's upload completed (a record is confirmed
 * only once its blob is). Everything here commits with the write that caused it, so a kill -9 at any
 * point leaves either nothing or a queue that resumes from the last confirmed chunk.
 */
export class BlobUploadRepository {
  constructor(
    private readonly sql: StatementCache,
    private readonly now: () => Date,
  ) {}

  /** Queues an upload (idempotent: a blob already queued or uploaded keeps its progress). */
  enqueue(sha256: string, size: number, contentType: string): BlobUpload {
    this.sql
      .prepare<[string, number, string, string]>(
        `INSERT INTO blob_uploads (sha256, size, content_type, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING`,
      )
      .run(sha256, size, contentType, this.now().toISOString());
    return this.get(sha256)!;
  }

  /** The outbox operation `opId` waits for the upload of `sha256` (nothing to wait for once it completed). */
  hold(opId: string, sha256: string): void {
    if (this.get(sha256)?.complete) return;
    this.sql.prepare<[string, string]>('INSERT OR IGNORE INTO outbox_holds (op_id, sha256) VALUES (?, ?)').run(opId, sha256);
  }

  /** Outbox operations still waiting for an upload. */
  heldOps(): string[] {
    return this.sql
      .prepare<[], { op_id: string }>('SELECT DISTINCT op_id FROM outbox_holds ORDER BY op_id')
      .all()
      .map((r) => r.op_id);
  }

  get(sha256: string): BlobUpload | undefined {
    const row = this.sql.prepare<[string], UploadRow>(`SELECT ${COLUMNS} FROM blob_uploads WHERE sha256 = ?`).get(sha256);
    return row && toUpload(row);
  }

  /** Uploads not complete yet, oldest first. */
  pending(): BlobUpload[] {
    return this.sql
      .prepare<[], UploadRow>(`SELECT ${COLUMNS} FROM blob_uploads WHERE complete = 0 ORDER BY created_at, sha256`)
      .all()
      .map(toUpload);
  }

  /** The platform opened (or re-announced) the upload: its id, its chunk size, what it already holds. */
  started(sha256: string, uploadId: string, chunkSize: number, confirmed: number): void {
    this.sql
      .prepare<[string, number, number, string]>(
        'UPDATE blob_uploads SET upload_id = ?, chunk_size = ?, confirmed = ?, attempts = attempts + 1 WHERE sha256 = ? AND complete = 0',
      )
      .run(uploadId, chunkSize, confirmed, sha256);
  }

  /** The platform confirmed it holds `confirmed` bytes. */
  confirm(sha256: string, confirmed: number): void {
    this.sql
      .prepare<[number, string]>('UPDATE blob_uploads SET confirmed = ?, last_error = NULL WHERE sha256 = ? AND complete = 0')
      .run(confirmed, sha256);
  }

  /** The platform holds the whole blob, verified: the operations that waited for it may go. */
  complete(sha256: string): void {
    this.sql.transaction(() => {
      this.sql
        .prepare<[string]>('UPDATE blob_uploads SET complete = 1, confirmed = size, last_error = NULL WHERE sha256 = ?')
        .run(sha256);
      this.sql.prepare<[string]>('DELETE FROM outbox_holds WHERE sha256 = ?').run(sha256);
    });
  }

  /** The platform no longer knows the upload (or refused its bytes): start a new one from offset 0. */
  restart(sha256: string, error: string): void {
    this.sql
      .prepare<[string, string]>(
        'UPDATE blob_uploads SET upload_id = NULL, chunk_size = NULL, confirmed = 0, last_error = ? WHERE sha256 = ? AND complete = 0',
      )
      .run(error.slice(0, 500), sha256);
  }

  /**
   * The platform refused the upload for good (e.g. a right it does not grant): the waiting operations
   * are released so the platform's answer to the record itself reaches the quarantine, with its reason.
   */
  abandon(sha256: string): void {
    this.sql.transaction(() => {
      this.sql.prepare<[string]>('DELETE FROM blob_uploads WHERE sha256 = ? AND complete = 0').run(sha256);
      this.sql.prepare<[string]>('DELETE FROM outbox_holds WHERE sha256 = ?').run(sha256);
    });
  }

  noteError(sha256: string, error: string): void {
    this.sql
      .prepare<[string, string]>('UPDATE blob_uploads SET last_error = ? WHERE sha256 = ?')
      .run(error.slice(0, 500), sha256);
  }
}
