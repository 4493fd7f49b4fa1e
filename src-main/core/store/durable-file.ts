import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, fsyncSync, linkSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface DurableWriteOptions {
  /** Fail with EEXIST instead of replacing an existing file (used when creating a key file). */
  exclusive?: boolean;
}

/**
 * Writes a small file so that a crash or power loss leaves either the old or the new content, never a
 * mix: temp file in the same directory (same filesystem, so the rename is atomic), fsync, rename (or
 * link, when the target must not exist yet), then fsync of the directory so the rename itself is durable.
 * Files are created 0600: they belong to the OS user running the app, nobody else.
 */
export function writeFileDurably(path: string, data: string | Buffer, options: DurableWriteOptions = {}): void {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(temp, 'wx', OWNER_ONLY_FILE);
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  closeSync(fd);
  try {
    if (options.exclusive) {
      // link() refuses an existing target atomically, which rename() cannot.
      linkSync(temp, path);
      rmSync(temp);
    } else {
      renameSync(temp, path);
    }
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  fsyncDirectory(dir);
}

/** Makes a completed rename/link/unlink in `dir` durable. */
export function fsyncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The mode of every file of a profile: its OS user reads and writes it, nobody else. */
export const OWNER_ONLY_FILE = 0o600;

/**
 * Takes group and other bits off a file an older build (or a permissive umask) left readable; a
 * missing file is fine. Returns without touching a file that is already owner-only.
 */
export function restrictFileToOwner(path: string): void {
  try {
    if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, OWNER_ONLY_FILE);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
