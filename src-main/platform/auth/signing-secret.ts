/**
 * The HS256 secret that signs every access token lives in its own owner-only file in the data
 * directory, not in the database: a copy of the database (a backup, a support bundle, a file handed to
 * a colleague) then cannot be used to mint tokens for any user. Older builds kept it as the meta row
 * `jwt-secret`; on open that row is moved into the file (so tokens already issued stay valid) and
 * deleted from the database without a trace.
 *
 * Instances sharing one PostgreSQL database (`--storage postgres://…`) must all sign and verify with
 * the same secret, and they may run on different hosts with different data directories, so there it
 * is kept in the database (meta row SHARED_META_KEY), created once by the first instance. That
 * database is a server behind its own access control, not a file handed around; its dumps hold every
 * patient's record already and must be kept as such.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PlatformStorage } from '../storage/platform-storage';
import { createPrivateFileOnce, restrictToOwner } from '../storage/private-files';

export const SIGNING_SECRET_FILE = 'token-signing.key';
const SECRET_BYTES = 32;
/** Where builds before issue 9 kept the secret. */
const LEGACY_META_KEY = 'jwt-secret';

function parseSecret(path: string, text: string): Buffer {
  const hex = text.trim();
  if (!new RegExp(`^[0-9a-f]{${SECRET_BYTES * 2}}$`).test(hex))
    throw new Error(`${path}: expected ${SECRET_BYTES * 2} lowercase hex digits (the token-signing secret)`);
  return Buffer.from(hex, 'hex');
}

/** Where instances sharing one database keep the secret. */
const SHARED_META_KEY = 'token-signing-secret';

/** The shared database's secret, created by whichever instance gets there first. */
async function loadSharedSecret(storage: PlatformStorage): Promise<Uint8Array> {
  return storage.exclusively(async () => {
    let hex = await storage.read((tx) => tx.getMeta(SHARED_META_KEY));
    if (hex === undefined) {
      hex = randomBytes(SECRET_BYTES).toString('hex');
      await storage.write((tx) => tx.setMeta(SHARED_META_KEY, hex!));
    }
    return parseSecret(`meta ${SHARED_META_KEY}`, hex);
  });
}

/** Reads the data directory's signing secret, creating it (or moving it out of an older database) first. */
export async function loadSigningSecret(dataDir: string, storage: PlatformStorage): Promise<Uint8Array> {
  if (storage.shared) return loadSharedSecret(storage);
  const path = join(dataDir, SIGNING_SECRET_FILE);
  const legacy = await storage.read((tx) => tx.getMeta(LEGACY_META_KEY));
  // Another platform on the same data directory may create the file at the same moment: whoever
  // links it first wins, and both read the winner's.
  const initial = legacy !== undefined ? parseSecret(`meta ${LEGACY_META_KEY}`, legacy) : randomBytes(SECRET_BYTES);
  createPrivateFileOnce(path, `${initial.toString('hex')}\n`);
  restrictToOwner(path);
  const secret = parseSecret(path, readFileSync(path, 'utf8'));
  if (legacy !== undefined) {
    // Only once the file is durable: a crash before this point leaves the row for the next open.
    await storage.write((tx) => tx.deleteMeta(LEGACY_META_KEY));
    await storage.checkpoint();
  }
  return secret;
}
