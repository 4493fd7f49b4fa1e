import { createHash, type Hash } from 'node:crypto';
import { BLOB_CHUNK_BYTES, isSha256Hex } from '../../../src-shared/domain/attachments';
import { DeskError } from '../../../src-shared/domain/errors';
import type { StatementCache } from './statement-cache';

function assertHash(sha256: string): void {
  if (!isSha256Hex(sha256)) throw new DeskError('invalid_input', 'sha256 must be 64 lowercase hex digits', 'sha256');
}

export function sha256Of(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** What keeps a blob from eviction: a write not yet acknowledged by the platform, or a prefetch. */
export type BlobPinReason = 'unsent' | 'prefetch';

export interface BlobState {
  size: number;
  /** Bytes held, contiguous from offset 0. */
  held: number;
  complete: boolean;
}

interface ChunkRow {
  offset: number;
  bytes: Buffer;
}

/**
 * Attachment bytes in the encrypted cache, stored by their SHA-256 (migration 0140). Bytes live as one
 * row per chunk, so a download appends one row per chunk and an upload reads one range, never the
 * whole blob. Content becomes readable only once its bytes hash to their address.
 *
 * The cache keeps a byte budget: `evictToBudget` drops the least recently used complete blobs that no
 * unsent write and no prefetch pins; they come back on demand through the attachment queue.
 */
export class BlobRepository {
  constructor(
    private readonly sql: StatementCache,
    private readonly chunkBytes = BLOB_CHUNK_BYTES,
  ) {}

  /** Stores complete content; refuses bytes that do not hash to `sha256`. Idempotent. */
  put(sha256: string, bytes: Uint8Array): void {
    assertHash(sha256);
    if (sha256Of(bytes) !== sha256) throw new DeskError('invalid_input', 'the bytes do not match their sha256', 'sha256');
    this.sql.transaction(() => {
      if (this.state(sha256)?.complete) {
        this.touch(sha256);
        return;
      }
      this.delete(sha256);
      this.sql
        .prepare<[string, number, number, number]>(
          `INSERT INTO blobs (sha256, size, held, complete, last_used) VALUES (?, ?, ?, 1, ?)`,
        )
        .run(sha256, bytes.length, bytes.length, this.nextUse());
      const insert = this.sql.prepare<[string, number, Buffer]>(
        'INSERT INTO blob_chunks (sha256, offset, bytes) VALUES (?, ?, ?)',
      );
      for (let offset = 0; offset < bytes.length; offset += this.chunkBytes) {
        const end = Math.min(bytes.length, offset + this.chunkBytes);
        insert.run(sha256, offset, Buffer.from(bytes.buffer, bytes.byteOffset + offset, end - offset));
      }
    });
  }

  /** Complete content only (a partial download is not an attachment yet); counts as a use for the LRU. */
  get(sha256: string): Buffer | undefined {
    const state = this.state(sha256);
    if (!state?.complete) return undefined;
    this.touch(sha256);
    return this.read(sha256, 0, state.size);
  }

  has(sha256: string): boolean {
    return this.state(sha256)?.complete === true;
  }

  state(sha256: string): BlobState | undefined {
    const row = this.sql
      .prepare<[string], { size: number; held: number; complete: number }>(
        'SELECT size, held, complete FROM blobs WHERE sha256 = ?',
      )
      .get(sha256);
    return row && { size: row.size, held: row.held, complete: row.complete === 1 };
  }

  /** Every blob the cache holds (complete or not), for diagnostics and the fault tests. */
  list(): Array<BlobState & { sha256: string }> {
    return this.sql
      .prepare<[], { sha256: string; size: number; held: number; complete: number }>(
        'SELECT sha256, size, held, complete FROM blobs ORDER BY sha256',
      )
      .all()
      .map((row) => ({ sha256: row.sha256, size: row.size, held: row.held, complete: row.complete === 1 }));
  }

  /** `length` bytes from `offset` of the bytes held (an upload reads its next chunk with this). */
  read(sha256: string, offset: number, length: number): Buffer {
    const held = this.state(sha256)?.held ?? 0;
    if (offset < 0 || length < 0 || offset + length > held) {
      throw new DeskError('invalid_input', `bytes ${offset}+${length} are not held for this blob (${held} are)`, 'offset');
    }
    if (length === 0) return Buffer.alloc(0);
    const rows = this.sql
      .prepare<[string, number, number], ChunkRow>(
        'SELECT offset, bytes FROM blob_chunks WHERE sha256 = ? AND offset < ? AND offset + length(bytes) > ? ORDER BY offset',
      )
      .all(sha256, offset + length, offset);
    const out = Buffer.allocUnsafe(length);
    for (const row of rows) {
      const from = Math.max(offset, row.offset);
      const to = Math.min(offset + length, row.offset + row.bytes.length);
      if (to > from) row.bytes.copy(out, from - offset, from - row.offset, to - row.offset);
    }
    return out;
  }

  /** Where a resumed download continues: the bytes already held for this hash. */
  resumeOffset(sha256: string): number {
    return this.state(sha256)?.held ?? 0;
  }

  /**
   * Appends a downloaded chunk at `offset` (which must equal `resumeOffset`): one new row, nothing
   * rewritten. When `totalSize` is reached the content is verified: it becomes complete, or is dropped
   * and the download starts over. Returns true when the blob is complete.
   *
   * `prefixHash`: the caller's SHA-256 of the bytes before `offset` (a download hashes what it appends as
   * it goes), so completing does not read the whole blob back to hash it; it is not changed here.
   */
  appendChunk(sha256: string, offset: number, chunk: Uint8Array, totalSize: number, prefixHash?: Hash): boolean {
    assertHash(sha256);
    const outcome = this.sql.transaction((): 'partial' | 'complete' | 'mismatch' => {
      const state = this.state(sha256);
      if (state?.complete) return 'complete';
      if (state && state.size !== totalSize) throw new DeskError('invalid_input', 'the announced size changed', 'size');
      const held = state?.held ?? 0;
      if (offset !== held) throw new DeskError('invalid_input', `chunk offset ${offset} does not follow ${held}`, 'offset');
      if (held + chunk.length > totalSize) throw new DeskError('invalid_input', 'chunk runs past the announced size', 'offset');
      if (!state) {
        this.sql
          .prepare<[string, number, number]>('INSERT INTO blobs (sha256, size, held, complete, last_used) VALUES (?, ?, 0, 0, ?)')
          .run(sha256, totalSize, this.nextUse());
      }
      if (chunk.length > 0) {
        this.sql
          .prepare<[string, number, Buffer]>('INSERT INTO blob_chunks (sha256, offset, bytes) VALUES (?, ?, ?)')
          .run(sha256, offset, Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      }
      const nowHeld = held + chunk.length;
      const complete = nowHeld === totalSize;
      const heldHash = () => (prefixHash ? prefixHash.copy().update(chunk).digest('hex') : this.hashHeld(sha256));
      if (complete && heldHash() !== sha256) {
        // Returned, not thrown: throwing here would roll the delete back and keep the bad bytes.
        this.delete(sha256);
        return 'mismatch';
      }
      this.sql
        .prepare<[number, number, string]>('UPDATE blobs SET held = ?, complete = ? WHERE sha256 = ?')
        .run(nowHeld, complete ? 1 : 0, sha256);
      return complete ? 'complete' : 'partial';
    });
    if (outcome === 'mismatch') {
      throw new DeskError('invalid_input', 'the downloaded bytes do not match their sha256; the download starts over', 'sha256');
    }
    return outcome === 'complete';
  }

  /** Whether the bytes held still hash to their address (checked again before they are uploaded). */
  verify(sha256: string): boolean {
    return this.has(sha256) && this.hashHeld(sha256) === sha256;
  }

  delete(sha256: string): void {
    this.sql.prepare<[string]>('DELETE FROM blobs WHERE sha256 = ?').run(sha256);
  }

  /** Marks a use: the least recently used blobs are evicted first. */
  touch(sha256: string): void {
    this.sql.prepare<[number, string]>('UPDATE blobs SET last_used = ? WHERE sha256 = ?').run(this.nextUse(), sha256);
  }

  pin(sha256: string, reason: BlobPinReason, opId = ''): void {
    assertHash(sha256);
    this.sql
      .prepare<[string, string, string]>('INSERT OR IGNORE INTO blob_pins (sha256, reason, op_id) VALUES (?, ?, ?)')
      .run(sha256, reason, opId);
  }

  unpin(sha256: string, reason: BlobPinReason, opId = ''): void {
    this.sql
      .prepare<[string, string, string]>('DELETE FROM blob_pins WHERE sha256 = ? AND reason = ? AND op_id = ?')
      .run(sha256, reason, opId);
  }

  /** Whether eviction must leave this blob alone. */
  isPinned(sha256: string): boolean {
    this.releaseSettledPins();
    return this.sql.prepare<[string], { n: number }>('SELECT count(*) AS n FROM blob_pins WHERE sha256 = ?').get(sha256)!.n > 0;
  }

  /** Bytes the cache holds for blobs, complete or not (what the byte budget counts). */
  heldBytes(): number {
    return this.sql.prepare<[], { n: number }>('SELECT coalesce(sum(held), 0) AS n FROM blobs').get()!.n;
  }

  /**
   * Drops least recently used complete blobs, never a pinned one, until the bytes held fit `budgetBytes`
   * (or nothing more may go). Returns the addresses evicted.
   */
  evictToBudget(budgetBytes: number): string[] {
    return this.sql.transaction(() => {
      this.releaseSettledPins();
      let held = this.heldBytes();
      const evicted: string[] = [];
      if (held <= budgetBytes) return evicted;
      const candidates = this.sql.prepare<[], { sha256: string; held: number }>(
        `SELECT sha256, held FROM blobs b WHERE complete = 1
           AND NOT EXISTS (SELECT 1 FROM blob_pins p WHERE p.sha256 = b.sha256)
         ORDER BY last_used`,
      );
      for (const row of candidates.iterate()) {
        if (held <= budgetBytes) break;
        evicted.push(row.sha256);
        held -= row.held;
      }
      for (const sha256 of evicted) this.delete(sha256);
      return evicted;
    });
  }

  /** An unsent-write pin holds only while its outbox operation waits; acknowledged or abandoned, it goes. */
  private releaseSettledPins(): void {
    this.sql
      .prepare(
        `DELETE FROM blob_pins WHERE reason = 'unsent'
           AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.op_id = blob_pins.op_id AND o.status <> 'acked')`,
      )
      .run();
  }

  private hashHeld(sha256: string): string {
    const hash = createHash('sha256');
    const rows = this.sql.prepare<[string], ChunkRow>('SELECT offset, bytes FROM blob_chunks WHERE sha256 = ? ORDER BY offset');
    for (const row of rows.iterate(sha256)) hash.update(row.bytes);
    return hash.digest('hex');
  }

  private nextUse(): number {
    return this.sql.prepare<[], { n: number }>('SELECT coalesce(max(last_used), 0) + 1 AS n FROM blobs').get()!.n;
  }
}
