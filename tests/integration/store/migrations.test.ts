import { createHash, randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createStore, MIGRATIONS, openStore, type Migration } from '../../../src-main/core/store/index';
import { removeTempDirs, tempDir } from '../../unit/keys/test-keys';
import { latestVersion } from '../../../src-main/core/store/migration';

const MIGRATIONS_DIR = join(import.meta.dirname, '../../../src-main/core/store/migrations');

/** What each migration must leave behind. */
const CREATES: Record<number, string[]> = {
  10: ['resources'],
  20: ['outbox'],
  30: ['quarantine'],
  40: ['sync_state'],
  50: ['blobs'],
  60: ['search_index'],
  70: ['patients', 'practitioners'],
  80: ['message_search', 'messages', 'pgp_keys'],
  90: ['dsp_documents'],
  100: ['recent_patients'],
  110: [], // adds messages.signer_fingerprint (the mailbox tests read and write it)
  120: ['dsp_access', 'dsp_patient_cards', 'dsp_patient_documents'],
  130: [], // adds the timeline columns and covering index to dsp_documents (tests/integration/store/dsp-timeline.test.ts)
  140: ['blob_chunks', 'blob_pins', 'blob_uploads', 'outbox_holds'], // and a new `blobs` (tests/unit/store/blob-cache.test.ts)
  170: ['library_documents', 'library_files'],
  175: ['space_content'],
  150: ['care_index', 'care_note_drafts', 'care_pins'],
  160: ['rcp_index'],
  190: [], // orders dsp_access by its Consent's last_updated (tests/integration/store/dsp-patient-list.test.ts)
  220: [], // splits the care index by patient into settled and recent rows (tests/unit/store/care-index-settle.test.ts)
};

interface Schema {
  userVersion: number;
  tables: string[];
}

/**
 * Reads the schema of an encrypted cache through the store itself: a probe migration captures it and
 * then fails, so its transaction rolls back and the file is left as it was.
 */
function schemaOf(path: string, dataKey: Buffer, known: readonly Migration[] = MIGRATIONS): Schema {
  let captured: Schema | undefined;
  const probe: Migration = {
    version: 1_000_000,
    name: 'probe',
    up(db) {
      captured = {
        userVersion: db.pragma('user_version', { simple: true }) as number,
        tables: (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[])
          .map((r) => r.name)
          .filter((name) => !/^(search_index|message_search)_/.test(name)), // FTS5 shadow tables
      };
      throw new Error('probe done');
    },
  };
  expect(() => openStore({ path, dataKey, migrations: [...known, probe] })).toThrow('probe done');
  return captured!;
}

function newCache(migrations: readonly Migration[]): { path: string; dataKey: Buffer } {
  const path = join(tempDir(), 'cache.db');
  const dataKey = randomBytes(32);
  createStore({ path, dataKey, migrations }).close();
  return { path, dataKey };
}

afterEach(removeTempDirs);

