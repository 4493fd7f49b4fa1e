import { createHash } from 'node:crypto';
import type { Binary } from 'fhir/r4';
import { BLOB_CHUNK_BYTES, blobOf, type BlobReference } from '../../../src-shared/domain/attachments';
import { DeskError } from '../../../src-shared/domain/errors';
import { PlatformError, type PlatformClient } from '../platform-client';
import { sha256Of, type BlobUpload, type Store } from '../store';

/** Where a transfer stands, for the "downloading… / sending…" the renderer shows (no clinical data). */
export interface TransferProgress {
  direction: 'upload' | 'download';
  /** The Binary whose bytes are coming (downloads), null for uploads (a blob may back several records). */
  binaryId: string | null;
  done: number;
  total: number;
}

export interface AttachmentQueueOptions {
  /** The byte budget of the blob cache (the `attachmentCacheMegabytes` setting). */
  budgetBytes?: () => number;
  onProgress?: (progress: TransferProgress) => void;
  /** Bytes asked per ranged GET (default DOWNLOAD_RANGE_BYTES). */
  downloadChunkBytes?: number;
}

/**
 * Bytes per ranged GET: four upload chunks. Each GET costs the platform an authorised, audited read and
 * the cache one commit, so fewer, larger ranges download a 20 MiB document about three times faster on
 * the wire (tests/bench "blobs"); a kill or a drop loses at most one range.
 */
export const DOWNLOAD_RANGE_BYTES = 4 * BLOB_CHUNK_BYTES;

/** 2 GiB: the default byte budget of the blob cache. */
export const DEFAULT_BLOB_BUDGET_BYTES = 2 * 1024 * 1024 * 1024;

/** A Binary reference as records carry it (`Binary/<id>`); its id, or undefined when it is none. */
export function binaryIdOf(reference: string | undefined): string | undefined {
  return /^Binary\/([A-Za-z0-9\-.]{1,64})$/.exec(reference ?? '')?.[1];
}

/**
 * The attachment queue of one profile (ARCHITECTURE §6, issue 10): bytes travel apart from records,
 * content-addressed by SHA-256, in resumable chunks.
 *
 * - Sending: `stage` keeps the bytes in the encrypted cache and queues their upload; `holdWrites` makes
 *   the outbox operations of the records that name the blob wait for it, in the same transaction as the
 *   write. `uploadPending` (run before each push) resumes every upload from the last chunk the platform
 *   confirmed, and releases the held operations once the platform verified the whole blob.
 * - Receiving: `bytesOf` returns a Binary's bytes from the cache, or fetches them by ranged GETs through
 *   the Binary (never by hash), appending chunk by chunk so a dropped connection or a kill resumes where
 *   it stopped; the hash is checked once all bytes are in. Progress is reported as it goes.
 * - The cache keeps to its byte budget: least recently used blobs go first, never one an unsent write or
 *   a prefetch pins; an evicted blob comes back through `bytesOf`.
 */
export class AttachmentQueue {
  private readonly downloads = new Map<string, Promise<Buffer>>();
  private uploading: Promise<void> | null = null;
  private readonly downloadChunkBytes: number;

  constructor(
    private readonly store: Store,
    private readonly client: PlatformClient,
    private readonly options: AttachmentQueueOptions = {},
  ) {
    this.downloadChunkBytes = options.downloadChunkBytes ?? DOWNLOAD_RANGE_BYTES;
  }

  private get budget(): number {
    return this.options.budgetBytes?.() ?? DEFAULT_BLOB_BUDGET_BYTES;
  }

  // ---- sending ------------------------------------------------------------------------------------

  /**
   * Keeps `bytes` in the cache under their hash and queues their upload. Call inside the transaction of
   * the write that names the blob, then `holdWrites` for its outbox operations.
   */
  stage(bytes: Uint8Array, contentType: string): BlobReference {
    const sha256 = sha256Of(bytes);
    this.store.transaction(() => {
      this.store.blobs.put(sha256, bytes);
      this.store.blobUploads.enqueue(sha256, bytes.length, contentType);
    });
    return { sha256, size: bytes.length };
  }

  /**
   * The newest outbox operation of each entity (written just before, in the same transaction) waits for
   * the blob's upload, and pins the blob in the cache until the platform acknowledged it.
   */
  holdWrites(entityKeys: readonly string[], sha256: string): void {
    this.store.transaction(() => {
      for (const entityKey of entityKeys) {
        const op = this.store.outbox.unackedFor(entityKey).at(-1);
        if (!op) throw new DeskError('internal', `no queued write of ${entityKey} to hold for its attachment`);
        this.store.blobUploads.hold(op.opId, sha256);
        this.store.blobs.pin(sha256, 'unsent', op.opId);
      }
    });
  }

