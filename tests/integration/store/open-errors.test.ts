import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ProfileDirectory } from '../../../src-main/core/profiles/index';
import { createStore, MIGRATIONS, openStore, type Migration } from '../../../src-main/core/store/index';
import { FAST_SCRYPT, hashTree, removeTempDirs, tempDir } from '../../unit/keys/test-keys';
import { patient } from '../../unit/store/test-store';

const PASSPHRASE = 'correct horse battery';
const FUTURE: Migration = { version: 9000, name: '9000-from-a-newer-app', up: () => {} };

async function profileWithData(): Promise<{ profiles: ProfileDirectory; dataDir: string; id: string; dir: string }> {
  const dataDir = tempDir();
  const profiles = new ProfileDirectory({ dataDir, scrypt: FAST_SCRYPT });
  const { id } = await profiles.create('Dr Test', PASSPHRASE);
  const { store } = await profiles.unlock(id, PASSPHRASE);
  store.resources.upsert(patient('p1', 1, 'Reding', 'Carole'));
  profiles.lock(id);
  return { profiles, dataDir, id, dir: profiles.profileDir(id) };
}

/**
 * Runs `attempt`, expects the typed code, and that no file in the data dir was created, changed or
 * removed, but for the unlock-attempt count, which records a wrong passphrase by design
 * (unlock-attempts.security.test.ts); a damaged file is not a wrong guess, so there it stays identical too.
 */
async function expectRefusedUntouched(
  dataDir: string,
  attempt: () => Promise<unknown>,
  code: string,
  except: RegExp | null = null,
): Promise<void> {
  const kept = () => Object.entries(hashTree(dataDir)).filter(([path]) => except === null || !except.test(path));
  const before = kept();
  await expect(attempt()).rejects.toMatchObject({ name: 'DeskError', code });
  expect(kept()).toEqual(before);
}

afterEach(removeTempDirs);

