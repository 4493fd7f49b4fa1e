import { createCipheriv, createDecipheriv, createHmac, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/** scrypt cost parameters; stored in the key file so they can be raised later without breaking old files. */
export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/**
 * The cost of new wraps: 128 MiB and ~0.3 s per unlock on a laptop (measured 277 ms on the build
 * machine). OWASP's scrypt floor is N=2^17, r=8, p=1; an attacker with a stolen key file pays this per guess.
 */
export const DEFAULT_SCRYPT: ScryptParams = { N: 2 ** 17, r: 8, p: 1 };

/**
 * The weakest wrap we still open (then re-wrap at the current cost). Below it a key file is refused
 * outright: no build of ours ever wrote one (the oldest default was 2^15), so it is tampering or a
 * foreign tool, and guessing its passphrase would be cheap.
 */
export const SCRYPT_FLOOR: ScryptParams = { N: 2 ** 14, r: 8, p: 1 };

/**
 * What a key file may ask for at all: a crafted file must not make us allocate gigabytes (scrypt needs
 * 128·N·r bytes), nor run for minutes (p). Within these bounds a file is well-formed; the floor above
 * decides whether it is strong enough.
 */
export const SCRYPT_LIMITS = { maxLogN: 20, maxR: 32, maxP: 16, maxMemoryBytes: 512 * 1024 * 1024 } as const;

export const DATA_KEY_BYTES = 32;
const SALT_BYTES = 16;
const IV_BYTES = 12;
const VERIFIER_LABEL = 'esante-desk key-file passphrase verifier v1';

export interface SealedKey {
  iv: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

export interface PassphraseKeys {
  /** Wraps the data key (AES-256-GCM). */
  wrapKey: Buffer;
  /**
   * Lets us tell "wrong passphrase" from "tampered wrap": the verifier matches but the GCM tag does
   * not only when the file was altered. It costs an attacker exactly what the GCM tag already does.
   */
  verifier: Buffer;
}

export function newSalt(): Buffer {
  return randomBytes(SALT_BYTES);
}

export function newDataKey(): Buffer {
  return randomBytes(DATA_KEY_BYTES);
}

function memoryOf(params: ScryptParams): number {
  return 128 * params.N * params.r;
}

/** Well-formed and affordable: N a power of two, r and p positive, memory bounded. Says nothing about strength. */
export function isWellFormedScrypt(params: ScryptParams): boolean {
  const logN = Math.log2(params.N);
  return (
    Number.isInteger(logN) &&
    logN >= 1 &&
    logN <= SCRYPT_LIMITS.maxLogN &&
    Number.isInteger(params.r) &&
    params.r >= 1 &&
    params.r <= SCRYPT_LIMITS.maxR &&
    logN < 16 * params.r && // scrypt's own rule (N < 2^(128·r/8)); OpenSSL throws otherwise
    Number.isInteger(params.p) &&
    params.p >= 1 &&
    params.p <= SCRYPT_LIMITS.maxP &&
    memoryOf(params) <= SCRYPT_LIMITS.maxMemoryBytes
  );
}

/** At least as costly as `reference` in every parameter (so neither memory nor time got cheaper). */
export function isAtLeast(params: ScryptParams, reference: ScryptParams): boolean {
  return params.N >= reference.N && params.r >= reference.r && params.p >= reference.p;
}

/** Usable for new wraps: well-formed and not below the floor. */
export function isAcceptableScrypt(params: ScryptParams): boolean {
  return isWellFormedScrypt(params) && isAtLeast(params, SCRYPT_FLOOR);
}

/**
 * Derives the wrap key and the verifier from the passphrase. Runs on the libuv thread pool so the
 * Electron main process stays responsive. The passphrase is NFC-normalised: the same accented
 * passphrase typed on another keyboard layout must unlock the same profile.
 */
export async function derivePassphraseKeys(passphrase: string, salt: Buffer, params: ScryptParams): Promise<PassphraseKeys> {
  const secret = Buffer.from(passphrase.normalize('NFC'), 'utf8');
  try {
    const derived = await new Promise<Buffer>((resolve, reject) => {
      scrypt(
        secret,
        salt,
        64,
        // Node's default maxmem (32 MiB) refuses N=2^17, r=8: allow what these parameters need, plus slack.
        { N: params.N, r: params.r, p: params.p, maxmem: memoryOf(params) + 128 * params.r * params.p + 1024 * 1024 },
        (error, key) => (error ? reject(error) : resolve(key)),
      );
    });
    const wrapKey = Buffer.from(derived.subarray(0, 32));
    const macKey = derived.subarray(32);
    const verifier = createHmac('sha256', macKey).update(VERIFIER_LABEL).digest();
    derived.fill(0);
    return { wrapKey, verifier };
  } finally {
    secret.fill(0);
  }
}

export function verifierMatches(expected: Buffer, actual: Buffer): boolean {
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

export function seal(key: Buffer, plain: Buffer, aad: string): SealedKey {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plain), cipher.final()]);
  return { iv, ciphertext, tag: cipher.getAuthTag() };
}

/** Returns the plaintext, or null when the tag does not verify (wrong key, wrong AAD, or altered bytes). */
export function open(key: Buffer, sealed: SealedKey, aad: string): Buffer | null {
  if (sealed.iv.length !== IV_BYTES || sealed.tag.length !== 16) return null;
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.iv);
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(sealed.tag);
  const plain = decipher.update(sealed.ciphertext);
  try {
    return Buffer.concat([plain, decipher.final()]);
  } catch {
    return null;
  } finally {
    plain.fill(0);
  }
}

/** Overwrites key material we are done with; JS strings cannot be wiped, so keys never become strings here. */
export function wipe(...buffers: (Buffer | null | undefined)[]): void {
  for (const buffer of buffers) buffer?.fill(0);
}
