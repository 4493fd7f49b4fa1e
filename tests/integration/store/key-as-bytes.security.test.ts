import type { Patient } from 'fhir/r4';
import Database from 'better-sqlite3-multiple-ciphers';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createStore, openStore } from '../../../src-main/core/store/index';
import { removeTempDirs, tempDir } from '../../unit/keys/test-keys';
import { patient } from '../../unit/store/test-store';

// Threat: the data key ends up in the JavaScript heap as a string (a `PRAGMA key = "x'<hex>'"` text, or
// the hex of the key). Strings are immutable and cannot be wiped: a heap dump, a crash report or a
// swapped page taken long after lock still holds the key to the whole cache. The key must reach
// SQLCipher as bytes, in a buffer we zero once SQLite has its own copy.

afterEach(() => {
  vi.restoreAllMocks();
  removeTempDirs();
});

/** Records every SQL text and every `key()` buffer the store hands to the database library. */
function watchDatabase(dataKey: Buffer) {
  // Spelled before the watch starts: the watch itself must not count as a leak.
  const hex = dataKey.toString('hex');
  const base64 = dataKey.toString('base64');
  const sql: string[] = [];
  const keyBuffers: Buffer[] = [];
  const stringified: string[] = [];
  for (const method of ['pragma', 'prepare', 'exec'] as const) {
    const original = Database.prototype[method] as (this: unknown, ...args: unknown[]) => unknown;
    vi.spyOn(Database.prototype, method).mockImplementation(function (this: unknown, ...args: unknown[]) {
      if (typeof args[0] === 'string') sql.push(args[0]);
      return original.apply(this, args);
    } as never);
  }
  const originalKey = (Database.prototype as unknown as { key?: (this: unknown, b: Buffer) => unknown }).key;
  if (originalKey) {
    vi.spyOn(Database.prototype as unknown as { key: (b: Buffer) => unknown }, 'key').mockImplementation(function (
      this: unknown,
      buffer: Buffer,
    ) {
      keyBuffers.push(buffer);
      return originalKey.call(this, buffer);
    });
  }
  const originalToString = Buffer.prototype.toString;
  vi.spyOn(Buffer.prototype, 'toString').mockImplementation(function (this: Buffer, ...args: unknown[]) {
    const text = (originalToString as (...a: unknown[]) => string).apply(this, args);
    if (this === dataKey || this.equals(dataKey)) stringified.push(String(args[0] ?? 'utf8'));
    return text;
  } as never);
  return {
    sql,
    keyBuffers,
    stringified,
    /** SQL texts that carry the key in any spelling. */
    leaks: () =>
      sql.filter((text) => {
        const lower = text.toLowerCase();
        return lower.includes(hex) || text.includes(base64);
      }),
  };
}

describe('the data key reaches SQLCipher as bytes, never as a string', () => {
  it('creating a cache: no SQL text holds the key, the key is never turned into a string, the key buffer handed over is zeroed', () => {
    const dataKey = randomBytes(32);
    const watch = watchDatabase(dataKey);
    const store = createStore({ path: join(tempDir(), 'cache.db'), dataKey });
    store.close();
    expect(watch.sql.length).toBeGreaterThan(0);
    expect(watch.leaks()).toEqual([]);
    expect(watch.stringified).toEqual([]);
    expect(watch.keyBuffers.length).toBeGreaterThan(0);
    for (const handed of watch.keyBuffers) expect(handed.every((byte) => byte === 0)).toBe(true);
  });

  it('opening a cache (with and without a WAL left behind): the same', () => {
    const path = join(tempDir(), 'cache.db');
    const dataKey = randomBytes(32);
    createStore({ path, dataKey: Buffer.from(dataKey) }).close();

    const watch = watchDatabase(dataKey);
    const store = openStore({ path, dataKey });
    store.resources.upsert(patient('p1', 1, 'Reuter', 'Jang'));
    // Leave the WAL as a crash would: the open below inspects through a second, read-only connection.
    const reopened = openStore({ path, dataKey });
    expect(reopened.resources.get<Patient>('Patient', 'p1')?.resource.name?.[0]?.family).toBe('Reuter');
    reopened.close();
    store.close();
    expect(watch.leaks()).toEqual([]);
    expect(watch.stringified).toEqual([]);
    expect(watch.keyBuffers.length).toBeGreaterThanOrEqual(2);
    for (const handed of watch.keyBuffers) expect(handed.every((byte) => byte === 0)).toBe(true);
  });

  it('the file format is unchanged: a cache keyed as bytes opens with the SQLCipher raw-key pragma, and the reverse', () => {
    const dataKey = randomBytes(32);
    const ours = join(tempDir(), 'cache.db');
    const store = createStore({ path: ours, dataKey: Buffer.from(dataKey) });
    store.resources.upsert(patient('p1', 1, 'Reuter', 'Jang'));
    store.close();
    // What a stock SQLCipher 4 is given: the raw key as x'<hex>' (test code only, where a string is harmless).
    const stock = new Database(ours, { readonly: true });
    stock.pragma("cipher = 'sqlcipher'");
    stock.pragma('legacy = 4');
    stock.pragma(`key = "x'${dataKey.toString('hex')}'"`);
    expect(stock.prepare("SELECT json FROM resources WHERE id = 'p1'").pluck().get()).toContain('Reuter');
    stock.close();

    const theirs = join(tempDir(), 'cache.db');
    createStore({ path: theirs, dataKey: Buffer.from(dataKey) }).close();
    const reopened = openStore({ path: theirs, dataKey: Buffer.from(dataKey) });
    expect(reopened.schemaVersion).toBeGreaterThan(0);
    reopened.close();
    expect(() => openStore({ path: theirs, dataKey: randomBytes(32) })).toThrow(/cannot be opened/);
  });
});
