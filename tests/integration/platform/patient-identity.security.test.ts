/**
 * Threat (issue 9): a second Patient with an existing matricule and a look-alike name was accepted, so
 * documents and messages could be filed under a spoofed identity. A matricule names one patient: a
 * second holder is a 409 naming the first. A name that only looks like another patient's (Cyrillic or
 * Greek letters, fullwidth forms) is written, with a warning in the OperationOutcome.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LU_MATRICULE_SYSTEM } from '../../../src-shared/domain/fhir-sync';
import { makeMatricule } from '../../../src-shared/domain/matricule';
import { DEMO_PATIENT_MATRICULE } from '../../../src-main/platform/seed/demo-accounts';
import { startTestPlatform, type TestPlatform } from './platform-harness';

let env: TestPlatform;
let token: string;
let demo: fhir4.Patient;

beforeAll(async () => {
  env = await startTestPlatform({ seed: 'none' });
  token = await env.login('gp');
  demo = (await env.request('GET', '/fhir/Patient/demo-patient', { token })).json;
});
afterAll(async () => env?.stop());

const patient = (name: fhir4.HumanName, birthDate: string, matricule?: string): fhir4.Patient => ({
  resourceType: 'Patient',
  name: [name],
  birthDate,
  ...(matricule ? { identifier: [{ system: LU_MATRICULE_SYSTEM, value: matricule }] } : {}),
});

describe('the matricule names one patient', () => {
  it("a second Patient with the demo patient's matricule is a 409 naming Patient/demo-patient, and nothing is written", async () => {
    const before = await env.platform.fingerprint();
    const answer = await env.request('POST', '/fhir/Patient', {
      token,
      body: patient({ family: 'Someone', given: ['Else'] }, '1966-03-13', DEMO_PATIENT_MATRICULE),
    });
    expect(answer.status).toBe(409);
    expect(answer.json.issue[0].diagnostics).toBe(
      `Patient.identifier[0].value: matricule "${DEMO_PATIENT_MATRICULE}" already belongs to Patient/demo-patient (a matricule is unique among patients)`,
    );
    expect(await env.platform.fingerprint()).toEqual(before);
  });

  it("an update may keep its own matricule, but not take another patient's", async () => {
    const own = makeMatricule(1980, 6, 15, 412);
    const created = await env.request('POST', '/fhir/Patient', {
      token,
      body: patient({ family: 'Hoffmann' }, '1980-06-15', own),
    });
    expect(created.status).toBe(201);
    const id = created.json.id as string;
    const kept = await env.request('PUT', `/fhir/Patient/${id}`, {
      token,
      body: { ...created.json, gender: 'female' },
      headers: { 'If-Match': 'W/"1"' },
    });
    expect(kept.status).toBe(200);
    const taken = await env.request('PUT', `/fhir/Patient/${id}`, {
      token,
      body: { ...kept.json, identifier: [{ system: LU_MATRICULE_SYSTEM, value: DEMO_PATIENT_MATRICULE }] },
      headers: { 'If-Match': 'W/"2"' },
    });
    expect(taken.status).toBe(409);
    expect(taken.json.issue[0].diagnostics).toContain('already belongs to Patient/demo-patient');
  });
});

describe('look-alike names', () => {
  it('a name spelled with Cyrillic letters that looks like an existing patient is written with a warning naming that patient', async () => {
    const original = demo.name![0]!;
    const family = original.family!.replace(/e/g, 'е').replace(/a/g, 'а'); // Cyrillic е and а
    const given = original.given!.map((g) => g.replace(/o/g, 'ο').replace(/a/g, 'а')); // Greek ο, Cyrillic а
    expect(`${family} ${given.join(' ')}`).not.toBe(`${original.family} ${original.given!.join(' ')}`);
    const answer = await env.request('POST', '/fhir/Patient', { token, body: patient({ family, given }, '2001-01-01') });
    expect(answer.status).toBe(201);
    expect(answer.headers.get('location')).toMatch(/\/fhir\/Patient\/[^/]+\/_history\/1$/);
    expect(answer.json.resourceType).toBe('OperationOutcome');
    const warning = answer.json.issue.find((i: { severity: string }) => i.severity === 'warning');
    expect(warning.code).toBe('duplicate');
    expect(warning.expression).toEqual(['Patient.name[0]']);
    expect(warning.diagnostics).toContain('of Patient/demo-patient (same Unicode confusable skeleton)');
  });

  it('fullwidth and case variants with the same birth date are flagged too', async () => {
    const original = demo.name![0]!;
    const family = [...original.family!.toUpperCase()].map((c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).join('');
    const answer = await env.request('POST', '/fhir/Patient', {
      token,
      body: patient({ family, given: original.given! }, demo.birthDate!),
    });
    expect(answer.status).toBe(201);
    expect(JSON.stringify(answer.json)).toContain('looks like');
  });

  it('a different name, or the very same spelling (a homonym), is written without warning', async () => {
    for (const name of [{ family: 'Schmit', given: ['Paul'] }, demo.name![0]!]) {
      const answer = await env.request('POST', '/fhir/Patient', { token, body: patient(name, '1999-09-09') });
      expect(answer.status).toBe(201);
      expect(answer.json.resourceType).toBe('Patient');
    }
  });

  it('in a transaction the warning is the entry outcome', async () => {
    const original = demo.name![0]!;
    const answer = await env.request('POST', '/fhir', {
      token,
      body: {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          {
            resource: patient({ ...original, family: original.family!.replace(/e/g, 'е') }, '2002-02-02'),
            request: { method: 'POST', url: 'Patient' },
          },
        ],
      },
    });
    expect(answer.status).toBe(200);
    expect(answer.json.entry[0].response.outcome.issue[0].diagnostics).toContain('Patient/demo-patient');
  });
});
