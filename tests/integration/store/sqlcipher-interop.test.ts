import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createStore } from '../../../src-main/core/store/index';
import { removeTempDirs, tempDir } from '../../unit/keys/test-keys';
import { patient } from '../../unit/store/test-store';

/**
 * Independent reader check: a stock SQLCipher 4 (not our library) opens the cache with the raw key.
 * Needs a reader built from `sqlcipher-reader.c` against the SQLCipher 4 amalgamation, e.g. from the
 * npm package @commapp/sqlcipher-amalgamation (apt: libssl-dev):
 *   gcc -O1 -DSQLITE_HAS_CODEC -DSQLCIPHER_CRYPTO_OPENSSL -DSQLITE_TEMP_STORE=2 -DSQLITE_ENABLE_FTS5 \
 *     -DSQLITE_THREADSAFE=0 -I<amalgamation>/src -o sqlcipher-reader sqlcipher-reader.c <amalgamation>/src/sqlite3.c -lcrypto -lm
 * and its path in SQLCIPHER_READER. Skipped without it (it is not part of the default toolchain).
 */
const reader = process.env.SQLCIPHER_READER;

function read(path: string, key: Buffer, sql: string): string {
  return execFileSync(reader!, [path, key.toString('hex'), sql], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

afterEach(removeTempDirs);

describe.skipIf(reader === undefined)('a stock SQLCipher 4 opens the cache', () => {
  it('with the raw data key, reads the schema version and the cached resources', () => {
    const path = join(tempDir(), 'cache.db');
    const dataKey = randomBytes(32);
    const store = createStore({ path, dataKey });
    store.resources.upsert(patient('p1', 1, 'Reuter', 'Jang'));
    store.close();
    expect(read(path, dataKey, 'PRAGMA cipher_version')).toMatch(/^4\./);
    expect(read(path, dataKey, 'PRAGMA user_version').trim()).toBe('70');
    expect(read(path, dataKey, "SELECT json FROM resources WHERE id = 'p1'")).toContain('Reuter');
  });

  it('and refuses it with any other key', () => {
    const path = join(tempDir(), 'cache.db');
    createStore({ path, dataKey: randomBytes(32) }).close();
    expect(() => read(path, randomBytes(32), 'SELECT count(*) FROM sqlite_master')).toThrow(/not a database/);
  });
});
