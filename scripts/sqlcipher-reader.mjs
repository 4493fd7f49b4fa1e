// Builds, once, a stock SQLCipher 4 reader: the SQLCipher amalgamation from the npm package
// @commapp/sqlcipher-amalgamation (not the library the app uses), compiled with gcc against Debian's
// OpenSSL (libssl-dev). tests/integration/store/sqlcipher-interop.test.ts opens the app's cache with it.
// Cached in node_modules/.cache/sqlcipher-reader; rebuilt only when missing.
// `node scripts/sqlcipher-reader.mjs` prints its path (building it first if needed).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const source = join(root, 'tests', 'integration', 'store', 'sqlcipher-reader.c');
export const SQLCIPHER_READER = join(root, 'node_modules', '.cache', 'sqlcipher-reader', 'sqlcipher-reader');

/** Returns the reader's path, compiling it first if it is not there yet. Throws with gcc's output on failure. */
export function ensureSqlcipherReader() {
  if (existsSync(SQLCIPHER_READER)) return SQLCIPHER_READER;
  const amalgamation = join(
    dirname(createRequire(import.meta.url).resolve('@commapp/sqlcipher-amalgamation/package.json')),
    'src',
  );
  mkdirSync(dirname(SQLCIPHER_READER), { recursive: true });
  // Built under a temporary name and renamed, so a concurrent run never finds half a binary.
  const partial = `${SQLCIPHER_READER}.${process.pid}.partial`;
  try {
    execFileSync(
      'gcc',
      [
        '-O1',
        '-DSQLITE_HAS_CODEC',
        '-DSQLCIPHER_CRYPTO_OPENSSL',
        '-DSQLITE_TEMP_STORE=2',
        '-DSQLITE_ENABLE_FTS5',
        '-DSQLITE_THREADSAFE=0',
        '-DSQLITE_OMIT_LOAD_EXTENSION',
        `-I${amalgamation}`,
        '-o',
        partial,
        source,
        join(amalgamation, 'sqlite3.c'),
        '-lcrypto',
        '-lm',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    renameSync(partial, SQLCIPHER_READER);
  } catch (error) {
    rmSync(partial, { force: true });
    const output = error && typeof error === 'object' && 'stderr' in error ? String(error.stderr) : '';
    throw new Error(`building the SQLCipher reader failed: ${error instanceof Error ? error.message : error}\n${output}`, {
      cause: error,
    });
  }
  return SQLCIPHER_READER;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(ensureSqlcipherReader());
}
