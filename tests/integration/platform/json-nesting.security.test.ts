/**
 * Threat (issue 9, found again by tests/fault/http-fuzz.test.ts): a resource whose JSON is nested 100,000
 * deep overflowed the stack of the platform's element walk and answered 500 — a client mistake must be a
 * 4xx naming the rule, and no body may make the server recurse without bound.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './platform-harness';

let platform: TestPlatform;
let token: string;

beforeAll(async () => {
  platform = await startTestPlatform({ seed: 'none' });
  token = await platform.login('gp');
});
afterAll(async () => {
  await platform.stop();
});

const patientWith = (nested: string) =>
  `{"resourceType":"Patient","name":[{"family":"Kieffer"}],"birthDate":"1990-05-17","extension":${nested}}`;

describe('deeply nested JSON bodies', () => {
  it.each([
    ['arrays', '['.repeat(100_000) + ']'.repeat(100_000)],
    ['objects', '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000)],
  ])('a resource with %s nested 100,000 deep is a 400 naming the nesting limit', async (_kind, nested) => {
    const res = await platform.request('POST', '/fhir/Patient', { token, rawBody: patientWith(nested) });
    expect(res.status).toBe(400);
    expect(res.json.resourceType).toBe('OperationOutcome');
    expect(res.json.issue[0].diagnostics).toMatch(/body: JSON nested deeper than \d+ levels/);
  });

  it('brackets inside strings do not count as nesting', async () => {
    const res = await platform.request('POST', '/fhir/Patient', {
      token,
      rawBody: `{"resourceType":"Patient","name":[{"family":"Kieffer","given":["${'[{'.repeat(500)}\\"]"]}],"birthDate":"1990-05-17"}`,
    });
    expect(res.status).toBe(201);
  });
});
