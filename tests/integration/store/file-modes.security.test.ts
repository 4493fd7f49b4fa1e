import { chmodSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ProfileDirectory } from '../../../src-main/core/profiles/index';
import { FAST_SCRYPT, removeTempDirs, tempDir } from '../../unit/keys/test-keys';
import { patient } from '../../unit/store/test-store';

// Threat: another account on the same machine (a shared practice PC, a service user) copies cache.db
// and the key file, then guesses the passphrase offline at leisure. Everything of a profile is
// owner-only: files 0600, directories 0700, whatever the user's umask.

const PASSPHRASE = 'Luxembourg 2025 passphrase';

afterEach(removeTempDirs);

const modeOf = (path: string) => (statSync(path).mode & 0o777).toString(8);

/** Every file and directory under `root` with its permission bits, the root included. */
function modesUnder(root: string): Record<string, string> {
  const result: Record<string, string> = { '.': modeOf(root) };
  const walk = (dir: string, prefix: string) => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      result[`${prefix}${name}`] = modeOf(full);
      if (statSync(full).isDirectory()) walk(full, `${prefix}${name}/`);
    }
  };
  walk(root, '');
  return result;
}

async function profileWithOpenWal() {
  const dataDir = join(tempDir(), 'profiles-data');
  const profiles = new ProfileDirectory({ dataDir, scrypt: FAST_SCRYPT });
  const { id } = await profiles.create('Dr Test', PASSPHRASE);
  const { store } = await profiles.unlock(id, PASSPHRASE);
  store.resources.upsert(patient('p1', 1, 'Schmitz', 'Anne'));
  return { dataDir, profiles, id };
}

describe('a profile on disk is readable by its owner only', () => {
  it('new profile: directories 0700, key file, cache and its -wal/-shm 0600', async () => {
    const { dataDir, profiles, id } = await profileWithOpenWal();
    const modes = modesUnder(dataDir);
    expect(modes).toMatchObject({
      '.': '700',
      profiles: '700',
      [`profiles/${id}`]: '700',
      [`profiles/${id}/key.json`]: '600',
      [`profiles/${id}/cache.db`]: '600',
      [`profiles/${id}/cache.db-wal`]: '600',
      [`profiles/${id}/cache.db-shm`]: '600',
      'profiles.json': '600',
    });
    // Nothing else slipped through with looser bits (temp files, throttle state, …).
    for (const [path, mode] of Object.entries(modes))
      expect({ path, mode }).toEqual({ path, mode: mode === '700' ? '700' : '600' });
    profiles.lock(id);
  });

  it('a profile an older build left world-readable is tightened at its next unlock', async () => {
    const { dataDir, profiles, id } = await profileWithOpenWal();
    profiles.lock(id);
    const dir = profiles.profileDir(id);
    for (const path of [dataDir, join(dataDir, 'profiles'), dir]) chmodSync(path, 0o755);
    for (const path of [join(dir, 'cache.db'), join(dir, 'key.json')]) chmodSync(path, 0o644);

    const { store } = await profiles.unlock(id, PASSPHRASE);
    store.resources.upsert(patient('p2', 1, 'Weber', 'Paul'));
    const modes = modesUnder(dataDir);
    for (const [path, mode] of Object.entries(modes)) {
      const isDir = statSync(path === '.' ? dataDir : join(dataDir, path)).isDirectory();
      expect({ path, mode }).toEqual({ path, mode: isDir ? '700' : '600' });
    }
    expect(modes[`profiles/${id}/cache.db-wal`]).toBe('600');
    profiles.lock(id);
  });
});
