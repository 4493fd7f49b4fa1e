/**
 * Threat: any professional rewriting the directory. demo.secretary added a PractitionerRole tying
 * herself to the home-care team's organisation (201), `$members` then listed her and the team's mail
 * was encrypted to her; `PUT /fhir/Practitioner/demo-gp` by another user renamed a colleague (200).
 * ARCHITECTURE §5 Directory: own records only; membership granted by the organisation's administrator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type Json, type TestPlatform } from '../platform/platform-harness';

let env: TestPlatform;
let secretary: string;
let admin: string;
let gp: string;

const MAILBOX = 'Organization/demo-org-homecare-nursing';
const membership = (practitioner: string) => ({
  resourceType: 'PractitionerRole',
  active: true,
  practitioner: { reference: practitioner },
  organization: { reference: MAILBOX },
  code: [{ coding: [{ system: 'https://esante.lu/fhir/CodeSystem/desk-role', code: 'nurse' }] }],
});

async function members(token: string): Promise<string[]> {
  const answer = await env.request('GET', `/fhir/${MAILBOX}/$members`, { token });
  expect(answer.status).toBe(200);
  return (answer.json.entry ?? []).map((e: Json) => `Practitioner/${e.resource.id}`);
}

beforeAll(async () => {
  env = await startTestPlatform({ patients: 5, docsPerPatient: 1 });
  [secretary, admin, gp] = await Promise.all([env.login('secretary'), env.login('facility-admin'), env.login('gp')]);
});
afterAll(async () => env?.stop());

describe('the directory belongs to its owners', () => {
  it('a professional cannot make herself a member of another organisation’s mailbox', async () => {
    const answer = await env.request('POST', '/fhir/PractitionerRole', {
      token: secretary,
      body: membership('Practitioner/demo-secretary'),
    });
    expect(answer.status).toBe(403);
    expect(await members(secretary)).not.toContain('Practitioner/demo-secretary');
  });

  it('the organisation’s administrator grants that membership, and withdraws it', async () => {
    const granted = await env.request('POST', '/fhir/PractitionerRole', {
      token: admin,
      body: membership('Practitioner/demo-secretary'),
    });
    expect(granted.status).toBe(201);
    expect(await members(admin)).toContain('Practitioner/demo-secretary');
    const withdrawn = await env.request('PUT', `/fhir/PractitionerRole/${granted.json.id}`, {
      token: admin,
      body: { ...granted.json, active: false },
      headers: { 'if-match': granted.headers.get('etag')! },
    });
    expect(withdrawn.status).toBe(200);
    expect(await members(admin)).not.toContain('Practitioner/demo-secretary');
  });

  it('nobody but its owner changes a Practitioner record', async () => {
    const current = await env.request('GET', '/fhir/Practitioner/demo-gp', { token: secretary });
    expect(current.status).toBe(200);
    const renamed = { ...current.json, name: [{ family: 'Impostor', given: ['Eve'] }] };
    const headers = { 'if-match': current.headers.get('etag')! };
    const byOther = await env.request('PUT', '/fhir/Practitioner/demo-gp', { token: secretary, body: renamed, headers });
    expect(byOther.status).toBe(403);
    expect((await env.request('GET', '/fhir/Practitioner/demo-gp', { token: gp })).json.name[0].family).not.toBe('Impostor');
    const byOwner = await env.request('PUT', '/fhir/Practitioner/demo-gp', {
      token: gp,
      body: { ...current.json, telecom: [{ system: 'phone', value: '+352 20 00 00 01' }] },
      headers,
    });
    expect(byOwner.status).toBe(200);
  });
});
