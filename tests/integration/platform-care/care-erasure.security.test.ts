/**
 * Threat: a care record is erased or silently rewritten (ARCHITECTURE §5, issue 11 "a record is corrected by a new
 * version with a reason, never erased"): a DELETE made a nurse's measurement disappear, and a PUT replaced it
 * without a word of why. Now DELETE is refused naming the rule, and a correction is a new version that says why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORRECTION_REASON_URL } from '../../../src-shared/domain/care';
import { startTestPlatform, type TestPlatform } from '../platform/platform-harness';
import { diagnostics, must, pulseOf } from './care-harness';

let env: TestPlatform;
let nurse: string;

beforeAll(async () => {
  env = await startTestPlatform({ seed: 'none' });
  nurse = await env.login('nurse');
});
afterAll(() => env?.stop());

describe('care records are corrected, never erased', () => {
  it('DELETE of a measurement is refused naming the rule, and the measurement stays', async () => {
    const created = await must(env, nurse, 'POST', '/fhir/Observation', pulseOf('Patient/demo-patient'));
    const deleted = await env.request('DELETE', `/fhir/Observation/${created.id}`, { token: nurse });
    expect(deleted.status).toBe(405);
    expect(diagnostics(deleted)).toMatch(/never erased/);
    expect((await env.request('GET', `/fhir/Observation/${created.id}`, { token: nurse })).status).toBe(200);
  });

  it('a new version of a measurement without its reason is refused; with one it stands, and both versions remain', async () => {
    const created = await must(env, nurse, 'POST', '/fhir/Observation', pulseOf('Patient/demo-patient', 72));
    const silent = await env.request('PUT', `/fhir/Observation/${created.id}`, {
      token: nurse,
      body: { ...created, valueQuantity: { ...created.valueQuantity, value: 27 } },
      headers: { 'If-Match': 'W/"1"' },
    });
    expect(silent.status).toBe(422);
    expect(diagnostics(silent)).toContain(CORRECTION_REASON_URL);
    const corrected = await env.request('PUT', `/fhir/Observation/${created.id}`, {
      token: nurse,
      body: {
        ...created,
        valueQuantity: { ...created.valueQuantity, value: 77 },
        extension: [{ url: CORRECTION_REASON_URL, valueString: 'chiffres inversés à la saisie' }],
      },
      headers: { 'If-Match': 'W/"1"' },
    });
    expect(corrected.status).toBe(200);
    const history = await must(env, nurse, 'GET', `/fhir/Observation/${created.id}/_history`);
    expect(history.entry.map((e: { resource: { valueQuantity: { value: number } } }) => e.resource.valueQuantity.value)).toEqual([
      77, 72,
    ]);
  });
});
