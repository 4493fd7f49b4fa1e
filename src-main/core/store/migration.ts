import { DeskError } from '../../../src-shared/domain/errors';
import type { SqliteDatabase } from './cipher-database';

/**
 * One schema step. The version is the number in the file name (`0020-create-outbox.ts` → 20);
 * numbers leave gaps so a fix can slot in between. `up` runs inside a transaction.
 */
export interface Migration {
  version: number;
  name: string;
  up(db: SqliteDatabase): void;
}

export function latestVersion(migrations: readonly Migration[]): number {
  return migrations.reduce((max, m) => Math.max(max, m.version), 0);
}

function assertOrdered(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    const previous = i === 0 ? 0 : migrations[i - 1]!.version;
    if (!Number.isInteger(m.version) || m.version <= previous) {
      throw new DeskError('internal', `migration ${m.name} is out of order`);
    }
  });
}

/**
 * Applies the migrations newer than `PRAGMA user_version`, each in its own transaction together with
 * the new user_version, so a failing step leaves the schema and the version exactly as they were.
 * Returns the resulting version.
 */
export function runMigrations(db: SqliteDatabase, migrations: readonly Migration[]): number {
  assertOrdered(migrations);
  let version = db.pragma('user_version', { simple: true }) as number;
  for (const migration of migrations) {
    if (migration.version <= version) continue;
    const apply = db.transaction(() => {
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    });
    try {
      apply.immediate();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new DeskError('internal', `migration ${migration.name} failed and was rolled back: ${reason}`);
    }
    version = migration.version;
  }
  return version;
}
