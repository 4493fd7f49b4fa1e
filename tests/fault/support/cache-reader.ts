/**
 * Opens a client's encrypted cache directly (no session, no sync worker, no requeue), to look at what a
 * killed client left on disk exactly as it is.
 */
import { join } from 'node:path';
import { ProfileDirectory } from '../../../src-main/core/profiles';
import type { Store } from '../../../src-main/core/store';
import { TEST_PASSPHRASE, TEST_SCRYPT } from '../../fixtures/test-client';

/** Runs `read` on the cache of the (single) profile in `dataDir`; null when no profile was created yet. */
export async function withCache<T>(dataDir: string, read: (store: Store) => T): Promise<T | null> {
  const profiles = new ProfileDirectory({ dataDir: join(dataDir, 'profiles-data'), scrypt: TEST_SCRYPT });
  const [profile, ...others] = profiles.list();
  if (!profile) return null;
  if (others.length > 0) throw new Error(`${others.length + 1} profiles in ${dataDir}: a login created a second cache`);
  const unlocked = await profiles.unlock(profile.id, TEST_PASSPHRASE);
  try {
    return read(unlocked.store);
  } finally {
    profiles.lock(profile.id);
  }
}
