import type { StatementCache } from './statement-cache';

/** Named values the sync keeps between runs, such as the `$changes` cursor. */
export class SyncStateRepository {
  constructor(private readonly sql: StatementCache) {}

  get(key: string): string | undefined {
    return this.sql.prepare<[string], { value: string }>('SELECT value FROM sync_state WHERE key = ?').get(key)?.value;
  }

  /** Call inside the transaction that applies the page the cursor points after. */
  set(key: string, value: string): void {
    this.sql
      .prepare<[string, string]>(
        'INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      )
      .run(key, value);
  }

  delete(key: string): void {
    this.sql.prepare<[string]>('DELETE FROM sync_state WHERE key = ?').run(key);
  }
}
