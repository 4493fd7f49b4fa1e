import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ProfileKey } from '../../../src-main/core/keys/index';
import { FAST_SCRYPT, removeTempDirs, tempDir } from './test-keys';

const PASSPHRASE = 'correct horse battery';

function newKey(profileId = 'profile-a'): ProfileKey {
  return new ProfileKey(join(tempDir(), 'key.json'), profileId, { scrypt: FAST_SCRYPT });
}

afterEach(removeTempDirs);

describe('profile key file', () => {
  it('a new key file unlocks with its passphrase to the same random 32-byte data key', async () => {
    const key = newKey();
    const created = await key.create(PASSPHRASE);
    expect(created).toHaveLength(32);
    expect(created.equals(Buffer.alloc(32))).toBe(false);
    expect((await key.unlock(PASSPHRASE)).equals(created)).toBe(true);
  });

  it('two profiles never share a data key', async () => {
    expect((await newKey().create(PASSPHRASE)).equals(await newKey().create(PASSPHRASE))).toBe(false);
  });

  it('the key file holds neither the data key nor the passphrase in the clear', async () => {
    const key = newKey();
    const dataKey = await key.create(PASSPHRASE);
    const text = readFileSync(key.path, 'utf8');
    for (const needle of [dataKey.toString('hex'), dataKey.toString('base64'), PASSPHRASE]) expect(text).not.toContain(needle);
    expect(readFileSync(key.path).includes(dataKey)).toBe(false);
  });

  it('stores the scrypt parameters and salt with the wrap, so a build with other defaults still unlocks it', async () => {
    const key = newKey();
    const dataKey = await key.create(PASSPHRASE);
    const file = JSON.parse(readFileSync(key.path, 'utf8'));
    expect(file.passphraseWrap).toMatchObject({ kdf: 'scrypt', N: FAST_SCRYPT.N, r: 8, p: 1 });
    expect(Buffer.from(file.passphraseWrap.salt, 'base64')).toHaveLength(16);
    const withDefaults = new ProfileKey(key.path, 'profile-a');
    expect((await withDefaults.unlock(PASSPHRASE)).equals(dataKey)).toBe(true);
  });

  it('a wrong passphrase is refused with wrong_passphrase and the key file is unchanged', async () => {
    const key = newKey();
    await key.create(PASSPHRASE);
    const before = readFileSync(key.path);
    await expect(key.unlock('not the passphrase')).rejects.toMatchObject({ code: 'wrong_passphrase', field: 'passphrase' });
    expect(readFileSync(key.path).equals(before)).toBe(true);
  });

  it('changing the passphrase re-wraps the same data key: new one works, old one does not', async () => {
    const key = newKey();
    const dataKey = await key.create(PASSPHRASE);
    const before = JSON.parse(readFileSync(key.path, 'utf8'));
    await key.changePassphrase(PASSPHRASE, 'a brand new passphrase');
    const after = JSON.parse(readFileSync(key.path, 'utf8'));
    expect(after.passphraseWrap.salt).not.toBe(before.passphraseWrap.salt);
    expect((await key.unlock('a brand new passphrase')).equals(dataKey)).toBe(true);
    await expect(key.unlock(PASSPHRASE)).rejects.toMatchObject({ code: 'wrong_passphrase' });
  });

  it('a passphrase change with the wrong current passphrase leaves the key file byte-identical', async () => {
    const key = newKey();
    await key.create(PASSPHRASE);
    const before = readFileSync(key.path);
    await expect(key.changePassphrase('wrong wrong wrong', 'a brand new passphrase')).rejects.toMatchObject({
      code: 'wrong_passphrase',
    });
    expect(readFileSync(key.path).equals(before)).toBe(true);
  });

  it('creating a key refuses to replace an existing key file (a lost passphrase never resets the profile)', async () => {
    const key = newKey();
    await key.create(PASSPHRASE);
    const before = readFileSync(key.path);
    await expect(key.create('another passphrase')).rejects.toMatchObject({ code: 'EEXIST' });
    expect(readFileSync(key.path).equals(before)).toBe(true);
  });

  it('a passphrase shorter than 8 characters is refused', async () => {
    await expect(newKey().create('short')).rejects.toMatchObject({ code: 'invalid_input', field: 'passphrase' });
  });

  it('an accented passphrase unlocks however its accents were composed', async () => {
    const key = newKey();
    const dataKey = await key.create('Crème brûlée à Esch'.normalize('NFC'));
    expect((await key.unlock('Crème brûlée à Esch'.normalize('NFD'))).equals(dataKey)).toBe(true);
  });

  it('a key file asking for an absurd scrypt cost is refused as damaged before any derivation', async () => {
    const key = newKey();
    await key.create(PASSPHRASE);
    const file = JSON.parse(readFileSync(key.path, 'utf8'));
    file.passphraseWrap.N = 2 ** 30;
    writeFileSync(key.path, JSON.stringify(file));
    await expect(key.unlock(PASSPHRASE)).rejects.toMatchObject({ code: 'key_file_damaged' });
  });
});
