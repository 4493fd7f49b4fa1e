import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';
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
  const decipher = createDecipheriv(cipherName(algorithm), sessionKey, Buffer.alloc(BLOCK));
  const pieces = [body[0]!.subarray(1), ...body.slice(1)];
  let plain: Uint8Array;
  if (pieces.length === 1) {
    plain = decipher.update(pieces[0]!);
  } else {
    plain = Buffer.allocUnsafe(total - 1);
    let at = 0;
    for (const piece of pieces) {
      const decrypted = decipher.update(piece);
      plain.set(decrypted, at);
      at += decrypted.length;
    }
  }
  decipher.final();
  if (plain[BLOCK] !== plain[BLOCK - 2] || plain[BLOCK + 1] !== plain[BLOCK - 1]) throw new WrongSessionKeyError();

  const digestAt = plain.length - 20;
  const expected = createHash('sha1').update(plain.subarray(0, digestAt)).digest();
  const header = plain.subarray(digestAt - MDC_HEADER.length, digestAt);
  if (header[0] !== MDC_HEADER[0] || header[1] !== MDC_HEADER[1] || !timingSafeEqual(expected, plain.subarray(digestAt))) {
    throw new IntegrityError('modification detected: the message was changed or cut after it was encrypted');
  }
  return plain.subarray(PREFIX, digestAt - MDC_HEADER.length);
}
