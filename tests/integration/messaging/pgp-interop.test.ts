import { randomBytes } from 'node:crypto';
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
    const recipient = await generateKeyPair('Dr Anne Schmit', 'anne.schmit@esante.lu');
    const gpg = new GnupgHome();
    const gpgSigner = gpg.generateSigningKey('Laboratoire Ketterthill <labo@example.lu>');
    gpg.importKey(recipient.publicKeyArmored);
    const attachment = randomBytes(256 * 1024);
    const message = gpg.encryptAndSign(attachment, recipient.fingerprint, gpgSigner);

    const opened = await decryptAndVerify(
      new Uint8Array(message),
      [recipient.privateKeyArmored],
      [gpg.exportPublicKey(gpgSigner)],
    );
    expect(Buffer.from(opened.data).equals(attachment)).toBe(true);
    expect(opened.signature).toBe('valid');
    expect(gpgSigner.endsWith(opened.signerKeyId!)).toBe(true);
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
});
