/**
 * Threat: another account on the same machine reads the platform's data. The data directory used to be
 * created 0755 and the database 0644, so any local user could copy every patient's record. Now the
 * directory is 0700 and every file in it 0600 (the database, its -wal and -shm, the token-signing key),
 * whatever the process umask, and the files an older build left readable are tightened on start.
 */
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE, startPlatform, type RunningPlatform } from '../../../src-main/platform/index';
import { demoAccount } from '../../../src-main/platform/seed/demo-accounts';
import { httpRequest } from './platform-harness';

const modeOf = (path: string) => (statSync(path).mode & 0o777).toString(8);

/** The data directory and every file in it, with their permission bits. */
function modes(dataDir: string): Record<string, string> {
  const result: Record<string, string> = { '.': modeOf(dataDir) };
  for (const name of readdirSync(dataDir)) result[name] = modeOf(join(dataDir, name));
  return result;
}

let parent: string | undefined;
let platform: RunningPlatform | undefined;
let umaskBefore: number | undefined;
afterEach(async () => {
  await platform?.stop();
  if (umaskBefore !== undefined) process.umask(umaskBefore);
  if (parent) rmSync(parent, { recursive: true, force: true });
  parent = platform = umaskBefore = undefined;
});

/** Starts on `dataDir` and writes once (a login), so the write-ahead log and its index exist. */
async function startAndWrite(dataDir: string): Promise<RunningPlatform> {
  const running = await startPlatform({ port: 0, dataDir, seed: 'none' });
  const account = demoAccount('gp');
  const login = await httpRequest(running.url.replace(/\/fhir$/, ''), 'POST', '/auth/login', {
    contentType: 'application/json',
    body: { identifier: account.identifier, password: account.password, otp: account.otp },
  });
  expect(login.status).toBe(200);
  return running;
}

describe('the platform data directory is readable by its owner only', () => {
  it('a new one, even under umask 000: directory 0700, database, -wal, -shm and key 0600', async () => {
    parent = mkdtempSync(join(tmpdir(), 'esante-modes-'));
    const dataDir = join(parent, 'platform-data');
    umaskBefore = process.umask(0o000);
    platform = await startAndWrite(dataDir);

    const found = modes(dataDir);
    expect(found).toMatchObject({
      '.': '700',
      [DATABASE_FILE]: '600',
      [`${DATABASE_FILE}-wal`]: '600',
      [`${DATABASE_FILE}-shm`]: '600',
    });
    // Whatever else the platform keeps there (the signing key), nobody else may read it either.
    expect(Object.values(found).filter((mode) => mode !== '600' && mode !== '700')).toEqual([]);
    expect(Object.keys(found).length).toBeGreaterThanOrEqual(5);
  });

  it('one an older build left readable is tightened on start', async () => {
    parent = mkdtempSync(join(tmpdir(), 'esante-modes-'));
    const dataDir = join(parent, 'platform-data');
    platform = await startAndWrite(dataDir);
    await platform.stop();
    platform = undefined;
    chmodSync(dataDir, 0o755);
    for (const name of readdirSync(dataDir)) chmodSync(join(dataDir, name), 0o644);

    platform = await startAndWrite(dataDir);
    const found = modes(dataDir);
    expect(found['.']).toBe('700');
    expect(found[DATABASE_FILE]).toBe('600');
    expect(Object.entries(found).filter(([name, mode]) => name !== '.' && mode !== '600')).toEqual([]);
  });
});
