import type Database from 'better-sqlite3-multiple-ciphers';
import type { SqliteDatabase } from './cipher-database';

/**
 * Prepares each SQL text once per connection. Applying a large `$changes` page runs the same few
 * statements thousands of times; re-preparing them would dominate.
 */
export class StatementCache {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(readonly db: SqliteDatabase) {}

  prepare<P extends unknown[] = unknown[], R = unknown>(sql: string): Database.Statement<P, R> {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement as unknown as Database.Statement<P, R>;
  }

  /** Runs `fn` atomically; nested calls become savepoints, so repositories can compose. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }
}