describe('schema migrations on a real encrypted file', () => {
  it.each(MIGRATIONS.map((m, i) => [m.name, i] as const))('%s creates its tables and records its version', (_name, i) => {
    const before = MIGRATIONS.slice(0, i);
    const migration = MIGRATIONS[i]!;
    let path: string;
    let dataKey: Buffer;
    let tablesBefore: string[] = [];
    if (i === 0) {
      // The first migration runs when the cache is created (a cache without schema is refused on open).
      ({ path, dataKey } = newCache([migration]));
    } else {
      ({ path, dataKey } = newCache(before));
      tablesBefore = schemaOf(path, dataKey, before).tables;
      const upgraded = openStore({ path, dataKey, migrations: [...before, migration] });
      expect(upgraded.schemaVersion).toBe(migration.version);
      upgraded.close();
    }
    const after = schemaOf(path, dataKey, [...before, migration]);
    expect(after.userVersion).toBe(migration.version);
    expect(after.tables.filter((t) => !tablesBefore.includes(t))).toEqual(CREATES[migration.version]);
  });

  it('a failing migration leaves user_version and the schema exactly as they were', () => {
    const first = MIGRATIONS.slice(0, 3);
    const { path, dataKey } = newCache(first);
    const before = schemaOf(path, dataKey, first);
    const failing: Migration = {
      version: 35,
      name: '0035-fails-half-way',
      up(db) {
        db.exec('CREATE TABLE half_done (x TEXT)');
        db.pragma('user_version = 35');
        throw new Error('disk full');
      },
    };
    expect(() => openStore({ path, dataKey, migrations: [...first, failing] })).toThrow(
      expect.objectContaining({ code: 'internal', message: expect.stringContaining('0035-fails-half-way') }),
    );
    expect(schemaOf(path, dataKey, first)).toEqual(before);
    expect(before.userVersion).toBe(30);
    // And the cache still upgrades normally afterwards.
    const store = openStore({ path, dataKey });
    expect(store.schemaVersion).toBe(latestVersion(MIGRATIONS));
    store.close();
  });

  it('an older cache is upgraded on open and keeps its data', () => {
    const { path, dataKey } = newCache(MIGRATIONS.slice(0, 2));
    const old = openStore({ path, dataKey, migrations: MIGRATIONS.slice(0, 2) });
    const op = old.outbox.enqueue({ entityKey: 'Observation/o1', method: 'POST', url: 'Observation', body: { a: 1 } });
    old.close();
    const store = openStore({ path, dataKey });
    expect(store.schemaVersion).toBe(latestVersion(MIGRATIONS));
    expect(store.outbox.get(op.opId)?.body).toEqual({ a: 1 });
    store.close();
  });

  it('0140 carries the complete blobs of 0050 into chunk rows and leaves partial downloads behind', () => {
    const before = MIGRATIONS.filter((m) => m.version < 140);
    const bytes = Buffer.from('%PDF-1.7 kept across the upgrade');
    const hash = createHash('sha256').update(bytes).digest('hex');
    const seeded: Migration = {
      version: 135,
      name: 'seed-0050-blobs',
      up(db) {
        db.prepare('INSERT INTO blobs (sha256, bytes, size, complete) VALUES (?, ?, ?, 1)').run(hash, bytes, bytes.length);
        db.prepare('INSERT INTO blobs (sha256, bytes, size, complete) VALUES (?, ?, 3, 0)').run(
          'a'.repeat(64),
          Buffer.from('par'),
        );
      },
    };
    const { path, dataKey } = newCache([...before, seeded]);
    const store = openStore({ path, dataKey, migrations: [...before, seeded, ...MIGRATIONS.filter((m) => m.version > 135)] });
    expect(store.blobs.get(hash)?.equals(bytes)).toBe(true);
    expect(store.blobs.state('a'.repeat(64))).toBeUndefined();
    expect(store.integrityCheck().ok).toBe(true);
    store.close();
  });

  it('one migration per file, named NNNN-what.ts after its version, numbered with gaps and in order', () => {
    const files = readdirSync(MIGRATIONS_DIR)
      .filter((f) => /^\d{4}-.+\.ts$/.test(f))
      .sort();
    expect(files.map((f) => f.replace(/\.ts$/, ''))).toEqual(MIGRATIONS.map((m) => m.name));
    for (const m of MIGRATIONS) expect(Number(m.name.slice(0, 4))).toBe(m.version);
    MIGRATIONS.forEach((m, i) => i > 0 && expect(m.version - MIGRATIONS[i - 1]!.version).toBeGreaterThan(1));
  });

  it('a migration list out of order is refused before anything runs', () => {
    const { path, dataKey } = newCache(MIGRATIONS.slice(0, 1));
    const swapped = [MIGRATIONS[0]!, MIGRATIONS[2]!, MIGRATIONS[1]!];
    expect(() => openStore({ path, dataKey, migrations: swapped })).toThrow(expect.objectContaining({ code: 'internal' }));
    expect(schemaOf(path, dataKey, MIGRATIONS.slice(0, 1)).userVersion).toBe(10);
  });
});
