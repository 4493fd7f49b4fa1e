/**
 * The blob collector (issue 10): what the blob store keeps that nothing needs any more.
 *
 * - An upload under way that was opened longer ago than `abandonedUploadMs` is abandoned (a client that
 *   comes back after that gets 404 for it and starts a new one): its chunks go.
 * - A blob that no version of any Binary names — current, superseded or deleted: a corrected record keeps
 *   its history, and history keeps its bytes — is collected once it was stored (or last proven by a
 *   completed upload) longer ago than `unreferencedBlobMs`: that grace covers a client between completing
 *   an upload and pushing the record that names it. The completed uploads of a collected blob go with it,
 *   so nobody can name it again without uploading it again.
 *
 * Each sweep runs in short write units. A write naming a blob takes the same `blob-name:<sha256>` lock as the
 * collector (binary-content.ts), so on a shared PostgreSQL storage a Binary committed by another instance
 * while a sweep runs is seen before its blob could go; on SQLite one writer makes that true anyway.
 */
import type { PlatformStorage } from '../storage/platform-storage';

export interface BlobCollectorOptions {
  /** Age (ms since opened) after which an upload under way counts as abandoned. */
  abandonedUploadMs: number;
  /** Age (ms since stored or last proven) after which a blob no Binary version names is collected. */
  unreferencedBlobMs: number;
}

export const DEFAULT_BLOB_COLLECTOR: BlobCollectorOptions = {
  abandonedUploadMs: 24 * 60 * 60 * 1000,
  unreferencedBlobMs: 24 * 60 * 60 * 1000,
};

/** Rows handled per write unit: a sweep never holds the writer for long. */
const BATCH = 100;
const VERSIONS_PER_READ = 2000;
const SHA256_TEXT = /[0-9a-f]{64}/g;

export interface BlobSweep {
  abandonedUploads: number;
  unreferencedBlobs: number;
}

/** The lock a write naming a blob and the collector both take (StorageTx.lock). */
export const blobNameLock = (sha256: string) => `blob-name:${sha256}`;

export async function collectBlobs(
  storage: PlatformStorage,
  now: number,
  options: BlobCollectorOptions = DEFAULT_BLOB_COLLECTOR,
): Promise<BlobSweep> {
  const sweep: BlobSweep = { abandonedUploads: 0, unreferencedBlobs: 0 };
  for (;;) {
    const deleted = await storage.write(async (tx) => {
      const ids = await tx.uploadsOpenedBefore(now - options.abandonedUploadMs, BATCH);
      for (const id of ids) await tx.deleteUpload(id);
      return ids.length;
    });
    sweep.abandonedUploads += deleted;
    if (deleted < BATCH) break;
  }
  // Every hash some Binary version names, read once (a blob's hash is its meta extension's valueString).
  const snapshot = await storage.read((tx) => tx.currentSequence());
  const named = new Set<string>();
  for (let after = 0; ;) {
    const page = await storage.read((tx) => tx.versionTexts('Binary', after, VERSIONS_PER_READ));
    for (const { seq, json } of page) {
      if (seq > snapshot) break;
      for (const hash of json.match(SHA256_TEXT) ?? []) named.add(hash);
      after = seq;
    }
    if (page.length < VERSIONS_PER_READ || page.at(-1)!.seq > snapshot) break;
  }
  for (let after = ''; ;) {
    const candidates = await storage.read((tx) => tx.blobsStoredBefore(now - options.unreferencedBlobMs, after, BATCH));
    if (candidates.length === 0) break;
    after = candidates.at(-1)!;
    const unnamed = candidates.filter((sha256) => !named.has(sha256));
    if (unnamed.length > 0)
      sweep.unreferencedBlobs += await storage.write(async (tx) => {
        let deleted = 0;
        for (const sha256 of unnamed) {
          // A write naming it since the snapshot committed first (and is seen now), or waits and then finds it gone.
          await tx.lock(blobNameLock(sha256));
          if (await tx.anyVersionMentions('Binary', sha256, snapshot)) continue;
          await tx.deleteBlob(sha256);
          deleted += 1;
        }
        return deleted;
      });
    if (candidates.length < BATCH) break;
  }
  return sweep;
}
