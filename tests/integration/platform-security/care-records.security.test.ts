/**
 * Threat: any professional, secretaries included, read any patient's non-DSP clinical data (an
 * Observation about the demo patient was readable by everyone logged in). ARCHITECTURE §5 care
 * records: the care relationship reads and writes; staff without a care mandate see the schedule
 * only; everyone else 403, audited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../platform/platform-harness';

let env: TestPlatform;
let nurse: string;
let secretary: string;
let specialist: string;
let holder: string;
let observationId: string;

beforeAll(async () => {
  env = await startTestPlatform({ patients: 5, docsPerPatient: 1 });
  [nurse, secretary, specialist, holder] = await Promise.all([
    env.login('nurse'),
    env.login('secretary'),
    env.login('specialist'),
    env.login('patient'),
  ]);
  const created = await env.request('POST', '/fhir/Observation', {
    token: nurse,
    body: {
      resourceType: 'Observation',
      status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
      subject: { reference: 'Patient/demo-patient' },
      valueQuantity: { value: 72, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
    },
  });
  expect(created.status).toBe(201);
  observationId = created.json.id;
});
afterAll(async () => env?.stop());

describe('care records follow the care relationship', () => {
  it.each([['secretary'], ['specialist']])('a %s without a care relationship reads and finds nothing', async (who) => {
    const token = who === 'secretary' ? secretary : specialist;
    expect((await env.request('GET', `/fhir/Observation/${observationId}`, { token })).status).toBe(403);
    const search = await env.request('GET', '/fhir/Observation?patient=Patient/demo-patient', { token });
    expect(search.json.entry ?? []).toEqual([]);
    const feed = await env.request('GET', '/fhir/$changes?_count=1000', { token });
    expect(JSON.stringify(feed.json)).not.toContain(observationId);
  });

  it('the nurse of the managing organisation reads it, and the refusals are in the patient’s access log', async () => {
    expect((await env.request('GET', `/fhir/Observation/${observationId}`, { token: nurse })).status).toBe(200);
    const log = await env.request('GET', '/fhir/Patient/demo-patient/$access-log?_count=1000', { token: holder });
    const refusals = (log.json.entry ?? []).filter(
      (e: { resource: { outcome: string; agent: Array<{ who?: { reference?: string } }> } }) =>
        e.resource.outcome === '4' && e.resource.agent.some((a) => a.who?.reference === 'Practitioner/demo-secretary'),
    );
    expect(refusals.length).toBeGreaterThan(0);
  });
});
