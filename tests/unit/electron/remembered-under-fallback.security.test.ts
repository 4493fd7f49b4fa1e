import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ProfileDirectory } from '../../../src-main/core/profiles';
import { FakeProtector, FAST_SCRYPT, removeTempDirs, tempDir } from '../keys/test-keys';
import { loadMain } from './electron-mock';

// Threat: a build that offered "remember on this device" on Linux without a keyring left, in key.json,
// the data key wrapped under a device key that Electron's basic_text fallback "protects" with a
// password every copy of Electron knows. Not offering it any more is not enough: the wrap is still on
// disk, and whoever copies key.json and cache.db opens the cache without the passphrase. At start, on
// such a machine, the app drops those wraps; the passphrase opens the profile as before.

const PASSPHRASE = 'correct horse battery';

afterEach(() => {
  vi.resetModules();
  vi.doUnmock('electron');
  removeTempDirs();
});

async function rememberedProfile() {
  const userData = tempDir();
  const profiles = new ProfileDirectory({ dataDir: join(userData, 'profiles-data'), scrypt: FAST_SCRYPT });
  const { id } = await profiles.create('Dr Test', PASSPHRASE);
  await profiles.remember(id, PASSPHRASE, new FakeProtector());
  const keyFile = join(profiles.profileDir(id), 'key.json');
  expect(JSON.parse(readFileSync(keyFile, 'utf8')).deviceWrap).not.toBeNull();
  return { userData, profiles, id, keyFile };
}

// basic_text is a Linux-only backend (Windows and macOS always have a real keychain); CI runs on Linux.
describe.runIf(process.platform === 'linux')('device wraps left under the basic_text fallback', () => {
  it('are removed when the app starts on a machine whose keychain is the fallback; the passphrase still opens the profile', async () => {
    const { userData, profiles, id, keyFile } = await rememberedProfile();
    await loadMain({ userData, keychain: { available: true, backend: 'basic_text' } });
    expect(JSON.parse(readFileSync(keyFile, 'utf8')).deviceWrap).toBeNull();
    const { store } = await profiles.unlock(id, PASSPHRASE);
    expect(store.isOpen).toBe(true);
    profiles.lock(id);
  });

  it('stay where a real keyring keeps them', async () => {
    const { userData, keyFile } = await rememberedProfile();
    await loadMain({ userData, keychain: { available: true, backend: 'gnome_libsecret' } });
    expect(JSON.parse(readFileSync(keyFile, 'utf8')).deviceWrap).not.toBeNull();
  });
});
