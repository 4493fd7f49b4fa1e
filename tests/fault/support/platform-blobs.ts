/**
 * Reads the platform's blob store straight from its SQLite file (read-only) and checks what the fault
 * tests promise: each blob is stored once, its chunks cover it exactly (no overlap, no gap), and its
 * bytes hash to its address.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { DATABASE_FILE } from '../../../src-main/platform';

export interface StoredBlobCheck {
  /** SHA-256 → size of every blob the platform holds. */
  blobs: Map<string, number>;
  /** Blobs whose chunks overlap, leave a gap or do not hash to their address. */
  problems: string[];
}

export function checkPlatformBlobs(platformDataDir: string): StoredBlobCheck {
  const db = new Database(join(platformDataDir, DATABASE_FILE), { readonly: true });
  try {
    // A verified upload's chunk rows become the blob's where they lie (blob.chunk_owner names them).
    const rows = db.prepare('SELECT sha256, size, coalesce(chunk_owner, sha256) AS owner FROM blob').all() as {
      sha256: string;
      size: number;
      owner: string;
    }[];
    const chunks = db.prepare('SELECT byte_offset, data FROM blob_chunk WHERE owner = ? ORDER BY byte_offset');
    const problems: string[] = [];
    // Bytes stored twice would hide here: chunk rows neither a blob nor an upload under way owns.
    const orphans = db
      .prepare(
        `SELECT DISTINCT owner FROM blob_chunk c WHERE NOT EXISTS (SELECT 1 FROM blob b WHERE coalesce(b.chunk_owner, b.sha256) = c.owner)
           AND NOT EXISTS (SELECT 1 FROM blob_upload u WHERE u.id = c.owner AND u.completed_at IS NULL)`,
      )
      .all() as { owner: string }[];
    for (const orphan of orphans) problems.push(`chunks of ${orphan.owner}: owned by no blob and no upload under way`);
    for (const blob of rows) {
      let next = 0;
      const hash = createHash('sha256');
      for (const chunk of chunks.all(blob.owner) as { byte_offset: number; data: Buffer }[]) {
        if (chunk.byte_offset !== next) problems.push(`${blob.sha256}: a chunk at ${chunk.byte_offset}, expected ${next}`);
        next = chunk.byte_offset + chunk.data.length;
        hash.update(chunk.data);
      }
      if (next !== blob.size) problems.push(`${blob.sha256}: chunks end at ${next}, the blob has ${blob.size} bytes`);
      if (hash.digest('hex') !== blob.sha256) problems.push(`${blob.sha256}: its bytes hash otherwise`);
    }
    return { blobs: new Map(rows.map((r) => [r.sha256, r.size])), problems };
  } finally {
    db.close();
  }
}
