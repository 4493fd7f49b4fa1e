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
    const rows = db.prepare('SELECT sha256, size FROM blob').all() as { sha256: string; size: number }[];
    const chunks = db.prepare('SELECT byte_offset, data FROM blob_chunk WHERE owner = ? ORDER BY byte_offset');
    const problems: string[] = [];
    for (const blob of rows) {
      let next = 0;
      const hash = createHash('sha256');
      for (const chunk of chunks.all(blob.sha256) as { byte_offset: number; data: Buffer }[]) {
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
