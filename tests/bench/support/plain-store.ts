/**
 * Bench baseline only: the client cache WITHOUT encryption — same library, same connection settings
 * (`configure` from cipher-database.ts), same migrations and repositories, but no SQLCipher key, so
 * the file is plain SQLite. Lets the bench put a figure on what the encryption costs. Never used by the app.
 */
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3-multiple-ciphers';
import { MIGRATIONS, Store } from '../../../src-main/core/store';
import { configure } from '../../../src-main/core/store/cipher-database';
import { runMigrations } from '../../../src-main/core/store/migration';

export function createPlainStore(path: string): Store {
  if (existsSync(path)) throw new Error(`refusing to reuse ${path}`);
  return openPlainStore(path);
}

export function openPlainStore(path: string): Store {
  const db = new Database(path);
  configure(db);
  return new Store(db, runMigrations(db, MIGRATIONS), () => new Date());
}
