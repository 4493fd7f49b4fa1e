import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ProfileDirectory } from '../../../src-main/core/profiles/index';
import { FakeProtector, FAST_SCRYPT, hashTree, ManualClock, removeTempDirs, tempDir } from '../../unit/keys/test-keys';
import { patient } from '../../unit/store/test-store';

const PASSPHRASE = 'correct horse battery';
const MINUTE = 60_000;

afterEach(removeTempDirs);

describe('profiles on this device', () => {
  it('creating a profile writes its key file, its cache and an index entry holding no secret; it starts locked', async () => {
    const dataDir = tempDir();
    const profiles = new ProfileDirectory({ dataDir, scrypt: FAST_SCRYPT });
    const created = await profiles.create('  Dr Anne Schmit ', PASSPHRASE, {
      platformUserId: 'Practitioner/dr-1',
      platformUrl: 'http://127.0.0.1:8787/fhir',
    });
    expect(created.displayName).toBe('Dr Anne Schmit');
    expect(profiles.list()).toEqual([created]);
    expect(Object.keys(hashTree(profiles.profileDir(created.id))).sort()).toEqual(['cache.db', 'key.json']);
    const index = readFileSync(join(dataDir, 'profiles.json'), 'utf8');
    expect(index).not.toContain(PASSPHRASE);
    expect(Object.keys(JSON.parse(index).profiles[0]).sort()).toEqual([
      'createdAt',
      'displayName',
      'id',
      'platformUrl',
      'platformUserId',
    ]);
    expect(profiles.session(created.id)).toBeUndefined();
  });

  it('a profile whose creation fails leaves nothing behind', async () => {
    const dataDir = tempDir();
    const profiles = new ProfileDirectory({ dataDir, scrypt: FAST_SCRYPT });
    await expect(profiles.create('Dr Short', 'short')).rejects.toMatchObject({ code: 'invalid_input' });
    expect(profiles.list()).toEqual([]);
    expect(hashTree(join(dataDir, 'profiles'))).toEqual({});
  });

  it('locking closes the cache: further use is refused as locked', async () => {
    const profiles = new ProfileDirectory({ dataDir: tempDir(), scrypt: FAST_SCRYPT });
    const { id } = await profiles.create('Dr A', PASSPHRASE);
    const { store } = await profiles.unlock(id, PASSPHRASE);
    profiles.lock(id);
    expect(store.isOpen).toBe(false);
    expect(() => store.transaction(() => 1)).toThrow(expect.objectContaining({ code: 'locked' }));
    expect(profiles.session(id)).toBeUndefined();
  });

  it('after N minutes without activity the profile locks itself and the UI is told', async () => {
    const clock = new ManualClock();
    const locked: string[] = [];
    const profiles = new ProfileDirectory({
      dataDir: tempDir(),
      scrypt: FAST_SCRYPT,
      autoLockMs: 15 * MINUTE,
      clock,
      onLocked: (id) => locked.push(id),
    });
    const { id } = await profiles.create('Dr A', PASSPHRASE);
    const session = await profiles.unlock(id, PASSPHRASE);
    clock.advance(10 * MINUTE);
    session.touch();
    clock.advance(10 * MINUTE);
    expect(session.store.isOpen).toBe(true);
    clock.advance(5 * MINUTE);
    expect(session.store.isOpen).toBe(false);
    expect(locked).toEqual([id]);
  });

  it('changing the passphrase leaves the cache byte-identical and its data readable with the new passphrase', async () => {
    const profiles = new ProfileDirectory({ dataDir: tempDir(), scrypt: FAST_SCRYPT });
    const { id } = await profiles.create('Dr A', PASSPHRASE);
    (await profiles.unlock(id, PASSPHRASE)).store.resources.upsert(patient('p1', 1, 'Faber', 'Lis'));
    profiles.lock(id);
    const cacheBefore = hashTree(profiles.profileDir(id))['cache.db'];
    await profiles.changePassphrase(id, PASSPHRASE, 'my new passphrase');
    expect(hashTree(profiles.profileDir(id))['cache.db']).toBe(cacheBefore);
    await expect(profiles.unlock(id, PASSPHRASE)).rejects.toMatchObject({ code: 'wrong_passphrase' });
    const { store } = await profiles.unlock(id, 'my new passphrase');
    expect(store.resources.get('Patient', 'p1')).toBeDefined();
    profiles.lock(id);
  });

  it('a remembered profile opens through the device protector; forgetting brings the passphrase back', async () => {
    const protector = new FakeProtector();
    const profiles = new ProfileDirectory({ dataDir: tempDir(), scrypt: FAST_SCRYPT });
    const { id } = await profiles.create('Dr A', PASSPHRASE);
    await profiles.remember(id, PASSPHRASE, protector);
    expect(profiles.isRemembered(id)).toBe(true);
    const { store } = profiles.unlockWithProtector(id, protector);
    expect(store.isOpen).toBe(true);
    profiles.lock(id);
    profiles.forget(id);
    expect(() => profiles.unlockWithProtector(id, protector)).toThrow(expect.objectContaining({ code: 'locked' }));
  });

  it('unlocking an open profile again still checks the passphrase and shares the same cache', async () => {
    const profiles = new ProfileDirectory({ dataDir: tempDir(), scrypt: FAST_SCRYPT });
    const { id } = await profiles.create('Dr A', PASSPHRASE);
    const first = await profiles.unlock(id, PASSPHRASE);
    await expect(profiles.unlock(id, 'not the passphrase')).rejects.toMatchObject({ code: 'wrong_passphrase' });
    expect((await profiles.unlock(id, PASSPHRASE)).store).toBe(first.store);
    profiles.lockAll();
  });

  it('an unknown profile id is not_found, and ids never reach the file system unchecked', async () => {
    const profiles = new ProfileDirectory({ dataDir: tempDir(), scrypt: FAST_SCRYPT });
    await expect(profiles.unlock('../../etc', PASSPHRASE)).rejects.toMatchObject({ code: 'not_found' });
  });
});
