/**
 * Threat: `$redeem-presence-code` skipped the pipeline (no refusal audit through it) and the operation
 * ledger, so a client retrying a redemption it never saw the answer of got "code already used" and
 * lost the grant it had just obtained — and the retry was not recognised as one. Every operation now
 * runs the pipeline: a replay with the same operation id returns the first answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../platform/platform-harness';

let env: TestPlatform;
let specialist: string;
let holder: string;

beforeAll(async () => {
  env = await startTestPlatform({ patients: 5, docsPerPatient: 1 });
  [specialist, holder] = await Promise.all([env.login('specialist'), env.login('patient')]);
});
afterAll(async () => env?.stop());

describe('presence codes through the pipeline', () => {
  it('a replayed redemption returns the first answer, and another payload under the same id is a 422', async () => {
    const issued = await env.request('POST', '/fhir/Patient/demo-patient/$issue-presence-code', { token: holder, body: {} });
    expect(issued.status).toBe(201);
    const code = issued.json.parameter.find((p: { name: string }) => p.name === 'code').valueString as string;
    const headers = { 'x-operation-id': 'redeem-0000-0001' };
    const first = await env.request('POST', '/fhir/Patient/demo-patient/$redeem-presence-code', {
      token: specialist,
      body: { code },
      headers,
    });
    expect(first.status).toBeLessThan(300);
    const replay = await env.request('POST', '/fhir/Patient/demo-patient/$redeem-presence-code', {
      token: specialist,
      body: { code },
      headers,
    });
    expect(replay.status).toBe(first.status);
    expect(replay.headers.get('x-operation-replayed')).toBe('true');
    const other = await env.request('POST', '/fhir/Patient/demo-patient/$redeem-presence-code', {
      token: specialist,
      body: { code: '00000000' },
      headers,
    });
    expect(other.status).toBe(422);
  });
});
