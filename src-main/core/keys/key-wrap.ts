import { createCipheriv, createDecipheriv, createHmac, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/** scrypt cost parameters; stored in the key file so they can be raised later without breaking old files. */
export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/** ~32 MiB and ~100 ms per unlock on a laptop: costly for guessing, unnoticeable for the user. */
export const DEFAULT_SCRYPT: ScryptParams = { N: 2 ** 15, r: 8, p: 1 };

/**
 * Bounds on what a key file may ask for: a crafted file must not make us allocate gigabytes,
 * nor accept a cost so low that guessing becomes cheap (2^10 is allowed for fast tests).
 */
export const SCRYPT_LIMITS = { minLogN: 10, maxLogN: 20, maxR: 32, maxP: 16 } as const;

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

export function isAcceptableScrypt(params: ScryptParams): boolean {
  const logN = Math.log2(params.N);
  return (
    Number.isInteger(logN) &&
    logN >= SCRYPT_LIMITS.minLogN &&
    logN <= SCRYPT_LIMITS.maxLogN &&
    Number.isInteger(params.r) &&
    params.r >= 1 &&
    params.r <= SCRYPT_LIMITS.maxR &&
    Number.isInteger(params.p) &&
    params.p >= 1 &&
    params.p <= SCRYPT_LIMITS.maxP
  );
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
        { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r + 1024 * 1024 },
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
