/**
 * Threat: minting access tokens from a copy of the database. The HS256 secret that signs every access
 * token used to sit in the platform database (meta row `jwt-secret`), so whoever got a copy of the
 * database (a backup, a support bundle) could sign tokens for any user. Now it lives in its own 0600
 * file in the data directory; a database from an older build has its row moved out on open, and the
 * row's bytes are gone from the database file and its write-ahead log.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE, startPlatform, type RunningPlatform } from '../../../src-main/platform/index';
import { demoAccount } from '../../../src-main/platform/seed/demo-accounts';
import { httpRequest } from './platform-harness';

const LEGACY_ROW = 'jwt-secret';

let dataDir: string | undefined;
let platform: RunningPlatform | undefined;
afterEach(async () => {
  await platform?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  dataDir = platform = undefined;
});

const root = (running: RunningPlatform) => running.url.replace(/\/fhir$/, '');

async function loginAsGp(running: RunningPlatform): Promise<string> {
  const account = demoAccount('gp');
  const login = await httpRequest(root(running), 'POST', '/auth/login', {
    contentType: 'application/json',
    body: { identifier: account.identifier, password: account.password, otp: account.otp },
  });
  expect(login.status).toBe(200);
  return login.json.access_token as string;
}

/** The files of the data directory that are not the database or its journals: where the secret must be. */
function keyFiles(dir: string): string[] {
  return readdirSync(dir).filter((name) => !name.startsWith(DATABASE_FILE));
}

/** Whether the database file or its write-ahead log holds these bytes anywhere (live or deleted rows). */
function databaseBytesContain(dir: string, needle: Buffer): boolean {
  return [DATABASE_FILE, `${DATABASE_FILE}-wal`]
    .map((name) => join(dir, name))
    .filter((path) => existsSync(path))
    .some((path) => readFileSync(path).includes(needle));
}

function metaRow(dir: string, key: string): string | undefined {
  const db = new Database(join(dir, DATABASE_FILE), { readonly: true });
  try {
    return (db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  } finally {
    db.close();
  }
}

describe('the token-signing secret', () => {
  it('lives in its own 0600 file, not in the database', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'esante-secret-'));
    platform = await startPlatform({ port: 0, dataDir, seed: 'none' });
    await loginAsGp(platform);

    expect(metaRow(dataDir, LEGACY_ROW)).toBeUndefined();
    const files = keyFiles(dataDir);
    expect(files).toHaveLength(1);
    const keyFile = join(dataDir, files[0]!);
    expect((statSync(keyFile).mode & 0o777).toString(8)).toBe('600');
    const secretHex = readFileSync(keyFile, 'utf8').trim();
    expect(secretHex).toMatch(/^[0-9a-f]{64}$/);
    expect(databaseBytesContain(dataDir, Buffer.from(secretHex, 'utf8'))).toBe(false);
    expect(databaseBytesContain(dataDir, Buffer.from(secretHex, 'hex'))).toBe(false);
  });

  it('an older database has its secret moved out on open: same secret, tokens still valid, no trace in the file', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'esante-secret-'));
    platform = await startPlatform({ port: 0, dataDir, seed: 'none' });
    const token = await loginAsGp(platform);
    await platform.stop();
    platform = undefined;

    // What an older build left: the secret as a meta row, no key file.
    const [keyName] = keyFiles(dataDir);
    const secretHex = readFileSync(join(dataDir, keyName!), 'utf8').trim();
    rmSync(join(dataDir, keyName!));
    const db = new Database(join(dataDir, DATABASE_FILE));
    db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(LEGACY_ROW, secretHex);
    db.close();
    expect(databaseBytesContain(dataDir, Buffer.from(secretHex, 'utf8'))).toBe(true);

    platform = await startPlatform({ port: 0, dataDir, seed: 'none' });
    expect(readFileSync(join(dataDir, keyName!), 'utf8').trim()).toBe(secretHex);
    expect((statSync(join(dataDir, keyName!)).mode & 0o777).toString(8)).toBe('600');
    expect(metaRow(dataDir, LEGACY_ROW)).toBeUndefined();
    expect(databaseBytesContain(dataDir, Buffer.from(secretHex, 'utf8'))).toBe(false);
    // The token signed before the move still proves its session.
    const read = await httpRequest(root(platform), 'GET', '/fhir/Practitioner/demo-gp', { token });
    expect(read.status).toBe(200);
  });
});
