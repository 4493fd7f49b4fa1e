import { createCipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { lengthOf, packetHeader, PacketTag } from './openpgp-packets';

/**
 * The Symmetrically Encrypted Integrity Protected Data packet, version 1 (RFC 4880 §5.13): what GnuPG 2.2
 * writes and reads (no AEAD). Done here over node:crypto rather than through openpgp.js, which assembles
 * the plaintext, the ciphertext and the message in fresh 10 MB arrays at each step: the copies, and the
 * garbage collections they force, cost more than the cipher itself (issue 10, item 5).
 *
 * The encryption is plain CFB with a zero IV over a random prefix (one block, its last two octets
 * repeated), the packets, and a Modification Detection Code packet: SHA-1 over everything before the
 * digest. No resynchronisation: that belongs to the older packet 9, which we never write or accept.
 */

const CFB_CIPHERS: Record<string, string> = { aes128: 'aes-128-cfb', aes192: 'aes-192-cfb', aes256: 'aes-256-cfb' };
const BLOCK = 16;
const PREFIX = BLOCK + 2;
const MDC_HEADER = Uint8Array.of(0xc0 | PacketTag.modificationDetectionCode, 20);
const MDC = MDC_HEADER.length + 20;
/** Pieces go through the cipher and the hash this many bytes at a time, so no step holds a second copy of a large body. */
const CHUNK = 1 << 20;

/** Whether the session key's algorithm (openpgp.js's name for it) is one this module encrypts with. */
export function isSupportedCipher(algorithm: string): boolean {
  return algorithm in CFB_CIPHERS;
}

function cipherName(algorithm: string): string {
  const name = CFB_CIPHERS[algorithm];
  if (!name) throw new Error(`no CFB cipher for ${algorithm}`);
  return name;
}

/** The session key opens the prefix but the data was changed (or truncated): nothing of it may be used. */
export class IntegrityError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'IntegrityError';
  }
}

/** The prefix's check octets differ: this session key is not the one the packet was encrypted with. */
export class WrongSessionKeyError extends Error {
  constructor() {
    super('the session key does not open this packet');
    this.name = 'WrongSessionKeyError';
  }
}

/**
 * Encrypts `plaintext` (the packets to protect, in order) into a SEIPD v1 packet, returned after `before`
 * (the session key packets) in one buffer, so the whole message is written without another copy.
 */
export function encryptSeipd(
  algorithm: string,
  sessionKey: Uint8Array,
  plaintext: readonly Uint8Array[],
  before: Uint8Array,
): Uint8Array {
  const bodyLength = 1 + PREFIX + lengthOf(plaintext) + MDC;
  const header = packetHeader(PacketTag.symEncryptedIntegrityProtectedData, bodyLength);
  const out = Buffer.allocUnsafe(before.length + header.length + bodyLength);
  out.set(before, 0);
  out.set(header, before.length);
  let at = before.length + header.length;
  out[at++] = 1; // version

  const cipher = createCipheriv(cipherName(algorithm), sessionKey, Buffer.alloc(BLOCK));
  const mdc = createHash('sha1');
  const encrypt = (piece: Uint8Array, hashed: boolean) => {
    for (let offset = 0; offset < piece.length; offset += CHUNK) {
      const chunk = piece.subarray(offset, offset + CHUNK);
      if (hashed) mdc.update(chunk);
      const encrypted = cipher.update(chunk);
      out.set(encrypted, at);
      at += encrypted.length;
    }
  };
  const prefix = randomBytes(PREFIX);
  prefix[BLOCK] = prefix[BLOCK - 2]!;
  prefix[BLOCK + 1] = prefix[BLOCK - 1]!;
  encrypt(prefix, true);
  for (const piece of plaintext) encrypt(piece, true);
  encrypt(MDC_HEADER, true);
  encrypt(mdc.digest(), false);
  const rest = cipher.final();
  out.set(rest, at);
  at += rest.length;
  if (at !== out.length) throw new Error(`SEIPD: wrote ${at} of ${out.length} bytes`);
  return out;
}

