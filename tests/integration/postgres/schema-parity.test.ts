/**
 * Both storages keep the same tables with the same columns (postgres-schema.ts beside sqlite-schema.ts,
 * at one SCHEMA_VERSION): a table or column added to one and not the other fails here, naming it. The
 * differences PostgreSQL needs are listed, with their reasons, in postgres-schema.ts.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import { join } from 'node:path';
import { expect, inject, it } from 'vitest';
import pg from 'pg';
import { PostgresStorage } from '../../../src-main/platform/storage/postgres-storage';
import { SqliteStorage } from '../../../src-main/platform/storage/sqlite-storage';
import { createTestDatabase } from '../../fixtures/postgres-cluster';
import { tempDir } from '../../fixtures/temp-dirs';

/** Columns PostgreSQL has instead of (→) or besides (+) SQLite's, per table. */
const POSTGRES_ONLY: Record<string, Record<string, string>> = {
  resource_version: { rid: '+' },
  idx_token: { rid: '→ seq' },
  idx_string: { rid: '→ seq' },
  idx_reference: { rid: '→ seq' },
  idx_date: { rid: '→ seq' },
  dsp_change: { n: '+' },
};

it('SQLite and PostgreSQL hold the same tables and columns', async () => {
  const file = join(tempDir('desk-schema-'), 'platform.sqlite');
  await new SqliteStorage(file).close();
  const lite = new Database(file, { readonly: true });
  const sqlite = new Map<string, string[]>();
  try {
    const tables = lite
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .all() as Array<{
      name: string;
    }>;
    for (const { name } of tables) {
      const columns = (lite.prepare(`PRAGMA table_info(${name})`).all() as Array<{ name: string }>).map((c) => c.name);
      sqlite.set(name, columns.sort());
    }
  } finally {
    lite.close();
  }

  const url = await createTestDatabase(inject('postgresServerUrl'));
  await (await PostgresStorage.open(url)).close();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const postgres = new Map<string, string[]>();
  try {
    const { rows } = await client.query<{ table_name: string; column_name: string }>(
      "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> 'schema_version'",
    );
    for (const row of rows) {
      const replaced = POSTGRES_ONLY[row.table_name]?.[row.column_name];
      if (replaced === '+') continue;
      const name = replaced?.startsWith('→ ') ? replaced.slice(2) : row.column_name;
      postgres.set(row.table_name, [...(postgres.get(row.table_name) ?? []), name]);
    }
  } finally {
    await client.end();
  }
  for (const columns of postgres.values()) columns.sort();
  expect(Object.fromEntries([...postgres].sort())).toEqual(Object.fromEntries([...sqlite].sort()));
});
