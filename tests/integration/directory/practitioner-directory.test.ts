import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../../src-main/core';
import { createTestClient, loginAs, syncNow } from '../../fixtures/test-client';
import { startTestPlatform, type TestPlatform } from '../../fixtures/test-platform';

// Issue 15, item 7: the professional directory filters by profession, specialty, locality and organisation,
// online through the platform's search and offline from the cache (marked), and opens a card.
let platform: TestPlatform;
let gp: Core;

beforeAll(async () => {
  platform = await startTestPlatform({ seed: 'demo' });
  // The nurse logs in once, which publishes her messaging key.
  const nurse = createTestClient(platform.url);
  await loginAs(nurse, 'nurse');
  await syncNow(nurse);
  await nurse.close();
  gp = createTestClient(platform.url);
  await loginAs(gp, 'gp');
  await syncNow(gp);
});
afterAll(async () => {
  await gp?.close();
  await platform?.stop();
});

async function search(criteria: Parameters<Core['desk']['directory']['searchPractitioners']>[0]) {
  const result = await gp.desk.directory.searchPractitioners(criteria);
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.value;
}

describe('the professional directory', () => {
  it('finds the nurses of Ettelbruck with two filters, online', async () => {
    const found = await search({ profession: 'nurse', city: 'Ettelbruck' });
    expect(found.fromCache).toBe(false);
    expect(found.results.length).toBeGreaterThan(0);
    expect(found.results.map((r) => r.name)).toContain('Marie Hoffmann');
    for (const hit of found.results) expect(hit).toMatchObject({ profession: 'nurse', city: 'Ettelbruck' });
  });

  it('filters by specialty and by organisation, which the facets offer', async () => {
    const facets = await gp.desk.directory.facets({});
    if (!facets.ok) throw new Error(JSON.stringify(facets.error));
    expect(facets.value.specialties.map((s) => s.code)).toContain('cardiology');
    expect(facets.value.organizations.map((o) => o.id)).toContain('demo-org-practice');

    const cardiologists = await search({ specialty: 'cardiology' });
    expect(cardiologists.results.map((r) => r.name)).toContain('Dr Anne Schmit');
    expect(cardiologists.results.every((r) => r.profession === 'specialist')).toBe(true);
    const atThePractice = await search({ organization: 'demo-org-practice' });
    expect(atThePractice.results.map((r) => r.name)).toContain('Dr Claude Weber');
    expect(atThePractice.results.every((r) => r.organization === 'Cabinet médical Weber')).toBe(true);
  });

  it('opens a card with address, organisation, roles and the published key’s fingerprint', async () => {
    const [nurse] = (await search({ text: 'Marie Hoffmann', city: 'Ettelbruck' })).results;
    const card = await gp.desk.directory.practitioner({ id: nurse!.id });
    expect(card).toMatchObject({ ok: true, value: { reference: `Practitioner/${nurse!.id}`, city: 'Ettelbruck' } });
    if (!card.ok) return;
    expect(card.value.address).toMatch(/Ettelbruck/);
    expect(card.value.roles.some((r) => r.profession === 'nurse' && r.organization !== null)).toBe(true);
    expect(card.value.keyFingerprint).toMatch(/^[0-9A-F]{40}$/);
  });

  it('offline, answers the same filters from the cache and says so', async () => {
    const online = await search({ profession: 'nurse', city: 'Ettelbruck' });
    const port = platform.port;
    await platform.stop();
    const offline = await search({ profession: 'nurse', city: 'ettel' });
    expect(offline.fromCache).toBe(true);
    expect(offline.results.map((r) => r.id)).toEqual(online.results.map((r) => r.id));
    platform = await startTestPlatform({ dataDir: platform.dataDir, port });
  });

  it('refuses a search without any criterion, naming the field and the rule', async () => {
    expect(await gp.desk.directory.searchPractitioners({})).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', field: 'text', message: 'text: at least one criterion' },
    });
    expect(await gp.desk.directory.searchPractitioners({ specialty: 'Cardio logy' })).toMatchObject({
      ok: false,
      error: { field: 'specialty' },
    });
  });
});
