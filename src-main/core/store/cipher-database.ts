import Database from 'better-sqlite3-multiple-ciphers';
import { closeSync, existsSync, openSync, statSync } from 'node:fs';
import { DeskError } from '../../../src-shared/domain/errors';
import { OWNER_ONLY_FILE, restrictFileToOwner } from './durable-file';

export type SqliteDatabase = Database.Database;

export interface CipherOpenOptions {
  /** The raw 32-byte data key; never passed through a KDF (opening must stay instant). */
  dataKey: Buffer;
  /** A build of the native addon for another ABI (Electron passes its own). */
  nativeBinding?: string;
}

const HEX_DIGITS = Buffer.from('0123456789abcdef', 'latin1');

/**
 * SQLCipher's raw-key form, `x'<64 hex digits>'`, spelled into a buffer byte by byte: the key never
 * becomes a JavaScript string (strings cannot be wiped and linger in the heap until collected).
 */
function rawKeySpec(dataKey: Buffer): Buffer {
  const spec = Buffer.alloc(3 + dataKey.length * 2);
  spec[0] = 0x78; // x
  spec[1] = 0x27; // '
  for (let i = 0; i < dataKey.length; i++) {
    spec[2 + 2 * i] = HEX_DIGITS[dataKey[i]! >> 4]!;
    spec[3 + 2 * i] = HEX_DIGITS[dataKey[i]! & 0x0f]!;
  }
  spec[spec.length - 1] = 0x27; // '
  return spec;
}

/**
 * The cache and its -wal/-shm hold the whole clinical record: owner-only. SQLite creates -wal and -shm
 * with the mode of the main file, so tightening the main file before opening covers those to come.
 */
function restrictToOwner(path: string): void {
  for (const file of [path, `${path}-wal`, `${path}-shm`]) restrictFileToOwner(file);
}

/**
 * Opens a SQLCipher-4 database with a raw key. Only this file speaks the cipher pragmas, so the file
 * format stays the one a stock SQLCipher 4 opens with `PRAGMA key = "x'<hex>'"`; we hand the same
 * bytes to `sqlite3_key` instead of writing them into SQL text.
 */
function openKeyed(path: string, options: CipherOpenOptions, mode: 'create' | 'read-write' | 'read-only'): SqliteDatabase {
  if (options.dataKey.length !== 32) throw new DeskError('internal', 'the data key must be 32 bytes');
  const db = new Database(path, {
    readonly: mode === 'read-only',
    fileMustExist: mode !== 'create',
    ...(options.nativeBinding === undefined ? {} : { nativeBinding: options.nativeBinding }),
  });
  const keySpec = rawKeySpec(options.dataKey);
  try {
    db.pragma("cipher = 'sqlcipher'");
    db.pragma('legacy = 4');
    db.key(keySpec);
  } catch (error) {
    db.close();
    throw error;
  } finally {
    // SQLite3MultipleCiphers keeps its own copy (wiped when the connection closes).
    keySpec.fill(0);
  }
  return db;
}

/**
 * Settings every connection gets once the file is known to be ours. Exported for the bench's
 * unencrypted baseline (tests/bench/support/plain-store.ts), which must use exactly the same settings.
 */
export function configure(db: SqliteDatabase): void {
  db.pragma('journal_mode = WAL');
  // FULL: a transaction the outbox reported as committed survives a power cut.
  db.pragma('synchronous = FULL');
  // Checkpoint every 8,000 pages (32 MiB of WAL) instead of SQLite's 1,000: a sync page rewrites many of the
  // same index pages as the one before, and each checkpoint copies the pages changed since the last one,
  // so checkpointing less often copies each page once for many commits. Measured on an initial sync of
  // 100,000 records into the encrypted cache: CPU −14 %, bytes written −21 %. Durability is the WAL's fsync
  // at each commit (FULL above), not the checkpoint.
  db.pragma('wal_autocheckpoint = 8000');
  // Sorts and temp indexes stay in memory: no plaintext spill into temp files.
  db.pragma('temp_store = MEMORY');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
}

function damaged(path: string, why: string): DeskError {
  return new DeskError('database_damaged', `the encrypted cache ${path} cannot be opened (${why}); it was left untouched`);
}

/** The SQLite failures that mean "not a database we can read with this key". */
function isUnreadable(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^SQLITE_(NOTADB|CORRUPT|CANTOPEN|IOERR)/.test(code);
}

/**
 * Checks that the key opens the file, the file is sound, and its schema is one we know; returns the
 * schema version. Only reads.
 */
function inspect(db: SqliteDatabase, path: string, knownVersion: number): number {
  let version: number;
  try {
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw damaged(path, 'quick_check failed');
    version = db.pragma('user_version', { simple: true }) as number;
  } catch (error) {
    if (error instanceof DeskError) throw error;
    if (isUnreadable(error)) throw damaged(path, 'wrong key or corrupt file');
    throw error;
  }
  // Every cache is created with its schema, so version 0 is a foreign or blanked file.
  if (version === 0) throw damaged(path, 'no schema');
  if (version > knownVersion) {
    throw new DeskError(
      'database_too_new',
      `the encrypted cache has schema version ${version}, this app knows up to ${knownVersion}; update the app`,
    );
  }
  return version;
}

/**
 * Opens an existing encrypted database, refusing (with the file byte-identical) one that the key
 * does not open, that is damaged, or that is newer than `knownVersion`.
 *
 * Why the dance: a read-write connection that only reads leaves nothing behind (SQLite removes the
 * -wal/-shm it creates when it closes), but it would checkpoint a WAL left by a crash into the main
 * file. So when a WAL is present we inspect through a read-only connection first; otherwise the
 * inspecting connection becomes the working one.
 */
export function openExistingCipherDatabase(path: string, options: CipherOpenOptions, knownVersion: number): SqliteDatabase {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw damaged(path, 'file missing');
  }
  if (size === 0) throw damaged(path, 'empty file');
  restrictToOwner(path);

  const walPresent = existsSync(`${path}-wal`);
  let db: SqliteDatabase;
  try {
    db = openKeyed(path, options, walPresent ? 'read-only' : 'read-write');
  } catch (error) {
    if (isUnreadable(error)) throw damaged(path, 'cannot open file');
    throw error;
  }
  try {
    inspect(db, path, knownVersion);
  } catch (error) {
    db.close();
    throw error;
  }
  if (walPresent) {
    db.close();
    db = openKeyed(path, options, 'read-write');
  }
  try {
    configure(db);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

/** Creates a new, empty encrypted database; refuses when anything of a database already exists there. */
export function createCipherDatabase(path: string, options: CipherOpenOptions): SqliteDatabase {
  for (const existing of [path, `${path}-wal`, `${path}-shm`]) {
    if (existsSync(existing)) {
      throw new DeskError('internal', `refusing to create a cache over the existing file ${existing}`);
    }
  }
  // Created empty and owner-only before SQLite sees it: SQLite would create it with 0644 (less the umask),
  // and its -wal/-shm inherit the main file's mode.
  closeSync(openSync(path, 'wx', OWNER_ONLY_FILE));
  const db = openKeyed(path, options, 'create');
  try {
    configure(db);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}
