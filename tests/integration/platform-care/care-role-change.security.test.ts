/**
 * Threat: a professional whose role changes from one with a care mandate to one without (nurse → secretary, in the
 * directory's PractitionerRole) over the same patients keeps reading and caching their clinical records: the care
 * relationship (the network's episode) did not change, so nothing was revoked and reads still answered 200.
 * And she must not give the mandate back to herself: a role's code is the administrator's to change.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESK_ROLE_SYSTEM } from '../../../src-shared/domain/directory';
import { startTestPlatform, type TestPlatform } from '../platform/platform-harness';
import { must, pull, pulseOf, urlsOf, type Json } from './care-harness';

let env: TestPlatform;
let nurse: string;
let admin: string;

beforeAll(async () => {
  env = await startTestPlatform({ seed: 'none' });
  [nurse, admin] = await Promise.all([env.login('nurse'), env.loginAs('demo.admin')]);
});
afterAll(() => env?.stop());

const withCode = (role: Json, code: string): Json => ({
  ...role,
  code: [{ coding: [{ system: DESK_ROLE_SYSTEM, code, display: code }] }],
});

describe('a role that loses the care mandate', () => {
  it('nurse → secretary at the same organisation: the next $changes revokes the clinical records, keeps the schedule, and reads are refused', async () => {
    // demo.nurse cares for the demo patient through the home-care network's episode (her PractitionerRole there).
    const pulse = await must(env, nurse, 'POST', '/fhir/Observation', pulseOf('Patient/demo-patient', 80));
    const first = await pull(env, nurse);
    expect(urlsOf(first.entries, 'PUT', 'Observation')).toContain(`Observation/${pulse.id}`);
    expect(urlsOf(first.entries, 'PUT', 'EpisodeOfCare')).toContain('EpisodeOfCare/episode-demo-patient-homecare');

    // The network's administrator makes her a secretary; her account and her token still say nurse.
    const role = await must(env, admin, 'GET', '/fhir/PractitionerRole/role-demo-nurse');
    await must(env, admin, 'PUT', '/fhir/PractitionerRole/role-demo-nurse', withCode(role, 'secretary'), {
      'If-Match': `W/"${role.meta.versionId}"`,
    });

    const next = await pull(env, nurse, first.cursor);
    expect(urlsOf(next.entries, 'DELETE', 'Observation')).toContain(`Observation/${pulse.id}`);
    // The schedule stays hers: the episode (who, when, where) is not revoked.
    expect(urlsOf(next.entries, 'DELETE', 'EpisodeOfCare')).toEqual([]);
    expect((await env.request('GET', `/fhir/Observation/${pulse.id}`, { token: nurse })).status).toBe(403);
    expect((await env.request('POST', '/fhir/Observation', { token: nurse, body: pulseOf('Patient/demo-patient') })).status).toBe(
      403,
    );
    expect((await env.request('GET', '/fhir/EpisodeOfCare/episode-demo-patient-homecare', { token: nurse })).status).toBe(200);
    // Said once.
    expect(urlsOf((await pull(env, nurse, next.cursor)).entries, 'DELETE', 'Observation')).toEqual([]);
  });

  it('she cannot give the care mandate back to herself by editing her own role', async () => {
    const role = await must(env, nurse, 'GET', '/fhir/PractitionerRole/role-demo-nurse');
    const back = await env.request('PUT', '/fhir/PractitionerRole/role-demo-nurse', {
      token: nurse,
      body: withCode(role, 'nurse'),
      headers: { 'If-Match': `W/"${role.meta.versionId}"` },
    });
    expect(back.status).toBe(403);
  });
});
