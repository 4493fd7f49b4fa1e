import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ProfileDirectory } from '../../../src-main/core/profiles/index';
import { FAST_SCRYPT, removeTempDirs, tempDir } from '../../unit/keys/test-keys';
import { patient } from '../../unit/store/test-store';

const PASSPHRASE = 'Luxembourg 2025 passphrase';
/** Clinical strings that must never appear in the clear on disk. */
const SECRETS = ['Schmitz-Hoffmann', 'Marie-Thérèse', 'Suspicion de carcinome pulmonaire', 'Metformine 850 mg'];

function leaksIn(path: string): string[] {
  if (!existsSync(path)) return [];
  const bytes = readFileSync(path);
  return SECRETS.flatMap((secret) =>
    [
      ['utf8', Buffer.from(secret, 'utf8')],
      ['utf16le', Buffer.from(secret, 'utf16le')],
      ['utf16be', Buffer.from(secret, 'utf16le').swap16()],
    ]
      .filter(([, needle]) => bytes.includes(needle as Buffer))
      .map(([encoding]) => `${secret} (${encoding as string})`),
  );
}

afterEach(removeTempDirs);

describe('the cache on disk is encrypted', () => {
  it('no clinical text appears in cache.db or cache.db-wal, while open or after closing, and it all comes back with the passphrase', async () => {
    const dataDir = tempDir();
    const profiles = new ProfileDirectory({ dataDir, scrypt: FAST_SCRYPT });
    const { id } = await profiles.create('Dr Test', PASSPHRASE);
    const dbPath = join(profiles.profileDir(id), 'cache.db');

    const { store } = await profiles.unlock(id, PASSPHRASE);
    store.transaction(() => {
      store.resources.upsert(patient('p1', 1, 'Schmitz-Hoffmann', 'Marie-Thérèse'));
      const note = {
        resourceType: 'Observation',
        id: 'n1',
        meta: { versionId: '0', lastUpdated: '2025-03-01T08:00:00Z' },
        note: [{ text: 'Suspicion de carcinome pulmonaire' }],
      };
      store.resources.saveLocal(note);
      store.outbox.enqueue({ entityKey: 'Observation/n1', method: 'POST', url: 'Observation', body: note });
      store.quarantine.add({
        opId: '3f0c9c4e-2f39-4d7e-9d0a-0b8f7e2d1c11',
        entityKey: 'MedicationStatement/m1',
        local: { text: 'Metformine 850 mg' },
        reason: 'precondition failed (412)',
      });
    });

    // While open, the writes sit in the WAL: it must be non-empty and still opaque.
    expect(statSync(`${dbPath}-wal`).size).toBeGreaterThan(0);
    expect(leaksIn(`${dbPath}-wal`)).toEqual([]);
    expect(leaksIn(dbPath)).toEqual([]);
    profiles.lock(id);

    expect(readFileSync(dbPath).subarray(0, 16).toString('latin1')).not.toBe('SQLite format 3\0');
    expect(leaksIn(dbPath)).toEqual([]);
    expect(leaksIn(`${dbPath}-wal`)).toEqual([]);
    for (const file of ['key.json', '../../profiles.json']) expect(leaksIn(join(profiles.profileDir(id), file))).toEqual([]);

    const reopened = (await profiles.unlock(id, PASSPHRASE)).store;
    expect(reopened.resources.search('Schmitz').map((r) => r.id)).toEqual(['p1']);
    expect(reopened.resources.get('Observation', 'n1')?.resource).toMatchObject({
      note: [{ text: 'Suspicion de carcinome pulmonaire' }],
    });
    expect(reopened.outbox.countUnacked()).toBe(1);
    expect(reopened.quarantine.list()[0]?.local).toEqual({ text: 'Metformine 850 mg' });
    profiles.lock(id);
  });

  it('the leak detector does find plaintext (so the checks above can fail)', async () => {
    const dataDir = tempDir();
    const plainPath = join(dataDir, 'plain.txt');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(plainPath, Buffer.concat([Buffer.from(SECRETS[0]!, 'utf16le'), Buffer.from(SECRETS[1]!)]));
    expect(leaksIn(plainPath)).toEqual(['Schmitz-Hoffmann (utf16le)', 'Marie-Thérèse (utf8)']);
  });
});
