import { randomBytes } from 'node:crypto';
import * as openpgp from 'openpgp';
import { afterEach, describe, expect, it } from 'vitest';
import {
  decryptAndVerify,
  encryptAndSign,
  fingerprintOf,
  generateKeyPair,
  UnreadableMessageError,
} from '../../../src-main/core/messaging/pgp';
import { disposeGnupgHomes, GnupgHome } from '../../fixtures/gnupg';

// Issue 6, acceptance 1 and 2 at the OpenPGP level: our messages open in GnuPG 2.2 and GnuPG's open
// here; tampering and a wrong signer are reported, never shown as valid.
const encoder = new TextEncoder();

afterEach(disposeGnupgHomes);

/** gpg encrypts `attachment` to a key of ours and signs it with its own: it opens here, equal, signature valid. */
async function expectGpgMessageOpensHere(attachment: Buffer, options?: Parameters<GnupgHome['encryptAndSign']>[3]) {
  const recipient = await generateKeyPair('Dr Anne Schmit', 'anne.schmit@esante.lu');
  const gpg = new GnupgHome();
  const gpgSigner = gpg.generateSigningKey('Laboratoire Ketterthill <labo@example.lu>');
  gpg.importKey(recipient.publicKeyArmored);
  const message = gpg.encryptAndSign(attachment, recipient.fingerprint, gpgSigner, options);

  const opened = await decryptAndVerify(new Uint8Array(message), [recipient.privateKeyArmored], [gpg.exportPublicKey(gpgSigner)]);
  expect(Buffer.from(opened.data).equals(attachment)).toBe(true);
  expect(opened.signature).toBe('valid');
  expect(gpgSigner.endsWith(opened.signerKeyId!)).toBe(true);
}

