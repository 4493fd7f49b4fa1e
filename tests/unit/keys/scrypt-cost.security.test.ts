import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SCRYPT, ProfileKey, type ScryptParams } from '../../../src-main/core/keys/index';
import { encodeSealed, KEY_FILE_FORMAT, KEY_FILE_VERSION, wrapAad, writeKeyFile } from '../../../src-main/core/keys/key-file';
import { derivePassphraseKeys, newDataKey, newSalt, seal } from '../../../src-main/core/keys/key-wrap';
import { FakeProtector, removeTempDirs, tempDir } from './test-keys';

// Threat: a stolen key file is attacked offline, one scrypt per guess. A cheap wrap (an older build's
// N=2^15, or a file a foreign tool or an attacker wrote with N=2^10) makes each guess cheap. New wraps
// use N=2^17, r=8, p=1; older ones are re-wrapped at the next unlock; below a floor a file is refused.

const PASSPHRASE = 'correct horse battery';
/** FLOOR, spelled out: the test states the promise instead of reading it back from the code. */
const FLOOR: ScryptParams = { N: 2 ** 14, r: 8, p: 1 };

afterEach(removeTempDirs);

/** A key file as another build (or another tool) would have written it, with the given scrypt cost. */
async function writeKeyFileAt(params: ScryptParams): Promise<{ path: string; dataKey: Buffer }> {
  const path = join(tempDir(), 'key.json');
  const dataKey = newDataKey();
  const salt = newSalt();
  const { wrapKey, verifier } = await derivePassphraseKeys(PASSPHRASE, salt, params);
  writeKeyFile(path, {
    format: KEY_FILE_FORMAT,
    version: KEY_FILE_VERSION,
    profileId: 'profile-a',
    passphraseWrap: {
      kdf: 'scrypt',
      ...params,
      salt: salt.toString('base64'),
      verifier: verifier.toString('base64'),
      ...encodeSealed(seal(wrapKey, dataKey, wrapAad('profile-a', 'passphrase'))),
    },
    deviceWrap: null,
  });
  return { path, dataKey };
}

const wrapOf = (path: string) => JSON.parse(readFileSync(path, 'utf8')).passphraseWrap as ScryptParams & { salt: string };

describe('scrypt cost of the passphrase wrap', () => {
  it('new key files are wrapped at N=2^17, r=8, p=1 or stronger by default', async () => {
    expect(DEFAULT_SCRYPT.N).toBeGreaterThanOrEqual(2 ** 17);
    const key = new ProfileKey(join(tempDir(), 'key.json'), 'profile-a');
    const dataKey = await key.create(PASSPHRASE);
    expect(wrapOf(key.path)).toMatchObject({ N: 2 ** 17, r: 8, p: 1 });
    // Node's default scrypt maxmem (32 MiB) would refuse this cost: the unlock proves we pass our own.
    expect((await key.unlock(PASSPHRASE)).equals(dataKey)).toBe(true);
  });

  it('a key file of an older build (N=2^15) opens and is re-wrapped at the current cost, same data key', async () => {
    const { path, dataKey } = await writeKeyFileAt({ N: 2 ** 15, r: 8, p: 1 });
    const before = wrapOf(path);
    const key = new ProfileKey(path, 'profile-a');
    expect((await key.unlock(PASSPHRASE)).equals(dataKey)).toBe(true);
    const after = wrapOf(path);
    expect(after).toMatchObject({ N: 2 ** 17, r: 8, p: 1 });
    expect(after.salt).not.toBe(before.salt);
    expect((await key.unlock(PASSPHRASE)).equals(dataKey)).toBe(true);
    expect(wrapOf(path).salt).toBe(after.salt); // already at cost: not rewritten again
  });

  it('the upgrade keeps "remember on this device"', async () => {
    const { path, dataKey } = await writeKeyFileAt({ N: 2 ** 14, r: 8, p: 1 });
    const protector = new FakeProtector();
    await new ProfileKey(path, 'profile-a', { scrypt: FLOOR }).remember(PASSPHRASE, protector);
    await new ProfileKey(path, 'profile-a').unlock(PASSPHRASE);
    expect(wrapOf(path).N).toBe(2 ** 17);
    expect(new ProfileKey(path, 'profile-a').unlockWithProtector(protector).equals(dataKey)).toBe(true);
  });

  it('a wrong passphrase on an old key file changes nothing', async () => {
    const { path } = await writeKeyFileAt({ N: 2 ** 15, r: 8, p: 1 });
    const before = readFileSync(path);
    await expect(new ProfileKey(path, 'profile-a').unlock('not the passphrase')).rejects.toMatchObject({
      code: 'wrong_passphrase',
    });
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  for (const weak of [
    { N: 2 ** 13, r: 8, p: 1 },
    { N: 2 ** 10, r: 8, p: 1 },
    { N: 2 ** 14, r: 4, p: 1 },
  ]) {
    it(`a key file below the floor (N=${weak.N}, r=${weak.r}) is refused with key_file_too_weak, even with the right passphrase`, async () => {
      const { path } = await writeKeyFileAt(weak);
      const before = readFileSync(path);
      const key = new ProfileKey(path, 'profile-a');
      await expect(key.unlock(PASSPHRASE)).rejects.toMatchObject({ code: 'key_file_too_weak' });
      await expect(key.remember(PASSPHRASE, new FakeProtector())).rejects.toMatchObject({ code: 'key_file_too_weak' });
      await expect(key.changePassphrase(PASSPHRASE, 'a brand new passphrase')).rejects.toMatchObject({
        code: 'key_file_too_weak',
      });
      expect(readFileSync(path).equals(before)).toBe(true);
    });
  }

  it('no caller can ask for new wraps below the floor', () => {
    expect(() => new ProfileKey('/nowhere/key.json', 'p', { scrypt: { N: 2 ** 10, r: 8, p: 1 } })).toThrow(/scrypt/);
  });

  it('a key file asking for gigabytes of memory is refused before any derivation', async () => {
    const { path } = await writeKeyFileAt(FLOOR);
    const file = JSON.parse(readFileSync(path, 'utf8'));
    file.passphraseWrap.N = 2 ** 20;
    file.passphraseWrap.r = 32; // 4 GiB
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path, JSON.stringify(file));
    await expect(new ProfileKey(path, 'profile-a').unlock(PASSPHRASE)).rejects.toMatchObject({ code: 'key_file_damaged' });
  });
});
