/**
 * The care relationship is looked up once per write unit (policy/write-unit-memo.ts: a Bundle of 100 records
 * asks it once, not 100 times), yet within one transaction an earlier entry may change it: an EpisodeOfCare
 * opened in entry 2 lets entry 3 write the patient's record, one ended in entry 2 refuses it. Entry 1 (a record of
 * another of the nurse's patients) makes the look-up before the change, so a value kept past the change is caught.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../platform/platform-harness';
import { diagnostics, must, pulseOf, type Json } from './care-harness';

let env: TestPlatform;
let nurse: string;

beforeAll(async () => {
  env = await startTestPlatform();
  nurse = await env.login('nurse');
});
afterAll(() => env?.stop());

const entry = (resource: Json, request: Json) => ({ fullUrl: `urn:uuid:${randomUUID()}`, resource, request });
const transaction = (entries: Json[]) =>
  env.request('POST', '/fhir', { token: nurse, body: { resourceType: 'Bundle', type: 'transaction', entry: entries } });

describe('one transaction: what an entry writes decides the entries after it', () => {
  it('an episode of care opened in the transaction lets its later entries write the patient’s records', async () => {
    // demo.nurse (Nordstad home-care network) has no relationship with a resident of the care home.
    const resident = 'Patient/ch-resident-1';
    expect((await env.request('POST', '/fhir/Observation', { token: nurse, body: pulseOf(resident) })).status).toBe(403);
    const episode = {
      resourceType: 'EpisodeOfCare',
      status: 'active',
      patient: { reference: resident },
      managingOrganization: { reference: 'Organization/demo-org-homecare' },
      period: { start: new Date(Date.now() - 60_000).toISOString() },
    };
    const result = await transaction([
      entry(pulseOf('Patient/hc-patient-1', 70), { method: 'POST', url: 'Observation' }),
      entry(episode, { method: 'POST', url: 'EpisodeOfCare' }),
      entry(pulseOf(resident, 74), { method: 'POST', url: 'Observation' }),
    ]);
    expect(result.status, diagnostics(result)).toBe(200);
    expect(result.json.entry.map((e: Json) => e.response.status)).toEqual(['201', '201', '201']);
  });

  it('an episode of care ended by an entry of a batch refuses the later entries for that patient', async () => {
    // A batch runs in the order sent (a transaction runs its updates after its creates), in the same write unit.
    const patient = 'Patient/hc-patient-2';
    const episodes = await must(env, nurse, 'GET', `/fhir/EpisodeOfCare?patient=${patient}&status=active`);
    expect(episodes.entry).toHaveLength(1);
    const episode = episodes.entry[0].resource as Json;
    const result = await env.request('POST', '/fhir', {
      token: nurse,
      body: {
        resourceType: 'Bundle',
        type: 'batch',
        entry: [
          entry(pulseOf(patient, 70), { method: 'POST', url: 'Observation' }),
          entry(
            { ...episode, status: 'finished', period: { ...episode.period, end: new Date(Date.now() - 1000).toISOString() } },
            { method: 'PUT', url: `EpisodeOfCare/${episode.id}`, ifMatch: `W/"${episode.meta.versionId}"` },
          ),
          entry(pulseOf(patient, 76), { method: 'POST', url: 'Observation' }),
        ],
      },
    });
    expect(result.status).toBe(200);
    const [first, ended, refused] = result.json.entry as Json[];
    expect([first.response.status, ended.response.status, refused.response.status]).toEqual(['201', '200', '403']);
    expect(JSON.stringify(refused.response.outcome)).toContain(`no care relationship with ${patient}`);
    // As a request of its own would be once the batch has committed.
    expect((await env.request('POST', '/fhir/Observation', { token: nurse, body: pulseOf(patient, 78) })).status).toBe(403);
  });
});
