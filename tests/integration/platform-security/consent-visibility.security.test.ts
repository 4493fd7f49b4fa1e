/**
 * Threat: every professional role, secretaries included, read every Consent — every patient's
 * référent, trust circle and presence grants. ARCHITECTURE §5: a Consent is readable by the holder,
 * the holder's DSP assistant and the professional it names, on every way in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type Json, type TestPlatform } from '../platform/platform-harness';

let env: TestPlatform;
let secretary: string;
let specialist: string;
let gp: string;
let holder: string;
let referentConsent: string;

beforeAll(async () => {
  env = await startTestPlatform({ patients: 5, docsPerPatient: 1 });
  [secretary, specialist, gp, holder] = await Promise.all([
    env.login('secretary'),
    env.login('specialist'),
    env.login('gp'),
    env.login('patient'),
  ]);
  const own = await env.request('GET', '/fhir/Consent?patient=Patient/demo-patient', { token: holder });
  expect(own.status).toBe(200);
  referentConsent = own.json.entry
    .map((e: Json) => e.resource)
    .find((c: Json) => c.provision?.actor?.[0]?.reference?.reference === 'Practitioner/demo-gp').id;
});
afterAll(async () => env?.stop());

describe('a DSP right is seen by those it concerns only', () => {
  it.each([['secretary'], ['specialist']])('a %s reads no other patient’s Consent', async (who) => {
    const token = who === 'secretary' ? secretary : specialist;
    expect((await env.request('GET', `/fhir/Consent/${referentConsent}`, { token })).status).toBe(403);
    const search = await env.request('GET', '/fhir/Consent?patient=Patient/demo-patient', { token });
    expect(search.status).toBe(200);
    expect(search.json.entry ?? []).toEqual([]);
    const all = await env.request('GET', '/fhir/Consent?_count=500', { token });
    expect((all.json.entry ?? []).filter((e: Json) => e.resource.patient?.reference === 'Patient/demo-patient')).toEqual([]);
  });

  it('the professional a right names reads it, and so does the holder', async () => {
    expect((await env.request('GET', `/fhir/Consent/${referentConsent}`, { token: gp })).status).toBe(200);
    expect((await env.request('GET', `/fhir/Consent/${referentConsent}`, { token: holder })).status).toBe(200);
  });
});
