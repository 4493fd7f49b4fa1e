/**
 * kill -9 of one platform instance in the middle of a client's writes (issue 14): two `npm run platform
 * -- --storage postgres://…` processes share one database; a client writes through A, 4 requests in
 * flight, each under its operation id; A is killed with SIGKILL once a few are acknowledged. B keeps
 * serving: every acknowledged write is there, replaying any operation id on B returns the first answer
 * (acknowledged ones exactly as A gave it), and no operation took effect twice.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { inject } from 'vitest';
import { demoAccount } from '../../../src-main/platform/seed/demo-accounts';
import { createTestDatabase } from '../../fixtures/postgres-cluster';
import { startPlatformProcess, type PlatformProcess } from '../../fixtures/platform-process';
import { httpRequest, type HttpResult } from '../platform/platform-harness';

const OPERATIONS = 120;
const KILL_AFTER = 20;
const IN_FLIGHT = 4;

let a: PlatformProcess;
let b: PlatformProcess;

beforeAll(async () => {
  const storage = ['--storage', await createTestDatabase(inject('postgresServerUrl'))];
  a = await startPlatformProcess('demo', [...storage, '--patients', '2', '--docs-per-patient', '1']);
  b = await startPlatformProcess('demo', [...storage, '--patients', '2', '--docs-per-patient', '1']);
});

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
});

const root = (p: PlatformProcess) => `http://127.0.0.1:${p.port}`;
const opId = (i: number) => `op-killed-instance-${String(i).padStart(4, '0')}`;
const observation = (i: number) => ({
  resourceType: 'Observation',
  status: 'final',
  code: { coding: [{ system: 'urn:test', code: 'KILL-9' }] },
  subject: { reference: 'Patient/demo-patient' },
  valueQuantity: { value: i, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
});

it('the other instance keeps serving; no acknowledged write is lost; a replay there returns the first answer', async () => {
  const { identifier, password, otp } = demoAccount('gp');
  const login = await httpRequest(root(a), 'POST', '/auth/login', {
    body: { identifier, password, otp },
    contentType: 'application/json',
  });
  const token = login.json.access_token as string;
  const post = (target: PlatformProcess, i: number) =>
    httpRequest(root(target), 'POST', '/fhir/Observation', {
      token,
      body: observation(i),
      headers: { 'X-Operation-Id': opId(i) },
    });

  const acknowledged = new Map<number, HttpResult>();
  let next = 0;
  let killed = false;
  const client = async () => {
    while (next < OPERATIONS) {
      const i = next++;
      try {
        const result = await post(a, i);
        if (result.status === 201) acknowledged.set(i, result);
      } catch {
        // A died with this request in flight: the client never saw an answer.
      }
      if (!killed && acknowledged.size >= KILL_AFTER) {
        killed = true;
        a.child.kill('SIGKILL');
      }
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, client));
  expect(killed).toBe(true);
  expect(a.alive()).toBe(false);
  expect(acknowledged.size).toBeGreaterThanOrEqual(KILL_AFTER);
  expect(acknowledged.size).toBeLessThan(OPERATIONS);

  // B serves, with the token A signed.
  for (const [, first] of acknowledged) {
    const read = await httpRequest(root(b), 'GET', `/fhir/Observation/${first.json.id}`, { token });
    expect(read.status).toBe(200);
    expect(read.json).toEqual(first.json);
  }
  // Every operation replayed on B: the acknowledged ones answer exactly as A did; each took effect once.
  const ids = new Set<string>();
  for (let i = 0; i < OPERATIONS; i++) {
    const replay = await post(b, i);
    expect(replay.status).toBe(201);
    const first = acknowledged.get(i);
    if (first) {
      expect(replay.headers.get('x-operation-replayed')).toBe('true');
      expect(replay.json).toEqual(first.json);
      expect(replay.headers.get('etag')).toBe(first.headers.get('etag'));
    }
    ids.add(replay.json.id as string);
  }
  expect(ids.size).toBe(OPERATIONS);
  const stored = await httpRequest(root(b), 'GET', '/fhir/Observation?code=urn:test|KILL-9&_count=1000', { token });
  expect(stored.json.entry).toHaveLength(OPERATIONS);
});
