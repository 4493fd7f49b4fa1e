import { createCipheriv, randomBytes } from 'node:crypto';
import * as openpgp from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import { packetHeader, PacketTag, readPackets } from '../../../src-main/core/messaging/openpgp-packets';
import {
  decryptAndVerify,
  encryptAndSign,
  generateKeyPair,
  type KeyPair,
  UnreadableMessageError,
} from '../../../src-main/core/messaging/pgp';
import { decryptSeipd, encryptSeipd } from '../../../src-main/core/messaging/seipd';

// Threat: a message changed in transit (or at rest on the platform) is read as if it were the sender's.
// Our SEIPD v1 reader (seipd.ts) must check the Modification Detection Code before any plaintext leaves
// it, the MDC-less packet 9 (a downgrade) must be refused, and the signature must be checked over the very
// bytes returned: a tampered message is refused, or at worst opened with its signature shown invalid.

let sender: KeyPair;
let recipient: KeyPair;
const body = randomBytes(2 * 1024 * 1024 + 3); // above the size at which the data is streamed through the hashes

beforeAll(async () => {
  sender = await generateKeyPair('Dr Claude Weber', 'claude.weber@esante.lu');
  recipient = await generateKeyPair('Marie Hoffmann', 'marie.hoffmann@esante.lu');
});

const open = (message: Uint8Array) => decryptAndVerify(message, [recipient.privateKeyArmored], [sender.publicKeyArmored]);

/** Where the SEIPD packet's ciphertext starts and ends (after its version octet). */
function ciphertextOf(message: Uint8Array): { start: number; end: number } {
  const seipd = readPackets(message).find((p) => p.tag === PacketTag.symEncryptedIntegrityProtectedData)!;
  const end = seipd.end;
  return { start: end - seipd.body[0]!.length + 1, end };
}

describe('a tampered encrypted message is refused before any plaintext is handed out', () => {
  it('one flipped bit anywhere in the ciphertext (prefix, packets, literal data, signature, MDC) is refused', async () => {
    const message = await encryptAndSign(body, [recipient.publicKeyArmored], sender.privateKeyArmored);
    expect((await open(message)).signature).toBe('valid'); // the untouched message opens
    const { start, end } = ciphertextOf(message);
    const length = end - start;
    const places = {
      'random prefix': start + 3,
      'one-pass signature packet': start + 20,
      'literal data, first block': start + 40,
      'literal data, middle': start + Math.floor(length / 2),
      'signature packet': end - 22 - 40,
      'MDC packet header': end - 21,
      'MDC digest': end - 5,
      'last byte': end - 1,
    };
    for (const [place, at] of Object.entries(places)) {
      const tampered = Uint8Array.from(message);
      tampered[at]! ^= 0x04;
      await expect(open(tampered), place).rejects.toBeInstanceOf(UnreadableMessageError);
    }
  });

  it('a message cut short, or grown by a byte, is refused', async () => {
    const message = await encryptAndSign(body, [recipient.publicKeyArmored], sender.privateKeyArmored);
    await expect(open(message.subarray(0, message.length - 1))).rejects.toBeInstanceOf(UnreadableMessageError);
    await expect(open(message.subarray(0, message.length - 22))).rejects.toBeInstanceOf(UnreadableMessageError);
    await expect(open(Buffer.concat([message, Uint8Array.of(0)]))).rejects.toBeInstanceOf(UnreadableMessageError);
  });

  it('a well-formed packet 9 (encrypted data without MDC: a downgrade) is refused, even around genuinely signed packets', async () => {
    const genuine = await encryptAndSign(body, [recipient.publicKeyArmored], sender.privateKeyArmored);
    const { sessionKey, inner, keyPackets } = await innerPacketsOf(genuine);
    // RFC 4880 §13.9: CFB over the prefix, then resynchronised on the last block of its ciphertext.
    const algorithm = `aes-${sessionKey.data.length * 8}-cfb`;
    const prefix = randomBytes(18);
    prefix.copyWithin(16, 14, 16);
    const encryptedPrefix = createCipheriv(algorithm, sessionKey.data, Buffer.alloc(16)).update(prefix);
    const encryptedPackets = createCipheriv(algorithm, sessionKey.data, encryptedPrefix.subarray(2)).update(inner);
    const sedBody = Buffer.concat([encryptedPrefix, encryptedPackets]);
    const downgraded = Buffer.concat([keyPackets, packetHeader(PacketTag.symmetricallyEncryptedData, sedBody.length), sedBody]);
    await expect(open(downgraded)).rejects.toBeInstanceOf(UnreadableMessageError);
  });

  it('an intact MDC around data the signature does not cover is opened as invalid, never valid', async () => {
    // What any holder of the session key (any recipient) could forge: the sender's signed packets with
    // one data byte changed, re-encrypted under the same session key with a correct MDC.
    const genuine = await encryptAndSign(body, [recipient.publicKeyArmored], sender.privateKeyArmored);
    const { sessionKey, inner, keyPackets } = await innerPacketsOf(genuine);
    inner[inner.length >> 1]! ^= 0x01; // in the literal data: it is nearly all of the packets
    const forged = encryptSeipd(sessionKey.algorithm!, sessionKey.data, [inner], keyPackets);
    const opened = await open(forged);
    expect(opened.signature).toBe('invalid');
  });
});

/** The session key, the signed packets (a copy) and the session key packets of a message of ours, as a recipient holds them. */
async function innerPacketsOf(message: Uint8Array) {
  const [sessionKey] = await openpgp.decryptSessionKeys({
    message: await openpgp.readMessage({ binaryMessage: message }),
    decryptionKeys: await openpgp.readPrivateKey({ armoredKey: recipient.privateKeyArmored }),
  });
  const seipd = readPackets(message).at(-1)!;
  const inner = Uint8Array.from(decryptSeipd(sessionKey!.algorithm!, sessionKey!.data, seipd.body));
  return { sessionKey: sessionKey!, inner, keyPackets: message.subarray(0, seipd.start) };
}
