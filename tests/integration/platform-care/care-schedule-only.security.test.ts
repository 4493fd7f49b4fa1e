/**
 * Threat: staff without a care mandate read clinical content through the schedule (ARCHITECTURE §5: "staff
 * without a care mandate at that organisation see the schedule (who, when, where) and no clinical content").
 * An Encounter or Appointment carrying its reason, diagnosis or a note reached the facility administrator whole.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../platform/platform-harness';
import { must, pull, type Json } from './care-harness';

let env: TestPlatform;
let nurse: string;
let admin: string;
let plain: Json;
let clinical: Json;
const SECRET = 'douleur thoracique irradiant au bras gauche';

beforeAll(async () => {
  env = await startTestPlatform({ seed: 'none' });
  [nurse, admin] = await Promise.all([env.login('nurse'), env.login('facility-admin')]);
  // demo.admin works at the day centre (no care mandate): an episode there makes him schedule-only staff for the patient.
  await must(env, admin, 'POST', '/fhir/EpisodeOfCare', {
    resourceType: 'EpisodeOfCare',
    status: 'active',
    patient: { reference: 'Patient/demo-patient' },
    managingOrganization: { reference: 'Organization/demo-org-daycentre' },
    period: { start: '2026-01-01' },
  });
  const visit = {
    resourceType: 'Encounter',
    status: 'planned',
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'HH' },
    subject: { reference: 'Patient/demo-patient' },
    period: { start: new Date(Date.now() + 86_400_000).toISOString() },
  };
  plain = await must(env, nurse, 'POST', '/fhir/Encounter', visit);
  clinical = await must(env, nurse, 'POST', '/fhir/Encounter', { ...visit, reasonCode: [{ text: SECRET }] });
});
afterAll(() => env?.stop());

describe('schedule-only staff see who, when and where, never why', () => {
  it('the plain visit is readable, the one carrying its clinical reason is not, on read, search and $changes', async () => {
    expect((await env.request('GET', `/fhir/Encounter/${plain.id}`, { token: admin })).status).toBe(200);
    const read = await env.request('GET', `/fhir/Encounter/${clinical.id}`, { token: admin });
    expect(read.status).toBe(403);
    const search = await env.request('GET', '/fhir/Encounter?patient=Patient/demo-patient', { token: admin });
    expect(search.status).toBe(200);
    const feed = await pull(env, admin);
    for (const body of [read.json, search.json, feed.entries]) expect(JSON.stringify(body)).not.toContain(SECRET);
    expect(JSON.stringify(search.json)).toContain(plain.id);
  });

  it('no vital sign reaches them either', async () => {
    const obs = await must(env, nurse, 'POST', '/fhir/Observation', {
      resourceType: 'Observation',
      status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
      subject: { reference: 'Patient/demo-patient' },
      valueQuantity: { value: 131, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
    });
    expect((await env.request('GET', `/fhir/Observation/${obs.id}`, { token: admin })).status).toBe(403);
    expect(JSON.stringify((await pull(env, admin)).entries)).not.toContain(obs.id);
  });
});
