/**
 * Threat (issue 9's, on a shared platform): two Patients with one matricule, written at the same moment
 * through two instances, each checking that nobody holds it before either commits — documents and
 * messages can then be filed under a duplicate identity. The second must be a 409 naming the first.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { LU_MATRICULE_SYSTEM } from '../../../src-shared/domain/fhir-sync';
import { makeMatricule } from '../../../src-shared/domain/matricule';
import type { TestPlatform } from '../platform/platform-harness';
import { startTwoInstances } from './two-instances-harness';

let a: TestPlatform;
let b: TestPlatform;

beforeAll(async () => {
  [a, b] = await startTwoInstances();
});

afterAll(async () => {
  await Promise.all([a, b].filter(Boolean).map((env) => env.stop()));
});

it('one new matricule written through both at once: one Patient, the other a 409 naming it', async () => {
  const [tokenA, tokenB] = await Promise.all([a.login('gp'), b.login('gp')]);
  const matricule = makeMatricule(1971, 4, 2, 815);
  const patient = (family: string) => ({
    resourceType: 'Patient',
    name: [{ family }],
    birthDate: '1971-04-02',
    identifier: [{ system: LU_MATRICULE_SYSTEM, value: matricule }],
  });
  const results = await Promise.all([
    a.request('POST', '/fhir/Patient', { token: tokenA, body: patient('Weber') }),
    b.request('POST', '/fhir/Patient', { token: tokenB, body: patient('Weberr') }),
  ]);
  expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
  const created = results.find((r) => r.status === 201)!;
  expect(results.find((r) => r.status === 409)!.json.issue[0].diagnostics).toContain(`Patient/${created.json.id}`);
});