describe('opening a profile fails safely, with a distinct error per cause', () => {
  it('a wrong passphrase is wrong_passphrase', async () => {
    const { profiles, dataDir, id } = await profileWithData();
    await expectRefusedUntouched(
      dataDir,
      () => profiles.unlock(id, 'not my passphrase'),
      'wrong_passphrase',
      /\/unlock-attempts\.json$/,
    );
  });

  it('a truncated database is database_damaged', async () => {
    const { profiles, dataDir, id, dir } = await profileWithData();
    const db = join(dir, 'cache.db');
    truncateSync(db, Math.floor(readFileSync(db).length / 2));
    await expectRefusedUntouched(dataDir, () => profiles.unlock(id, PASSPHRASE), 'database_damaged');
  });

  it('a database cut inside its first page is database_damaged', async () => {
    const { profiles, dataDir, id, dir } = await profileWithData();
    truncateSync(join(dir, 'cache.db'), 1000);
    await expectRefusedUntouched(dataDir, () => profiles.unlock(id, PASSPHRASE), 'database_damaged');
  });

  it('a database with a corrupted page is database_damaged', async () => {
    const { profiles, dataDir, id, dir } = await profileWithData();
    const db = join(dir, 'cache.db');
    const bytes = readFileSync(db);
    bytes.fill(0x42, 4096 + 100, 4096 + 200); // inside page 2: its authentication fails
    writeFileSync(db, bytes);
    await expectRefusedUntouched(dataDir, () => profiles.unlock(id, PASSPHRASE), 'database_damaged');
  });

  it('a key file with a flipped byte is key_file_damaged', async () => {
    const { profiles, dataDir, id, dir } = await profileWithData();
    const keyPath = join(dir, 'key.json');
    const bytes = readFileSync(keyPath);
    const at = bytes.indexOf('"ciphertext"') + 20;
    bytes[at] = bytes[at]! ^ 0x04;
    writeFileSync(keyPath, bytes);
    await expectRefusedUntouched(dataDir, () => profiles.unlock(id, PASSPHRASE), 'key_file_damaged');
  });

  it('a truncated key file is key_file_damaged', async () => {
    const { profiles, dataDir, id, dir } = await profileWithData();
    const keyPath = join(dir, 'key.json');
    truncateSync(keyPath, 120);
    await expectRefusedUntouched(dataDir, () => profiles.unlock(id, PASSPHRASE), 'key_file_damaged');
  });

  it('a missing key file is key_file_damaged, and no new key or empty cache replaces the old one', async () => {
    const { profiles, dataDir, id, dir } = await profileWithData();
    rmSync(join(dir, 'key.json'));
    await expectRefusedUntouched(dataDir, () => profiles.unlock(id, PASSPHRASE), 'key_file_damaged');
  });

  it('a missing cache is database_damaged, and no empty cache is created in its place', async () => {
    const { profiles, dataDir, id, dir } = await profileWithData();
    rmSync(join(dir, 'cache.db'));
    await expectRefusedUntouched(dataDir, () => profiles.unlock(id, PASSPHRASE), 'database_damaged');
  });

  it('a cache from a newer app version is database_too_new', async () => {
    const { profiles, dataDir, id, dir } = await profileWithData();
    // Let a "newer app" open it: same key (unlock through the key file), one more migration.
    const { ProfileKey } = await import('../../../src-main/core/keys/index');
    const dataKey = await new ProfileKey(join(dir, 'key.json'), id).unlock(PASSPHRASE);
    openStore({ path: join(dir, 'cache.db'), dataKey, migrations: [...MIGRATIONS, FUTURE] }).close();
    await expectRefusedUntouched(dataDir, () => profiles.unlock(id, PASSPHRASE), 'database_too_new');
  });

  it('a cache encrypted with another key (another profile’s cache) is database_damaged', async () => {
    const { profiles, dataDir, id, dir } = await profileWithData();
    const other = await profiles.create('Dr Other', PASSPHRASE);
    copyFileSync(join(profiles.profileDir(other.id), 'cache.db'), join(dir, 'cache.db'));
    await expectRefusedUntouched(dataDir, () => profiles.unlock(id, PASSPHRASE), 'database_damaged');
  });

  it('a newer cache left with an uncheckpointed WAL (crash) is refused without checkpointing it', async () => {
    const dataKey = randomBytes(32);
    const live = join(tempDir(), 'cache.db');
    createStore({ path: live, dataKey }).close();
    const newer = openStore({ path: live, dataKey, migrations: [...MIGRATIONS, FUTURE] });
    newer.resources.upsert(patient('p1', 1, 'Reding', 'Carole'));
    // Snapshot the files as a power cut would leave them: main file + WAL + shared-memory index.
    const crashed = tempDir();
    mkdirSync(crashed, { recursive: true });
    for (const suffix of ['', '-wal', '-shm']) copyFileSync(`${live}${suffix}`, join(crashed, `cache.db${suffix}`));
    newer.close();
    // The -shm is SQLite's wal-index: derived from the WAL, holding no content, rebuilt by every
    // reader after a crash (even a read-only one). What must not change is the data: main file and WAL.
    const dataFiles = () => {
      const { 'cache.db-shm': _index, ...rest } = hashTree(crashed);
      return rest;
    };
    const before = dataFiles();
    expect(() => openStore({ path: join(crashed, 'cache.db'), dataKey })).toThrow(
      expect.objectContaining({ code: 'database_too_new' }),
    );
    expect(dataFiles()).toEqual(before);
    expect(Object.keys(before)).toEqual(['cache.db', 'cache.db-wal']);
    // The data in the WAL is intact: the newer app still opens it.
    const again = openStore({ path: join(crashed, 'cache.db'), dataKey, migrations: [...MIGRATIONS, FUTURE] });
    expect(again.resources.get('Patient', 'p1')).toBeDefined();
    again.close();
  });

  it('an empty (0-byte) or blank cache is database_damaged, not an empty profile', async () => {
    const { profiles, dataDir, id, dir } = await profileWithData();
    writeFileSync(join(dir, 'cache.db'), '');
    await expectRefusedUntouched(dataDir, () => profiles.unlock(id, PASSPHRASE), 'database_damaged');
  });
});
