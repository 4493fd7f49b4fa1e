import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ProfileKey } from '../../../src-main/core/keys/index';
import { FakeProtector, FAST_SCRYPT, removeTempDirs, tempDir } from './test-keys';

const PASSPHRASE = 'correct horse battery';

async function rememberedKey(protector: FakeProtector): Promise<{ key: ProfileKey; dataKey: Buffer }> {
  const key = new ProfileKey(join(tempDir(), 'key.json'), 'profile-a', { scrypt: FAST_SCRYPT });
  const dataKey = await key.create(PASSPHRASE);
  await key.remember(PASSPHRASE, protector);
  return { key, dataKey };
}

afterEach(removeTempDirs);

describe('remember on this device (KeyProtector)', () => {
  it('a remembered profile unlocks through the protector, without the passphrase, to the same data key', async () => {
    const protector = new FakeProtector();
    const { key, dataKey } = await rememberedKey(protector);
    expect(key.isRemembered()).toBe(true);
    expect(key.unlockWithProtector(protector).equals(dataKey)).toBe(true);
  });

  it('forgetting drops only the device wrap: the protector no longer unlocks, the passphrase still does', async () => {
    const protector = new FakeProtector();
    const { key, dataKey } = await rememberedKey(protector);
    key.forget();
    expect(key.isRemembered()).toBe(false);
    expect(() => key.unlockWithProtector(protector)).toThrow(expect.objectContaining({ code: 'locked' }));
    expect((await key.unlock(PASSPHRASE)).equals(dataKey)).toBe(true);
  });

  it('the protector never sees the data key: it only wraps a separate device key', async () => {
    const seen: Buffer[] = [];
    const protector = new FakeProtector();
    const spy = Object.assign(Object.create(protector) as FakeProtector, {
      encrypt: (plain: Buffer) => (seen.push(Buffer.from(plain)), protector.encrypt(plain)),
    });
    const { dataKey } = await rememberedKey(spy);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.equals(dataKey)).toBe(false);
  });

  it('another device (a protector with another secret) gets locked, not key_file_damaged, and the file is kept', async () => {
    const { key } = await rememberedKey(new FakeProtector(0x5a));
    const before = readFileSync(key.path);
    expect(() => key.unlockWithProtector(new FakeProtector(0x33))).toThrow(expect.objectContaining({ code: 'locked' }));
    expect(readFileSync(key.path).equals(before)).toBe(true);
  });

  it('an unavailable or failing secure storage asks for the passphrase (locked)', async () => {
    const protector = new FakeProtector();
    const { key } = await rememberedKey(protector);
    protector.failDecrypt = true;
    expect(() => key.unlockWithProtector(protector)).toThrow(expect.objectContaining({ code: 'locked' }));
    protector.failDecrypt = false;
    protector.available = false;
    expect(() => key.unlockWithProtector(protector)).toThrow(expect.objectContaining({ code: 'locked' }));
  });

  it('remembering requires the right passphrase and writes nothing otherwise', async () => {
    const key = new ProfileKey(join(tempDir(), 'key.json'), 'profile-a', { scrypt: FAST_SCRYPT });
    await key.create(PASSPHRASE);
    const before = readFileSync(key.path);
    await expect(key.remember('wrong wrong wrong', new FakeProtector())).rejects.toMatchObject({ code: 'wrong_passphrase' });
    expect(readFileSync(key.path).equals(before)).toBe(true);
  });

  it('changing the passphrase keeps the device wrap working', async () => {
    const protector = new FakeProtector();
    const { key, dataKey } = await rememberedKey(protector);
    await key.changePassphrase(PASSPHRASE, 'another good passphrase');
    expect(key.unlockWithProtector(protector).equals(dataKey)).toBe(true);
  });
});