  /** Makes room for what was just staged (never evicting a pinned blob). */
  keepToBudget(): void {
    this.store.blobs.evictToBudget(this.budget);
  }

  /**
   * Uploads every queued blob, each from its last confirmed chunk. Throws the platform's error when it
   * cannot be reached (the push then waits for the next attempt); one call at a time.
   */
  uploadPending(): Promise<void> {
    if (this.uploading) return this.uploading;
    const run = (async () => {
      for (const upload of this.store.blobUploads.pending()) await this.upload(upload);
    })();
    // Cleared once settled (never synchronously: with nothing queued `run` settles before it is stored).
    const settled = run.finally(() => {
      if (this.uploading === settled) this.uploading = null;
    });
    this.uploading = settled;
    return settled;
  }

  private async upload(queued: BlobUpload): Promise<void> {
    const { sha256 } = queued;
    for (let restarts = 0; ;) {
      try {
        await this.sendChunks(sha256);
        return;
      } catch (error) {
        if (!(error instanceof PlatformError) || error.isTransient || error.failure.kind !== 'rejected') {
          if (error instanceof PlatformError) this.store.blobUploads.noteError(sha256, error.failure.detail);
          throw error;
        }
        const { status, detail } = error.failure;
        // 404: the platform forgot the upload; 409/416: our offset was not its own; 422: its hash check failed.
        if ((status === 404 || status === 409 || status === 416 || status === 422) && restarts < 2) {
          restarts += 1;
          if (status === 404 || status === 422) this.store.blobUploads.restart(sha256, detail);
          else this.store.blobUploads.noteError(sha256, detail);
          continue;
        }
        // Refused for good (e.g. 403, 413): the records waiting for it go, and their own refusal reaches
        // the quarantine with its reason, instead of waiting for ever.
        this.store.blobUploads.abandon(sha256);
        return;
      }
    }
  }

  /** One upload session: start or find again the platform's upload, then chunk after chunk from what it confirmed. */
  private async sendChunks(sha256: string): Promise<void> {
    let upload = this.store.blobUploads.get(sha256);
    if (!upload || upload.complete) return;
    let confirmed: number;
    let complete: boolean;
    if (upload.uploadId === null || upload.chunkSize === null) {
      const started = await this.client.startUpload({ sha256, size: upload.size, contentType: upload.contentType });
      this.store.blobUploads.started(sha256, started.uploadId, started.chunkSize, started.confirmed);
      ({ confirmed, complete } = started);
    } else {
      // The answer to our last chunk may have been lost: the platform says what it holds.
      ({ confirmed, complete } = await this.client.uploadStatus(upload.uploadId));
      this.store.blobUploads.confirm(sha256, confirmed);
    }
    upload = this.store.blobUploads.get(sha256);
    if (!upload) return; // abandoned meanwhile
    const { uploadId, chunkSize, size } = upload;
    // The bytes are hashed again as they leave (one read, not two): bytes damaged at rest never complete
    // an upload under this address — the last chunk is not sent. A resumed upload hashes what went before.
    const hash = createHash('sha256');
    if (!complete && confirmed > 0) hash.update(this.store.blobs.read(sha256, 0, confirmed));
    while (!complete) {
      const length = Math.min(chunkSize!, size - confirmed);
      const chunk = this.store.blobs.read(sha256, confirmed, length);
      hash.update(chunk);
      if (confirmed + length === size && hash.copy().digest('hex') !== sha256) {
        throw new DeskError('internal', `the cached bytes of attachment ${sha256.slice(0, 12)}… no longer match their hash`);
      }
      ({ confirmed, complete } = await this.client.uploadChunk(uploadId!, confirmed, chunk, size));
      this.store.blobUploads.confirm(sha256, confirmed);
      this.options.onProgress?.({ direction: 'upload', binaryId: null, done: confirmed, total: size });
      if (!complete && length === 0) throw new PlatformError({ kind: 'server', status: 200, detail: 'upload stalled' });
    }
    this.store.blobUploads.complete(sha256);
  }

  // ---- receiving ----------------------------------------------------------------------------------