/**
 * Decrypts a SEIPD v1 packet body (its pieces, as framed) and returns the packets it protects — only
 * after the Modification Detection Code has matched: a changed, cut or reordered byte throws
 * IntegrityError and no plaintext leaves this function.
 */
export function decryptSeipd(algorithm: string, sessionKey: Uint8Array, body: readonly Uint8Array[]): Uint8Array {
  const total = lengthOf(body);
  if (total === 0 || body[0]![0] !== 1) throw new IntegrityError('not a version 1 integrity-protected packet');
  if (total < 1 + PREFIX + MDC) throw new IntegrityError('the encrypted packet is too short to hold its integrity check');
  // GnuPG streams in partial lengths of 8 KiB: one copy makes the ciphertext contiguous for the ECB pass.
  const ciphertext = body.length === 1 ? body[0]!.subarray(1) : Buffer.concat([body[0]!.subarray(1), ...body.slice(1)]);
  const { firstBlock, rest } = cfbDecrypt(algorithm, sessionKey, ciphertext);
  if (rest[0] !== firstBlock[BLOCK - 2] || rest[1] !== firstBlock[BLOCK - 1]) throw new WrongSessionKeyError();

  const digestAt = rest.length - 20;
  const expected = createHash('sha1').update(firstBlock).update(rest.subarray(0, digestAt)).digest();
  const header = rest.subarray(digestAt - MDC_HEADER.length, digestAt);
  if (header[0] !== MDC_HEADER[0] || header[1] !== MDC_HEADER[1] || !timingSafeEqual(expected, rest.subarray(digestAt))) {
    throw new IntegrityError('modification detected: the message was changed or cut after it was encrypted');
  }
  return rest.subarray(PREFIX - BLOCK, digestAt - MDC_HEADER.length);
}

/**
 * CFB decryption in one ECB pass: plaintext block i is ciphertext block i XOR the encryption of
 * ciphertext block i−1 (of the zero IV for the first), so the whole keystream is the ECB encryption
 * of the ciphertext shifted by a block, which AES-NI pipelines — OpenSSL's CFB goes one block at a
 * time, about twice as slow. The plaintext comes back as its first block and the rest, XORed in place
 * into the keystream, so no third buffer of the message's size is made.
 */
function cfbDecrypt(algorithm: string, key: Uint8Array, ciphertext: Uint8Array): { firstBlock: Uint8Array; rest: Buffer } {
  const ecb = createCipheriv(cipherName(algorithm).replace('-cfb', '-ecb'), key, null).setAutoPadding(false);
  const firstBlock = ecb.update(Buffer.alloc(BLOCK));
  for (let i = 0; i < BLOCK; i++) firstBlock[i]! ^= ciphertext[i]!;
  const restLength = ciphertext.length - BLOCK;
  const rest = ecb.update(ciphertext.subarray(0, Math.ceil(restLength / BLOCK) * BLOCK));
  ecb.final();
  xorInto(rest, ciphertext.subarray(BLOCK), restLength);
  return { firstBlock, rest: rest.subarray(0, restLength) };
}

/** Whether this machine stores words little-endian: the DataView must read in the Int32Array's byte order. */
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** target[i] ^= source[i] for i < length, a word at a time where target is aligned; source may sit at any offset. */
function xorInto(target: Buffer, source: Uint8Array, length: number): void {
  const words = target.byteOffset % 4 === 0 ? length >>> 2 : 0;
  const into = new Int32Array(target.buffer, target.byteOffset, words);
  const from = new DataView(source.buffer, source.byteOffset, length);
  for (let i = 0; i < words; i++) into[i]! ^= from.getInt32(i << 2, LITTLE_ENDIAN);
  for (let i = words << 2; i < length; i++) target[i]! ^= source[i]!;
}
