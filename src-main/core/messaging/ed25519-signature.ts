import { createHash, createPrivateKey, sign } from 'node:crypto';
import { packetHeader, PacketTag } from './openpgp-packets';

/**
 * A v4 signature over a binary document (RFC 4880 §5.2.3) by an EdDSA key on Ed25519 (the "legacy"
 * EdDSA of our v4 ECC keys and GnuPG 2.2's), hashed with SHA-256 and signed with node:crypto.
 *
 * Why not openpgp.js: for these keys it insists on SHA-512, which current CPUs' SHA extensions do not
 * compute — over a 10 MB attachment the hash is most of the signing — and it hashes through web
 * streams. SHA-256 is what RFC 9580 §5.2.3.3 asks at least; GnuPG 2.2 and openpgp.js verify it.
 * openpgp.js still chooses and checks the key (not expired, not revoked, allowed to sign).
 */

export interface Ed25519SigningKey {
  /** The 32-byte secret seed. */
  seed: Uint8Array;
  /** The 32-byte public key (without OpenPGP's 0x40 prefix). */
  publicKey: Uint8Array;
  /** The signing key's v4 fingerprint (20 bytes); its key ID is the last 8. */
  fingerprint: Uint8Array;
}

const VERSION = 4;
const BINARY_DOCUMENT = 0x00;
const EDDSA_LEGACY = 22;
const SHA256 = 8;
const SUBPACKET_CREATION_TIME = 2;
const SUBPACKET_ISSUER_KEY_ID = 16;
const SUBPACKET_ISSUER_FINGERPRINT = 33;

const base64url = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');

/** The signature packet (header included) over `data`, made at `created`. */
export function signBinaryDocument(data: Uint8Array, key: Ed25519SigningKey, created: Date): Uint8Array {
  const seconds = Math.floor(created.getTime() / 1000);
  const hashedSubpackets = Uint8Array.of(
    ...[5, SUBPACKET_CREATION_TIME, seconds >>> 24, (seconds >>> 16) & 0xff, (seconds >>> 8) & 0xff, seconds & 0xff],
    ...[22, SUBPACKET_ISSUER_FINGERPRINT, VERSION, ...key.fingerprint],
  );
  const hashedPart = Uint8Array.of(
    ...[VERSION, BINARY_DOCUMENT, EDDSA_LEGACY, SHA256],
    ...[hashedSubpackets.length >> 8, hashedSubpackets.length & 0xff, ...hashedSubpackets],
  );
  const length = hashedPart.length;
  const trailer = Uint8Array.of(VERSION, 0xff, length >>> 24, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff);
  const digest = createHash('sha256').update(data).update(hashedPart).update(trailer).digest();

  // Legacy EdDSA signs the digest itself, as the message of Ed25519.
  const privateKey = createPrivateKey({
    key: { kty: 'OKP', crv: 'Ed25519', d: base64url(key.seed), x: base64url(key.publicKey) },
    format: 'jwk',
  });
  const signature = sign(null, digest, privateKey);
  const unhashedSubpackets = Uint8Array.of(9, SUBPACKET_ISSUER_KEY_ID, ...key.fingerprint.subarray(12));
  const body = Buffer.concat([
    hashedPart,
    Uint8Array.of(0, unhashedSubpackets.length),
    unhashedSubpackets,
    digest.subarray(0, 2),
    mpi(signature.subarray(0, 32)),
    mpi(signature.subarray(32)),
  ]);
  return Buffer.concat([packetHeader(PacketTag.signature, body.length), body]);
}

/** An OpenPGP multiprecision integer: bit count, then the bytes without leading zeros (RFC 4880 §3.2). */
function mpi(bytes: Uint8Array): Uint8Array {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const value = bytes.subarray(start);
  const bits = (value.length - 1) * 8 + (32 - Math.clz32(value[0]!));
  return Uint8Array.of(bits >> 8, bits & 0xff, ...value);
}