  /**
   * The bytes of `Binary/<binaryId>`: inline data, the cached blob, or a download (resumed from the
   * chunks already held). Undefined when neither the cache nor the platform has them now (offline).
   * `known`: the Binary itself when the caller holds it (one of our own writes still in the outbox).
   */
  async bytesOf(binaryId: string, known?: Binary): Promise<Buffer | undefined> {
    let binary = known ?? this.store.resources.get<Binary>('Binary', binaryId)?.resource;
    if (!binary) {
      try {
        binary = (await this.client.read<Binary>('Binary', binaryId)).resource;
      } catch (error) {
        // Not there yet (its record arrived first, or it is still on its way): not on this device yet.
        if (
          error instanceof PlatformError &&
          (error.isTransient || (error.failure.kind === 'rejected' && error.failure.status === 404))
        )
          return undefined;
        throw error;
      }
    }
    if (binary.data !== undefined) return Buffer.from(binary.data, 'base64');
    const blob = blobOf(binary);
    if (!blob) return undefined;
    try {
      return await this.blobBytes(binaryId, blob);
    } catch (error) {
      if (error instanceof PlatformError && error.isTransient) return undefined;
      throw error;
    }
  }

  /** Downloads the blobs of these Binaries now and keeps them from eviction until `unpin`. */
  async prefetch(binaryIds: readonly string[]): Promise<number> {
    let fetched = 0;
    for (const binaryId of binaryIds) {
      const binary = this.store.resources.get<Binary>('Binary', binaryId)?.resource;
      const blob = binary && blobOf(binary);
      if (!blob) continue;
      this.store.blobs.pin(blob.sha256, 'prefetch');
      await this.blobBytes(binaryId, blob);
      fetched += 1;
    }
    return fetched;
  }

  unpin(binaryIds: readonly string[]): void {
    for (const binaryId of binaryIds) {
      const binary = this.store.resources.get<Binary>('Binary', binaryId)?.resource;
      const blob = binary && blobOf(binary);
      if (blob) this.store.blobs.unpin(blob.sha256, 'prefetch');
    }
  }

  /** Whether the bytes of this Binary are in the cache now (no download needed to show them). */
  isCached(binaryId: string): boolean {
    const binary = this.store.resources.get<Binary>('Binary', binaryId)?.resource;
    if (!binary) return false;
    if (binary.data !== undefined) return true;
    const blob = blobOf(binary);
    return blob !== undefined && this.store.blobs.has(blob.sha256);
  }

  private blobBytes(binaryId: string, blob: BlobReference): Promise<Buffer> {
    const cached = this.store.blobs.get(blob.sha256);
    if (cached) return Promise.resolve(cached);
    let download = this.downloads.get(blob.sha256);
    if (!download) {
      download = this.download(binaryId, blob).finally(() => this.downloads.delete(blob.sha256));
      this.downloads.set(blob.sha256, download);
    }
    return download;
  }

  private async download(binaryId: string, blob: BlobReference): Promise<Buffer> {
    const { sha256, size } = blob;
    // Room first, so the blob about to arrive is not the one evicted.
    this.store.blobs.evictToBudget(Math.max(0, this.budget - size));
    let offset = this.store.blobs.resumeOffset(sha256);
    this.options.onProgress?.({ direction: 'download', binaryId, done: offset, total: size });
    if (size === 0) this.store.blobs.appendChunk(sha256, 0, Buffer.alloc(0), 0);
    // What arrives is hashed and kept as it comes: completing neither reads the blob back to hash it nor
    // to return it. A resumed download reads (and hashes) what it held before, once.
    const hash = createHash('sha256');
    const parts: Buffer[] = [];
    if (offset > 0 && offset < size) {
      const held = this.store.blobs.read(sha256, 0, offset);
      hash.update(held);
      parts.push(held);
    }
    while (!this.store.blobs.has(sha256)) {
      const length = Math.min(this.downloadChunkBytes, size - offset);
      const { bytes, total } = await this.client.downloadRange(binaryId, offset, length);
      if (total !== null && total !== size) {
        throw new DeskError('internal', `Binary/${binaryId}: the platform holds ${total} bytes, the record says ${size}`);
      }
      // A hash mismatch drops the bytes (the next attempt starts over) and throws.
      this.store.blobs.appendChunk(sha256, offset, bytes, size, hash);
      hash.update(bytes);
      parts.push(bytes);
      offset += bytes.length;
      this.options.onProgress?.({ direction: 'download', binaryId, done: offset, total: size });
      if (bytes.length === 0 && offset < size) throw new PlatformError({ kind: 'server', status: 206, detail: 'empty range' });
    }
    const whole = Buffer.concat(parts);
    if (whole.length !== size) return this.store.blobs.get(sha256)!; // completed by another path meanwhile
    this.store.blobs.touch(sha256);
    return whole;
  }
}
