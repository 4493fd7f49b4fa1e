/**
 * Threat: a second-person check shown as verified when the second person never confirmed it (issue 11: "a
 * second person's check recorded as asserted and countersigned later, never shown as verified before"). The
 * nurse who gave the dose could write the check as countersigned in her colleague's name. Now only the named
 * second person countersigns, in a version they write themselves.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MedicationRequest } from 'fhir/r4';
import { SECOND_CHECK_URL, administrationOf, secondCheckOf } from '../../../src-shared/domain/care';
import { startTestPlatform, type TestPlatform } from '../platform/platform-harness';
import { diagnostics, must } from './care-harness';

let env: TestPlatform;
let nurse: string;
let gp: string;
let request: MedicationRequest;

beforeAll(async () => {
  env = await startTestPlatform({ seed: 'none' });
  [nurse, gp] = await Promise.all([env.login('nurse'), env.login('gp')]);
  request = await must(env, gp, 'PUT', '/fhir/MedicationRequest/mr-insulin', {
    resourceType: 'MedicationRequest',
    id: 'mr-insulin',
    status: 'active',
    intent: 'order',
    subject: { reference: 'Patient/demo-patient' },
    medicationCodeableConcept: { text: 'Insuline glargine 20 UI' },
    dosageInstruction: [{ timing: { repeat: { timeOfDay: ['20:00:00'] } } }],
  });
});
afterAll(() => env?.stop());

const countersigned = (admin: ReturnType<typeof administrationOf>) => {
  const copy = structuredClone(admin);
  copy.performer![1]!.extension = [{ url: SECOND_CHECK_URL, valueCode: 'countersigned' }];
  return copy;
};

describe('a second-person check is countersigned by that person only', () => {
  it('the nurse cannot write her colleague’s countersignature; the colleague can, and only then is it verified', async () => {
    const asserted = administrationOf({
      request,
      scheduledAt: '2026-06-01T18:00:00Z',
      outcome: 'given',
      effective: '2026-06-01T20:02:00+02:00',
      performer: 'Practitioner/demo-nurse',
      checkedBy: 'Practitioner/demo-gp',
    });
    const forged = await env.request('PUT', `/fhir/MedicationAdministration/${asserted.id}`, {
      token: nurse,
      body: countersigned(asserted),
    });
    expect(forged.status).toBe(403);
    expect(diagnostics(forged)).toMatch(/only Practitioner\/demo-gp countersigns/);

    const stored = await must(env, nurse, 'PUT', `/fhir/MedicationAdministration/${asserted.id}`, asserted);
    expect(secondCheckOf(stored).state).toBe('asserted');
    const forgedLater = await env.request('PUT', `/fhir/MedicationAdministration/${asserted.id}`, {
      token: nurse,
      body: countersigned(stored),
      headers: { 'If-Match': 'W/"1"' },
    });
    expect(forgedLater.status).toBe(403);

    const signed = await env.request('PUT', `/fhir/MedicationAdministration/${asserted.id}`, {
      token: gp,
      body: countersigned(stored),
      headers: { 'If-Match': 'W/"1"' },
    });
    expect(signed.status).toBe(200);
    expect(secondCheckOf(signed.json).state).toBe('countersigned');
  });
});
