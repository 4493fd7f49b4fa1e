/**
 * Threat: a professional who no longer cares for a patient keeps the patient's care records in their cache
 * (ARCHITECTURE §5: "when the episode ends or the membership lapses, the next sync purges that patient's care
 * records"). `$changes` sent nothing when the episode ended, so the laptop kept every measurement.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REVOKED_EXTENSION_URL } from '../../../src-shared/domain/fhir-sync';
import { startTestPlatform, type TestPlatform } from '../platform/platform-harness';
import { must, pull, pulseOf, urlsOf, type Json } from './care-harness';

let env: TestPlatform;
let nurse: string;
let gp: string;

beforeAll(async () => {
  env = await startTestPlatform({ seed: 'none' });
  [nurse, gp] = await Promise.all([env.login('nurse'), env.login('gp')]);
});
afterAll(() => env?.stop());

describe('losing the care relationship purges at the next sync', () => {
  it('a finished episode of care sends the nurse a revocation for each care record of the patient, then reads are refused', async () => {
    // demo.nurse cares for the demo patient through the home-care network's episode (seeded in every data directory).
    const mine = await must(env, nurse, 'POST', '/fhir/Observation', pulseOf('Patient/demo-patient', 80));
    const gps = await must(env, gp, 'POST', '/fhir/Observation', pulseOf('Patient/demo-patient', 64));
    const first = await pull(env, nurse);
    expect(urlsOf(first.entries, 'PUT', 'Observation')).toEqual([`Observation/${mine.id}`, `Observation/${gps.id}`].sort());

    const episode = await must(env, nurse, 'GET', '/fhir/EpisodeOfCare/episode-demo-patient-homecare');
    await must(
      env,
      nurse,
      'PUT',
      '/fhir/EpisodeOfCare/episode-demo-patient-homecare',
      { ...episode, status: 'finished', period: { ...episode.period, end: new Date().toISOString() } },
      {
        'If-Match': `W/"${episode.meta.versionId}"`,
      },
    );

    const next = await pull(env, nurse, first.cursor);
    const revoked = next.entries.filter((e: Json) => e.request.method === 'DELETE' && e.request.url.startsWith('Observation/'));
    expect(revoked.map((e: Json) => e.request.url).sort()).toEqual([`Observation/${mine.id}`, `Observation/${gps.id}`].sort());
    for (const entry of revoked) expect(entry.extension).toEqual([{ url: REVOKED_EXTENSION_URL, valueCode: 'revoked' }]);
    expect((await env.request('GET', `/fhir/Observation/${gps.id}`, { token: nurse })).status).toBe(403);
    // Said once: the page after does not repeat it.
    expect(urlsOf((await pull(env, nurse, next.cursor)).entries, 'DELETE', 'Observation')).toEqual([]);
  });

  it('a care-team membership that ends sends the GP the same revocations', async () => {
    const obs = await must(env, nurse, 'POST', '/fhir/Observation', pulseOf('Patient/demo-patient', 70)).catch(() => undefined);
    // The episode ended above: the GP (care team) writes the record himself.
    const record = obs ?? (await must(env, gp, 'POST', '/fhir/Observation', pulseOf('Patient/demo-patient', 70)));
    const first = await pull(env, gp);
    expect(urlsOf(first.entries, 'PUT', 'Observation')).toContain(`Observation/${record.id}`);
    const team = await must(env, gp, 'GET', '/fhir/CareTeam/careteam-demo-patient');
    const ended = new Date(Date.now() - 1000).toISOString();
    await must(
      env,
      gp,
      'PUT',
      '/fhir/CareTeam/careteam-demo-patient',
      { ...team, participant: team.participant.map((p: Json) => ({ ...p, period: { ...p.period, end: ended } })) },
      { 'If-Match': `W/"${team.meta.versionId}"` },
    );
    const next = await pull(env, gp, first.cursor);
    expect(urlsOf(next.entries, 'DELETE', 'Observation')).toContain(`Observation/${record.id}`);
  });
});
