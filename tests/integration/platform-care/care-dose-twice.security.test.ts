/**
 * Threat: a dose recorded (and so given) twice (issue 11 "two nurses recording the same 08:00 dose offline make
 * one administration and one conflict, never two doses"). Each nurse's client minted its own id, so the
 * platform stored two administrations of one scheduled dose. Now an administration's id must be the dose's
 * deterministic id, and a second record of it is a 409 naming the dose in clinical words.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MedicationRequest } from 'fhir/r4';
import { administrationOf, expandDoses } from '../../../src-shared/domain/care';
import { startTestPlatform, type TestPlatform } from '../platform/platform-harness';
import { diagnostics, must, type Json } from './care-harness';

let env: TestPlatform;
let nurse: string;
let gp: string;
let request: MedicationRequest;

beforeAll(async () => {
  env = await startTestPlatform({ seed: 'none' });
  [nurse, gp] = await Promise.all([env.login('nurse'), env.login('gp')]);
  // The GP (care team) and the nurse (home-care episode) both care for the demo patient.
  request = await must(env, gp, 'PUT', '/fhir/MedicationRequest/mr-dose-twice', {
    resourceType: 'MedicationRequest',
    id: 'mr-dose-twice',
    status: 'active',
    intent: 'order',
    subject: { reference: 'Patient/demo-patient' },
    medicationCodeableConcept: { text: 'Bisoprolol 5 mg' },
    dosageInstruction: [{ timing: { repeat: { timeOfDay: ['08:00:00'], boundsPeriod: { start: '2026-01-01T00:00:00Z' } } } }],
  });
});
afterAll(() => env?.stop());

describe('one scheduled dose, one administration', () => {
  it('two nurses recording the same 08:00 dose: the first stands, the second is a conflict naming the dose', async () => {
    const [dose] = expandDoses(request, new Date('2026-06-01T00:00:00Z'), new Date('2026-06-02T00:00:00Z'));
    const mine = administrationOf({
      request,
      scheduledAt: dose!.scheduledAt,
      outcome: 'given',
      effective: '2026-06-01T08:04:00+02:00',
      performer: 'Practitioner/demo-nurse',
    });
    const theirs = administrationOf({
      request,
      scheduledAt: dose!.scheduledAt,
      outcome: 'given',
      effective: '2026-06-01T08:10:00+02:00',
      performer: 'Practitioner/demo-gp',
    });
    expect(mine.id).toBe(theirs.id);
    const first = await env.request('PUT', `/fhir/MedicationAdministration/${mine.id}`, { token: nurse, body: mine });
    expect(first.status).toBe(201);
    const second = await env.request('PUT', `/fhir/MedicationAdministration/${theirs.id}`, { token: gp, body: theirs });
    expect(second.status).toBe(409);
    expect(diagnostics(second)).toMatch(/already recorded as given by Practitioner\/demo-nurse/);
    expect(diagnostics(second)).toContain('2026-06-01 08:00');
    // A client minting its own id (POST) cannot slip a second administration in either.
    const minted = await env.request('POST', '/fhir/MedicationAdministration', { token: gp, body: { ...theirs, id: undefined } });
    expect(minted.status).toBe(422);
    expect(diagnostics(minted)).toContain('MedicationAdministration.id');
    const all = await must(env, nurse, 'GET', '/fhir/MedicationAdministration?patient=Patient/demo-patient');
    expect((all.entry ?? []).map((e: Json) => e.resource.id)).toEqual([mine.id]);
  });
});
