import { createHash } from 'node:crypto';
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ProfileKey } from '../../../src-main/core/keys/index';
import { FakeProtector, FAST_SCRYPT, removeTempDirs, tempDir } from './test-keys';

const PASSPHRASE = 'correct horse battery';

/** Recomputes the checksum the way a deliberate forger would, so only the cryptographic binding is left. */
function forgeChecksum(file: Record<string, unknown>): string {
  const { checksum: _ignored, ...body } = file;
  const pw = body.passphraseWrap as Record<string, unknown>;
  const ordered = {
    format: body.format,
    version: body.version,
    profileId: body.profileId,
    passphraseWrap: {
      kdf: pw.kdf,
      N: pw.N,
      r: pw.r,
      p: pw.p,
      salt: pw.salt,
      verifier: pw.verifier,
      iv: pw.iv,
      ciphertext: pw.ciphertext,
      tag: pw.tag,
    },
    deviceWrap: body.deviceWrap,
  };
  return `sha256:${createHash('sha256').update(JSON.stringify(ordered)).digest('hex')}`;
}

afterEach(removeTempDirs);

describe('key file integrity and binding to its profile', () => {
  it('the key file of profile A copied into profile B is refused as key_file_damaged', async () => {
    const dirA = tempDir();
    const dirB = tempDir();
    await new ProfileKey(join(dirA, 'key.json'), 'profile-a', { scrypt: FAST_SCRYPT }).create(PASSPHRASE);
    copyFileSync(join(dirA, 'key.json'), join(dirB, 'key.json'));
    const keyB = new ProfileKey(join(dirB, 'key.json'), 'profile-b', { scrypt: FAST_SCRYPT });
    await expect(keyB.unlock(PASSPHRASE)).rejects.toMatchObject({ code: 'key_file_damaged' });
  });

  it('even with its profile id and checksum rewritten, A’s wraps do not open as B (AES-GCM AAD)', async () => {
    const dir = tempDir();
    const path = join(dir, 'key.json');
    const protector = new FakeProtector();
    const keyA = new ProfileKey(path, 'profile-a', { scrypt: FAST_SCRYPT });
    await keyA.create(PASSPHRASE);
    await keyA.remember(PASSPHRASE, protector);
    const file = JSON.parse(readFileSync(path, 'utf8'));
    file.profileId = 'profile-b';
    file.checksum = forgeChecksum(file);
    writeFileSync(path, JSON.stringify(file));
    const keyB = new ProfileKey(path, 'profile-b', { scrypt: FAST_SCRYPT });
    await expect(keyB.unlock(PASSPHRASE)).rejects.toMatchObject({ code: 'key_file_damaged' });
    expect(() => keyB.unlockWithProtector(protector)).toThrow(expect.objectContaining({ code: 'locked' }));
  });

  it('every single flipped byte of the key file is detected as key_file_damaged', async () => {
    const path = join(tempDir(), 'key.json');
    const key = new ProfileKey(path, 'profile-a', { scrypt: FAST_SCRYPT });
    await key.create(PASSPHRASE);
    await key.remember(PASSPHRASE, new FakeProtector());
    const original = readFileSync(path);
    const codes = new Set<string>();
    for (let i = 0; i < original.length; i++) {
      const damaged = Buffer.from(original);
      damaged[i] = damaged[i]! ^ 0x01;
      writeFileSync(path, damaged);
      const code = await key.unlock(PASSPHRASE).then(
        () => `unlocked with byte ${i} flipped`,
        (error: { code?: string }) => error.code ?? 'untyped',
      );
      codes.add(code);
    }
    expect([...codes]).toEqual(['key_file_damaged']);
  });

  it('a truncated, empty or missing key file is key_file_damaged', async () => {
    const path = join(tempDir(), 'key.json');
    const key = new ProfileKey(path, 'profile-a', { scrypt: FAST_SCRYPT });
    await key.create(PASSPHRASE);
    const original = readFileSync(path);
    writeFileSync(path, original.subarray(0, original.length >> 1));
    await expect(key.unlock(PASSPHRASE)).rejects.toMatchObject({ code: 'key_file_damaged' });
    writeFileSync(path, '');
    await expect(key.unlock(PASSPHRASE)).rejects.toMatchObject({ code: 'key_file_damaged' });
    rmSync(path);
    await expect(key.unlock(PASSPHRASE)).rejects.toMatchObject({ code: 'key_file_damaged' });
  });

  it('an altered wrap with an intact checksum is damage, not a wrong passphrase', async () => {
    const path = join(tempDir(), 'key.json');
    const key = new ProfileKey(path, 'profile-a', { scrypt: FAST_SCRYPT });
    await key.create(PASSPHRASE);
    const file = JSON.parse(readFileSync(path, 'utf8'));
    const ciphertext = Buffer.from(file.passphraseWrap.ciphertext, 'base64');
    ciphertext[0] = ciphertext[0]! ^ 0x80;
    file.passphraseWrap.ciphertext = ciphertext.toString('base64');
    file.checksum = forgeChecksum(file);
    writeFileSync(path, JSON.stringify(file));
    await expect(key.unlock(PASSPHRASE)).rejects.toMatchObject({ code: 'key_file_damaged' });
    await expect(key.unlock('wrong wrong wrong')).rejects.toMatchObject({ code: 'wrong_passphrase' });
  });
});
