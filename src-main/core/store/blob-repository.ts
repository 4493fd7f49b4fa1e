import { createHash } from 'node:crypto';
import { DeskError } from '../../../src-shared/domain/errors';
import type { StatementCache } from './statement-cache';

const SHA256_HEX = /^[0-9a-f]{64}$/;

function assertHash(sha256: string): void {
  if (!SHA256_HEX.test(sha256)) throw new DeskError('invalid_input', 'sha256 must be 64 lowercase hex digits', 'sha256');
}

function sha256Of(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Attachment bytes stored by their SHA-256. Content arriving in chunks accumulates as incomplete
 * until its size is reached; it becomes readable only once the bytes hash to their address.
 */
export class BlobRepository {
  constructor(private readonly sql: StatementCache) {}

  /** Stores complete content; refuses bytes that do not hash to `sha256`. Idempotent. */
  put(sha256: string, bytes: Buffer): void {
    assertHash(sha256);
    if (sha256Of(bytes) !== sha256) throw new DeskError('invalid_input', 'the bytes do not match their sha256', 'sha256');
    this.sql
      .prepare<[string, Buffer, number]>(
        `INSERT INTO blobs (sha256, bytes, size, complete) VALUES (?, ?, ?, 1)
         ON CONFLICT (sha256) DO UPDATE SET bytes = excluded.bytes, size = excluded.size, complete = 1`,
      )
      .run(sha256, bytes, bytes.length);
  }

  /** Complete content only; a partial download is not an attachment yet. */
  get(sha256: string): Buffer | undefined {
    return this.sql.prepare<[string], { bytes: Buffer }>('SELECT bytes FROM blobs WHERE sha256 = ? AND complete = 1').get(sha256)
      ?.bytes;
  }

  has(sha256: string): boolean {
    return this.get(sha256) !== undefined;
  }

  /** Where a resumed download continues: the bytes already held for this hash. */
  resumeOffset(sha256: string): number {
    return this.sql.prepare<[string], { size: number }>('SELECT size FROM blobs WHERE sha256 = ?').get(sha256)?.size ?? 0;
  }

  /**
   * Appends a downloaded chunk at `offset` (which must equal `resumeOffset`). When `totalSize` is
   * reached the content is verified: it becomes complete, or is dropped and the download starts over.
   * Returns true when the blob is complete.
   */
  appendChunk(sha256: string, offset: number, chunk: Buffer, totalSize: number): boolean {
    assertHash(sha256);
    const outcome = this.sql.transaction((): 'partial' | 'complete' | 'mismatch' => {
      const row = this.sql
        .prepare<[string], { bytes: Buffer; size: number; complete: number }>(
          'SELECT bytes, size, complete FROM blobs WHERE sha256 = ?',
        )
        .get(sha256);
      if (row?.complete === 1) return 'complete';
      const held = row?.size ?? 0;
      if (offset !== held) throw new DeskError('invalid_input', `chunk offset ${offset} does not follow ${held}`, 'offset');
      const bytes = row === undefined ? chunk : Buffer.concat([row.bytes, chunk]);
      if (bytes.length > totalSize) throw new DeskError('invalid_input', 'chunk runs past the announced size', 'offset');
      const complete = bytes.length === totalSize;
      if (complete && sha256Of(bytes) !== sha256) {
        // Returned, not thrown: throwing here would roll the delete back and keep the bad bytes.
        this.sql.prepare<[string]>('DELETE FROM blobs WHERE sha256 = ?').run(sha256);
        return 'mismatch';
      }
      this.sql
        .prepare<[string, Buffer, number, number]>(
          `INSERT INTO blobs (sha256, bytes, size, complete) VALUES (?, ?, ?, ?)
           ON CONFLICT (sha256) DO UPDATE SET bytes = excluded.bytes, size = excluded.size, complete = excluded.complete`,
        )
        .run(sha256, bytes, bytes.length, complete ? 1 : 0);
      return complete ? 'complete' : 'partial';
    });
    if (outcome === 'mismatch') {
      throw new DeskError('invalid_input', 'the downloaded bytes do not match their sha256; the download starts over', 'sha256');
    }
    return outcome === 'complete';
  }

  delete(sha256: string): void {
    this.sql.prepare<[string]>('DELETE FROM blobs WHERE sha256 = ?').run(sha256);
  }
}
