import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createStore, type Store } from '../../../src-main/core/store/index';
import { tempDir } from '../keys/test-keys';

/** A fresh encrypted cache with a random key in its own temp folder. */
export function newTestStore(now?: () => Date): { store: Store; path: string; dataKey: Buffer } {
  const path = join(tempDir(), 'cache.db');
  const dataKey = randomBytes(32);
  const store = createStore({ path, dataKey: Buffer.from(dataKey), ...(now ? { now } : {}) });
  return { store, path, dataKey };
}

export function patient(id: string, versionId: number, family: string, given: string, extra: Record<string, unknown> = {}) {
  return {
    resourceType: 'Patient',
    id,
    meta: { versionId: String(versionId), lastUpdated: `2025-01-0${Math.min(versionId, 9)}T10:00:00Z` },
    name: [{ use: 'official', family, given: [given] }],
    ...extra,
  };
}
