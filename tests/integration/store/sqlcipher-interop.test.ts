import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createStore } from '../../../src-main/core/store/index';
import { MIGRATIONS } from '../../../src-main/core/store/migrations';
import { removeTempDirs, tempDir } from '../../unit/keys/test-keys';
import { patient } from '../../unit/store/test-store';

/**
 * Independent reader check: a stock SQLCipher 4 (not our library) opens the cache with the raw key.
 * The reader (`sqlcipher-reader.c` compiled against the SQLCipher 4 amalgamation of the npm package
 * @commapp/sqlcipher-amalgamation, with gcc and Debian's libssl-dev) is built by scripts/sqlcipher-reader.mjs,
 * which `npm test` runs first and passes on as SQLCIPHER_READER; run alone, this file builds it itself.
 * Never skipped: it guards the promise that the cache is plain SQLCipher 4 and opens with nothing but its key.
 */
const root = resolve(import.meta.dirname, '../../..');
const reader =
  process.env.SQLCIPHER_READER ??
  execFileSync(process.execPath, [join(root, 'scripts', 'sqlcipher-reader.mjs')], { encoding: 'utf8' }).trim();
/** The schema version a cache made today must carry: the newest migration's. */
const NEWEST_SCHEMA = Math.max(...MIGRATIONS.map((m) => m.version));

function read(path: string, key: Buffer, sql: string): string {
  return execFileSync(reader, [path, key.toString('hex'), sql], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

afterEach(removeTempDirs);

describe('a stock SQLCipher 4 opens the cache', () => {
  it('with the raw data key, reads the newest schema version and the cached resources', () => {
    const path = join(tempDir(), 'cache.db');
    const dataKey = randomBytes(32);
    const store = createStore({ path, dataKey });
    store.resources.upsert(patient('p1', 1, 'Reuter', 'Jang'));
    store.close();
    expect(read(path, dataKey, 'PRAGMA cipher_version')).toMatch(/^4\./);
    expect(Number(read(path, dataKey, 'PRAGMA user_version').trim())).toBe(NEWEST_SCHEMA);
    expect(read(path, dataKey, "SELECT json FROM resources WHERE id = 'p1'")).toContain('Reuter');
  });

  it('and refuses it with any other key', () => {
    const path = join(tempDir(), 'cache.db');
    createStore({ path, dataKey: randomBytes(32) }).close();
    expect(() => read(path, randomBytes(32), 'SELECT count(*) FROM sqlite_master')).toThrow(/not a database/);
  });
});
