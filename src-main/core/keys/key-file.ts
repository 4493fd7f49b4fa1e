import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { DeskError } from '../../../src-shared/domain/errors';
import { restrictFileToOwner, writeFileDurably } from '../store/durable-file';
import { isWellFormedScrypt, type SealedKey } from './key-wrap';

/**
 * The on-disk key file (`profiles/<id>/key.json`): versioned JSON holding the data key wrapped under
 * the passphrase and, optionally, under a device key kept by the OS ("remember on this device").
 * It holds no secret in the clear. A checksum over the content turns any accidental damage (a flipped
 * byte, a truncated write by a foreign tool) into `key_file_damaged` before any KDF runs.
 */
export const KEY_FILE_FORMAT = 'esante-desk.key-file';
export const KEY_FILE_VERSION = 1;

const base64 = z.string().regex(/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/, 'must be canonical base64');

const sealedSchema = z.object({ iv: base64, ciphertext: base64, tag: base64 }).strict();

const passphraseWrapSchema = sealedSchema
  .extend({
    kdf: z.literal('scrypt'),
    N: z.number().int(),
    r: z.number().int(),
    p: z.number().int(),
    salt: base64,
    verifier: base64,
  })
  .strict()
  // Only the shape here; whether the cost is strong enough is ProfileKey's typed `key_file_too_weak`.
  .refine(isWellFormedScrypt, 'scrypt parameters out of bounds');

const deviceWrapSchema = sealedSchema.extend({ protectedKey: base64 }).strict();

const keyFileSchema = z
  .object({
    format: z.literal(KEY_FILE_FORMAT),
    version: z.literal(KEY_FILE_VERSION),
    profileId: z.string().min(1).max(64),
    passphraseWrap: passphraseWrapSchema,
    deviceWrap: deviceWrapSchema.nullable(),
    checksum: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  })
  .strict();

export type KeyFile = Omit<z.infer<typeof keyFileSchema>, 'checksum'>;
export type PassphraseWrap = KeyFile['passphraseWrap'];
export type DeviceWrap = NonNullable<KeyFile['deviceWrap']>;

/** What the AES-GCM tag authenticates besides the key: the wrap is bound to this profile and this slot. */
export function wrapAad(profileId: string, slot: 'passphrase' | 'device'): string {
  return `${KEY_FILE_FORMAT}/v${KEY_FILE_VERSION}/profile=${profileId}/slot=${slot}`;
}

export function encodeSealed(sealed: SealedKey): z.infer<typeof sealedSchema> {
  return {
    iv: sealed.iv.toString('base64'),
    ciphertext: sealed.ciphertext.toString('base64'),
    tag: sealed.tag.toString('base64'),
  };
}

export function decodeSealed(encoded: z.infer<typeof sealedSchema>): SealedKey {
  return {
    iv: Buffer.from(encoded.iv, 'base64'),
    ciphertext: Buffer.from(encoded.ciphertext, 'base64'),
    tag: Buffer.from(encoded.tag, 'base64'),
  };
}

/** Serialises the fields in a fixed order, so the checksum is reproducible from the parsed object. */
function canonicalBody(file: KeyFile): string {
  const pw = file.passphraseWrap;
  const dw = file.deviceWrap;
  return JSON.stringify({
    format: file.format,
    version: file.version,
    profileId: file.profileId,
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
    deviceWrap: dw === null ? null : { protectedKey: dw.protectedKey, iv: dw.iv, ciphertext: dw.ciphertext, tag: dw.tag },
  });
}

function checksumOf(file: KeyFile): string {
  return `sha256:${createHash('sha256').update(canonicalBody(file)).digest('hex')}`;
}

function damaged(path: string, why: string): DeskError {
  return new DeskError('key_file_damaged', `key file ${path} is unusable (${why}); the cache was left untouched`);
}

/**
 * Reads and checks a key file. Missing, truncated, unparsable, altered, or belonging to another
 * profile → `key_file_damaged`; never a reason to create a fresh key.
 */
export function readKeyFile(path: string, expectedProfileId: string): KeyFile {
  let text: string;
  try {
    // A key file an older build left 0644 is tightened on first sight (new ones are written 0600).
    restrictFileToOwner(path);
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'read error';
    throw damaged(path, code === 'ENOENT' ? 'missing' : code);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw damaged(path, 'not valid JSON, probably truncated');
  }
  const parsed = keyFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw damaged(path, `${issue?.path.join('.') || 'file'}: ${issue?.message ?? 'invalid'}`);
  }
  const { checksum, ...file } = parsed.data;
  if (checksumOf(file) !== checksum) throw damaged(path, 'checksum mismatch');
  if (file.profileId !== expectedProfileId) throw damaged(path, 'it belongs to another profile');
  return file;
}

export function writeKeyFile(path: string, file: KeyFile, options: { exclusive?: boolean } = {}): void {
  const withChecksum = { ...JSON.parse(canonicalBody(file)), checksum: checksumOf(file) };
  writeFileDurably(path, `${JSON.stringify(withChecksum, null, 2)}\n`, options);
}
