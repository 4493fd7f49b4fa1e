import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { afterEach, describe, expect, it } from 'vitest';
import { type Ed25519SigningKey, signBinaryDocument } from '../../../src-main/core/messaging/ed25519-signature';
import { readPackets } from '../../../src-main/core/messaging/openpgp-packets';
import { generateKeyPair } from '../../../src-main/core/messaging/pgp';
import { disposeGnupgHomes, GnupgHome } from '../../fixtures/gnupg';

// Our own Ed25519 signature packets (SHA-256 over node:crypto) must verify in openpgp.js and GnuPG 2.2,
// including the 1 in 128 whose r or s starts with a zero byte (an MPI drops it).
afterEach(disposeGnupgHomes);

async function signingKeyOf(privateKeyArmored: string): Promise<Ed25519SigningKey> {
  const key = await openpgp.readPrivateKey({ armoredKey: privateKeyArmored });
  const packet = (await key.getSigningKey()).keyPacket as openpgp.SecretKeyPacket;
  return {
    seed: (packet.privateParams as { seed: Uint8Array }).seed,
    publicKey: (packet.publicParams as { Q: Uint8Array }).Q.subarray(1),
    fingerprint: packet.getFingerprintBytes()!,
  };
}

/** The r and s MPIs' lengths in a signature packet of ours (after the 2 hash octets). */
function mpiLengths(packet: Uint8Array): [number, number] {
  const body = readPackets(packet)[0]!.body[0]!;
  let at = 4 + 2 + ((body[4]! << 8) | body[5]!);
  at += 2 + ((body[at]! << 8) | body[at + 1]!) + 2;
  const r = (((body[at]! << 8) | body[at + 1]!) + 7) >> 3;
  at += 2 + r;
  const s = (((body[at]! << 8) | body[at + 1]!) + 7) >> 3;
  return [r, s];
}

describe('Ed25519 signature packets of our own making', () => {
  it('verify in openpgp.js and in gpg, a short r or s included', async () => {
    const pair = await generateKeyPair('Dr Claude Weber', 'claude.weber@esante.lu');
    const key = await signingKeyOf(pair.privateKeyArmored);
    const verificationKeys = await openpgp.readKey({ armoredKey: pair.publicKeyArmored });
    const gpg = new GnupgHome();
    gpg.importKey(pair.publicKeyArmored);

    let short: { data: Uint8Array; signature: Uint8Array } | null = null;
    for (let i = 0; i < 4000 && !short; i++) {
      const data = new TextEncoder().encode(`document ${i}`);
      const signature = signBinaryDocument(data, key, new Date());
      if (mpiLengths(signature).some((length) => length < 32)) short = { data, signature };
    }
    expect(short, 'no signature with a leading zero byte in 4000 tries').not.toBeNull();
    const plain: { data: Uint8Array; signature: Uint8Array } = {
      data: new TextEncoder().encode('ordinary'),
      signature: new Uint8Array(),
    };
    plain.signature = signBinaryDocument(plain.data, key, new Date());

    for (const { data, signature } of [short!, plain]) {
      const { signatures } = await openpgp.verify({
        message: await openpgp.createMessage({ binary: data }),
        signature: await openpgp.readSignature({ binarySignature: signature }),
        verificationKeys,
        format: 'binary',
      });
      await expect(signatures[0]!.verified).resolves.toBe(true);

      writeFileSync(join(gpg.dir, 'doc'), data);
      writeFileSync(join(gpg.dir, 'doc.sig'), signature);
      gpg.run([
        '--trust-model',
        'always',
        '--status-file',
        join(gpg.dir, 'status'),
        '--verify',
        join(gpg.dir, 'doc.sig'),
        join(gpg.dir, 'doc'),
      ]);
      expect(readFileSync(join(gpg.dir, 'status'), 'utf8')).toMatch(new RegExp(`VALIDSIG ${pair.fingerprint}`));
    }
    // A changed byte fails in both.
    const tampered = Uint8Array.from(plain.data);
    tampered[0]! ^= 1;
    const { signatures } = await openpgp.verify({
      message: await openpgp.createMessage({ binary: tampered }),
      signature: await openpgp.readSignature({ binarySignature: plain.signature }),
      verificationKeys,
      format: 'binary',
    });
    await expect(signatures[0]!.verified).rejects.toThrow();
    writeFileSync(join(gpg.dir, 'doc'), tampered);
    expect(() => gpg.run(['--verify', join(gpg.dir, 'doc.sig'), join(gpg.dir, 'doc')])).toThrow();
  });
});