describe('OpenPGP interoperability with GnuPG', () => {
  it('a message we encrypt and sign decrypts and verifies with gpg given the recipient secret key', async () => {
    const sender = await generateKeyPair('Dr Claude Weber', 'claude.weber@esante.lu');
    const recipient = await generateKeyPair('Marie Hoffmann', 'marie.hoffmann@esante.lu');
    const body = encoder.encode('Objet : Mme Reuter — INR 3,4 ce matin, merci de rappeler.');
    const message = await encryptAndSign(body, [recipient.publicKeyArmored, sender.publicKeyArmored], sender.privateKeyArmored);

    const gpg = new GnupgHome();
    gpg.importKey(recipient.privateKeyArmored);
    gpg.importKey(sender.publicKeyArmored);
    const { plaintext, status } = gpg.decrypt(message);
    expect(plaintext.toString('utf8')).toBe('Objet : Mme Reuter — INR 3,4 ce matin, merci de rappeler.');
    expect(status).toMatch(new RegExp(`VALIDSIG ${sender.fingerprint}`));
    expect(status).toContain('GOODSIG');
    expect(status).toContain('DECRYPTION_OKAY');
  });

  it('a message gpg encrypts and signs to our key is read and verified here', async () => {
    await expectGpgMessageOpensHere(randomBytes(256 * 1024));
  });

  it('a tampered ciphertext is refused, not half-read', async () => {
    const sender = await generateKeyPair('A', 'a@esante.lu');
    const recipient = await generateKeyPair('B', 'b@esante.lu');
    const message = await encryptAndSign(
      encoder.encode('x'.repeat(5000)),
      [recipient.publicKeyArmored],
      sender.privateKeyArmored,
    );
    const tampered = Uint8Array.from(message);
    tampered[tampered.length - 40]! ^= 0x01;
    await expect(decryptAndVerify(tampered, [recipient.privateKeyArmored], [sender.publicKeyArmored])).rejects.toBeInstanceOf(
      UnreadableMessageError,
    );
    await expect(
      decryptAndVerify(message.subarray(0, message.length - 10), [recipient.privateKeyArmored], [sender.publicKeyArmored]),
    ).rejects.toBeInstanceOf(UnreadableMessageError);
  });

  it('a signature by a key other than the directory key of the sender is flagged', async () => {
    const claimedSender = await generateKeyPair('Dr Claude Weber', 'claude.weber@esante.lu');
    const impostor = await generateKeyPair('Dr Claude Weber', 'claude.weber@esante.lu');
    const recipient = await generateKeyPair('B', 'b@esante.lu');
    const message = await encryptAndSign(
      encoder.encode('Changer le traitement'),
      [recipient.publicKeyArmored],
      impostor.privateKeyArmored,
    );
    const opened = await decryptAndVerify(message, [recipient.privateKeyArmored], [claimedSender.publicKeyArmored]);
    expect(opened.signature).toBe('unknown-signer');
    expect(await fingerprintOf(impostor.publicKeyArmored)).toContain(opened.signerKeyId!);
  });

  it('old private keys keep old mail readable after a key rotation', async () => {
    const sender = await generateKeyPair('A', 'a@esante.lu');
    const before = await generateKeyPair('B', 'b@esante.lu');
    const after = await generateKeyPair('B', 'b@esante.lu');
    const old = await encryptAndSign(encoder.encode('ancien message'), [before.publicKeyArmored], sender.privateKeyArmored);
    const opened = await decryptAndVerify(old, [after.privateKeyArmored, before.privateKeyArmored], [sender.publicKeyArmored]);
    expect(new TextDecoder().decode(opened.data)).toBe('ancien message');
    await expect(decryptAndVerify(old, [after.privateKeyArmored], [sender.publicKeyArmored])).rejects.toBeInstanceOf(
      UnreadableMessageError,
    );
  });

  // Issue 10, item 5: the SEIPD is ours now (seipd.ts over node:crypto); large messages, every way gpg
  // writes them, and messages of the openpgp.js-only versions must still open.
  const LARGE = 12 * 1024 * 1024 + 7; // over 10 MB, and not a multiple of any block or chunk size

  it('a 12 MB message we encrypt and sign opens and verifies in gpg, byte for byte', async () => {
    const sender = await generateKeyPair('Dr Claude Weber', 'claude.weber@esante.lu');
    const recipient = await generateKeyPair('Marie Hoffmann', 'marie.hoffmann@esante.lu');
    const attachment = randomBytes(LARGE);
    const message = await encryptAndSign(
      attachment,
      [recipient.publicKeyArmored, sender.publicKeyArmored],
      sender.privateKeyArmored,
    );

    const gpg = new GnupgHome();
    gpg.importKey(recipient.privateKeyArmored);
    gpg.importKey(sender.publicKeyArmored);
    const { plaintext, status } = gpg.decrypt(message);
    expect(plaintext.equals(attachment)).toBe(true);
    expect(status).toMatch(new RegExp(`VALIDSIG ${sender.fingerprint}`));
    expect(status).toContain('GOODSIG');
    expect(status).toContain('GOODMDC');
    expect(status).toContain('DECRYPTION_OKAY');
  });

  for (const compression of ['none', 'zlib', 'zip', undefined] as const) {
    it(`a 12 MB message gpg writes (${compression ? `--compress-algo ${compression}` : 'its default compression'}) opens and verifies here`, async () => {
      // Half text, half random: the compressed variants really compress, and still carry incompressible data.
      const attachment = Buffer.concat([Buffer.from('INR 3,4 — '.repeat(LARGE / 24)), randomBytes(LARGE / 2)]);
      await expectGpgMessageOpensHere(attachment, { compression });
    });
  }

  it('a message written by openpgp.js alone (the versions before, SHA-512, armoured or not) still opens here', async () => {
    const sender = await generateKeyPair('A', 'a@esante.lu');
    const recipient = await generateKeyPair('B', 'b@esante.lu');
    const body = randomBytes(3 * 1024 * 1024);
    const compatible = { aeadProtect: false, v6Keys: false } as const;
    const options = {
      message: await openpgp.createMessage({ binary: body }),
      encryptionKeys: await openpgp.readKey({ armoredKey: recipient.publicKeyArmored }),
      signingKeys: await openpgp.readPrivateKey({ armoredKey: sender.privateKeyArmored }),
      config: compatible,
    };
    const binary = await openpgp.encrypt({ ...options, format: 'binary' });
    const armored = await openpgp.encrypt({ ...options, format: 'armored' });
    for (const message of [binary, armored]) {
      const opened = await decryptAndVerify(message, [recipient.privateKeyArmored], [sender.publicKeyArmored]);
      expect(Buffer.from(opened.data).equals(body)).toBe(true);
      expect(opened.signature).toBe('valid');
    }
  });

  it('a message we write opens in openpgp.js alone (what the versions before read)', async () => {
    const sender = await generateKeyPair('A', 'a@esante.lu');
    const recipient = await generateKeyPair('B', 'b@esante.lu');
    const body = randomBytes(3 * 1024 * 1024 + 1);
    const message = await encryptAndSign(body, [recipient.publicKeyArmored], sender.privateKeyArmored);
    const { data, signatures } = await openpgp.decrypt({
      message: await openpgp.readMessage({ binaryMessage: message }),
      decryptionKeys: await openpgp.readPrivateKey({ armoredKey: recipient.privateKeyArmored }),
      verificationKeys: await openpgp.readKey({ armoredKey: sender.publicKeyArmored }),
      format: 'binary',
      config: { allowUnauthenticatedMessages: false },
    });
    expect(Buffer.from(data).equals(body)).toBe(true);
    await expect(signatures[0]!.verified).resolves.toBe(true);
  });

  it('empty and one-byte messages round-trip through gpg both ways', async () => {
    const sender = await generateKeyPair('A', 'a@esante.lu');
    const gpg = new GnupgHome();
    gpg.importKey(sender.privateKeyArmored);
    for (const body of [new Uint8Array(0), Uint8Array.of(0x42)]) {
      const ours = await encryptAndSign(body, [sender.publicKeyArmored], sender.privateKeyArmored);
      const { plaintext, status } = gpg.decrypt(ours);
      expect(plaintext.equals(body)).toBe(true);
      expect(status).toContain('GOODSIG');
      const theirs = gpg.encryptAndSign(body, sender.fingerprint, sender.fingerprint, { compression: 'none' });
      const opened = await decryptAndVerify(new Uint8Array(theirs), [sender.privateKeyArmored], [sender.publicKeyArmored]);
      expect(Buffer.from(opened.data).equals(body)).toBe(true);
      expect(opened.signature).toBe('valid');
    }
  });
});
