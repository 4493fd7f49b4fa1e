import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Task } from 'fhir/r4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../../src-main/core';
import { createTestClient, loginAs, syncNow, TEST_PASSPHRASE } from '../../fixtures/test-client';
import { startTestPlatform, type TestPlatform } from '../../fixtures/test-platform';

// Issue 4, acceptance 1, end to end: what comes through the API (synced directory data, patient search
// results, a nurse's note) lands only inside the encrypted cache, and comes back after a lock/unlock.
let platform: TestPlatform;
let client: Core & { dataDir: string };
const NOTE = 'Plaie sacrée stade 2, pansement hydrocolloïde — Mme Zwaenepoel';
let patientNames: string[] = [];

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

function containing(needle: string): string[] {
  const utf8 = Buffer.from(needle, 'utf8');
  const utf16 = Buffer.from(needle, 'utf16le');
  return filesUnder(client.dataDir).filter((file) => {
    const bytes = readFileSync(file);
    return bytes.includes(utf8) || bytes.includes(utf16);
  });
}

beforeAll(async () => {
  platform = await startTestPlatform({ seed: 'demo' });
  client = createTestClient(platform.url);
  await loginAs(client, 'gp');
  await syncNow(client);
  const found = await client.desk.directory.searchPatients({ text: 'Reuter' });
  if (!found.ok) throw new Error(JSON.stringify(found.error));
  patientNames = found.value.results.map((p) => `${p.given} ${p.family}`);
  const task: Task = {
    resourceType: 'Task',
    status: 'requested',
    intent: 'order',
    description: NOTE,
    for: { reference: 'Patient/demo-patient' },
  };
  client.sessions.require().writes.create(task);
});
afterAll(async () => {
  await client?.close();
  await platform?.stop();
});

describe('the encrypted cache at rest', () => {
  it('holds what the API wrote, and no file under the data dir shows it in clear (WAL included, while open)', () => {
    expect(patientNames.length).toBeGreaterThan(0);
    const cacheFiles = filesUnder(client.dataDir).filter((f) => f.includes('cache.db'));
    expect(cacheFiles.some((f) => f.endsWith('cache.db-wal'))).toBe(true);
    for (const secret of [NOTE, 'hydrocolloïde', ...patientNames]) expect(containing(secret), secret).toEqual([]);
  });

  it('still shows nothing in clear after locking, and gives everything back after unlocking', async () => {
    const profileId = client.sessions.status().profile!.id;
    await client.desk.session.lock({});
    for (const secret of [NOTE, ...patientNames]) expect(containing(secret), secret).toEqual([]);
    const unlocked = await client.desk.session.unlock({ profileId, passphrase: TEST_PASSPHRASE });
    expect(unlocked).toMatchObject({ ok: true, value: { state: 'unlocked' } });
    const store = client.sessions.require().store;
    expect(store.resources.search('hydrocolloïde', 5, 'Task').map((r) => (r.resource as Task).description)).toEqual([NOTE]);
  });

  it('refuses a wrong passphrase with a clear error and keeps the profile locked', async () => {
    const profileId = client.sessions.status().profile!.id;
    await client.desk.session.lock({});
    const wrong = await client.desk.session.unlock({ profileId, passphrase: 'not the passphrase' });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'wrong_passphrase' } });
    expect(client.sessions.status().state).toBe('locked');
  });
});

describe('changing the passphrase', () => {
  it('re-wraps the key: the new passphrase opens the same cache, the old one no longer does', async () => {
    const profileId = client.sessions.listProfiles()[0]!.id;
    await client.desk.session.unlock({ profileId, passphrase: TEST_PASSPHRASE });
    const changed = await client.desk.session.changePassphrase({ current: TEST_PASSPHRASE, next: 'une toute nouvelle phrase' });
    expect(changed).toMatchObject({ ok: true });
    await client.desk.session.lock({});
    expect(await client.desk.session.unlock({ profileId, passphrase: TEST_PASSPHRASE })).toMatchObject({
      ok: false,
      error: { code: 'wrong_passphrase' },
    });
    expect(await client.desk.session.unlock({ profileId, passphrase: 'une toute nouvelle phrase' })).toMatchObject({ ok: true });
    expect(client.sessions.require().store.resources.search('hydrocolloïde', 5, 'Task')).toHaveLength(1);
  });

  it('refuses a too-short new passphrase, naming the field', async () => {
    expect(await client.desk.session.changePassphrase({ current: 'une toute nouvelle phrase', next: 'court' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', field: 'next' },
    });
  });
});
