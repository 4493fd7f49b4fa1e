/**
 * Several platform instances on one PostgreSQL database (issue 14): what one instance decides, the
 * other holds to — the first seed, the token-signing secret, the login throttle, refresh-token
 * rotation, the operation ledger and If-Match. Each request pair is sent to both instances at once, so
 * both read before either writes unless the storage makes them take turns.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createTestDatabase } from '../../fixtures/postgres-cluster';
import { nursingTask } from '../../fixtures/test-client';
import { startTestPlatform, type TestPlatform } from '../platform/platform-harness';

const SEED = { seed: 'demo', patients: 4, docsPerPatient: 1 } as const;

let a: TestPlatform;
let b: TestPlatform;
let alone: TestPlatform;

beforeAll(async () => {
  const shared = await createTestDatabase(inject('postgresServerUrl'));
  // Started together on a new database: one seeds, the other waits and finds it seeded.
  [a, b] = await Promise.all([startTestPlatform({ ...SEED, storage: shared }), startTestPlatform({ ...SEED, storage: shared })]);
  alone = await startTestPlatform({ ...SEED, storage: await createTestDatabase(inject('postgresServerUrl')) });
});

afterAll(async () => {
  await Promise.all([a, b, alone].filter(Boolean).map((env) => env.stop()));
});

const observation = (value: number) => ({
  resourceType: 'Observation',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
  subject: { reference: 'Patient/demo-patient' },
  valueQuantity: { value, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
});

describe('two instances on one database', () => {
  it('seed once: the same data as one instance seeding alone', async () => {
    const count = async (env: TestPlatform, type: string) => {
      const token = await env.login('gp');
      return (await env.request('GET', `/fhir/${type}?_count=1000`, { token })).json.entry?.length ?? 0;
    };
    for (const type of ['Patient', 'Practitioner', 'DocumentReference']) {
      expect(await count(a, type)).toBe(await count(alone, type));
    }
    expect(await a.platform.fingerprint()).toEqual(await b.platform.fingerprint());
    expect(await b.platform.integrityCheck()).toBe('ok');
  });

  it('a token signed by one is accepted by the other; a logout on one ends it on both', async () => {
    const token = await a.login('gp');
    expect((await b.request('GET', '/fhir/Patient/demo-patient', { token })).status).toBe(200);
    expect((await b.request('POST', '/auth/logout', { token })).status).toBeLessThan(300);
    expect((await a.request('GET', '/fhir/Patient/demo-patient', { token })).status).toBe(401);
  });

  it('one operation id sent to both at once: one effect, the same answer twice', async () => {
    const [tokenA, tokenB] = await Promise.all([a.login('gp'), b.login('gp')]);
    const headers = { 'X-Operation-Id': 'op-two-instances-0001' };
    const [first, second] = await Promise.all([
      a.request('POST', '/fhir/Observation', { token: tokenA, body: observation(71), headers }),
      b.request('POST', '/fhir/Observation', { token: tokenB, body: observation(71), headers }),
    ]);
    expect([first!.status, second!.status]).toEqual([201, 201]);
    expect(second!.json).toEqual(first!.json);
    expect([first!.headers.get('x-operation-replayed'), second!.headers.get('x-operation-replayed')].sort()).toEqual([
      null,
      'true',
    ]);
    const history = await a.request('GET', `/fhir/Observation/${first!.json.id}/_history`, { token: tokenA });
    expect(history.json.entry).toHaveLength(1);
  });

  it('two edits of one version at once, one per instance: one succeeds, the other is a 412', async () => {
    const [tokenA, tokenB] = await Promise.all([a.login('nurse'), b.login('nurse')]);
    const created = await a.request('POST', '/fhir/Task', { token: tokenA, body: nursingTask('Pansement') });
    expect(created.status).toBe(201);
    const id = created.json.id as string;
    const edit = (env: TestPlatform, token: string, description: string) =>
      env.request('PUT', `/fhir/Task/${id}`, {
        token,
        body: { ...nursingTask(description), id },
        headers: { 'If-Match': 'W/"1"' },
      });
    const results = await Promise.all([edit(a, tokenA, 'Pansement 8h'), edit(b, tokenB, 'Pansement annulé')]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 412]);
    const history = await b.request('GET', `/fhir/Task/${id}/_history`, { token: tokenB });
    expect(history.json.entry).toHaveLength(2);
  });

  it('one conditional create sent to both at once: one resource, both answers name it', async () => {
    const [tokenA, tokenB] = await Promise.all([a.login('gp'), b.login('gp')]);
    const body = { ...observation(90), code: { coding: [{ system: 'urn:test', code: 'ONCE' }] } };
    const headers = { 'If-None-Exist': 'patient=Patient/demo-patient&code=urn:test|ONCE' };
    const results = await Promise.all([
      a.request('POST', '/fhir/Observation', { token: tokenA, body, headers }),
      b.request('POST', '/fhir/Observation', { token: tokenB, body, headers }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 201]);
    expect(results[0]!.json.id).toBe(results[1]!.json.id);
  });
});
