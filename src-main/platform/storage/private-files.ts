/**
 * The platform's files on disk hold every patient's record and the key that signs every session, so
 * they belong to the OS user running the platform and nobody else: directories 0700, files 0600,
 * whatever the process umask (modes are set explicitly, not left to it), and files an older build left
 * readable are tightened when the platform opens them. (The client keeps its own profile files the
 * same way in src-main/core/store/durable-file.ts; platform and core may not share code.)
 */
import { chmodSync, closeSync, fsyncSync, linkSync, mkdirSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

export const OWNER_ONLY_DIRECTORY = 0o700;
export const OWNER_ONLY_FILE = 0o600;

/** Creates `dir` (and missing parents) owner-only, or makes an existing one so. */
export function ensurePrivateDirectory(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: OWNER_ONLY_DIRECTORY });
  chmodSync(dir, OWNER_ONLY_DIRECTORY);
}

/** Creates an empty owner-only file if there is none, and makes an existing one owner-only. */
export function ensurePrivateFile(path: string): void {
  closeSync(openSync(path, 'a', OWNER_ONLY_FILE));
  chmodSync(path, OWNER_ONLY_FILE);
}

/** Makes `path` owner-only if it exists (a missing file is fine). */
export function restrictToOwner(path: string): void {
  try {
    if ((statSync(path).mode & 0o777) !== OWNER_ONLY_FILE) chmodSync(path, OWNER_ONLY_FILE);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/**
 * Writes a new owner-only file durably and atomically, only if `path` does not exist yet: another
 * process creating the same file at the same moment wins or loses whole, never leaves half a file.
 * Returns false (and writes nothing) when the file was already there.
 */
export function createPrivateFileOnce(path: string, data: Buffer | string): boolean {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(temp, 'wx', OWNER_ONLY_FILE);
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    for (let written = 0; written < bytes.length;) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    chmodSync(temp, OWNER_ONLY_FILE);
    // link() refuses an existing target atomically, which rename() cannot.
    linkSync(temp, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    rmSync(temp, { force: true });
  }
  const dirFd = openSync(dirname(path), 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
  return true;
}
