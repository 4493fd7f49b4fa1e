import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../../src-main/core';
import { createTestClient, loginAs, syncNow } from '../../fixtures/test-client';
import { startTestPlatform, type TestPlatform } from '../../fixtures/test-platform';

// Issue 15 item 7: every patient a professional may list comes with their name — also the patients of
// DSPs the GP only authored in, whose records the feed does not bring.
let platform: TestPlatform;
let gp: Core;

async function patients() {
  const listed = await gp.desk.dsp.patients({});
  if (!listed.ok) throw new Error(JSON.stringify(listed.error));
  return listed.value;
}

beforeAll(async () => {
  platform = await startTestPlatform({ seed: 'demo' });
  gp = createTestClient(platform.url);
  await loginAs(gp, 'gp');
});
afterAll(async () => {
  await gp?.close();
  await platform?.stop().catch(() => {});
});

describe('"Mes patients" by name', () => {
  it('after the first sync, every patient listed has a name and a matricule, authored-only DSPs too', async () => {
    await syncNow(gp);
    const list = await patients();
    const authoredOnly = list.filter((p) => p.access.every((a) => a.kind === 'author'));
    expect(authoredOnly.length).toBeGreaterThan(0);
    for (const patient of list) {
      expect(patient.name, patient.id).not.toBe(patient.id);
      expect(patient.name).not.toMatch(/pat-\d/);
      expect(patient.matricule, patient.id).toMatch(/^\d{13}$/);
    }
  });

  it('the names stay in the cache offline, and a sync offline fails as offline, not on the names', async () => {
    await platform.stop();
    const status = await gp.desk.sync.now({});
    expect(status.ok && status.value.connectivity).toBe('offline');
    expect((await patients()).every((p) => p.name !== p.id)).toBe(true);
  });
});
