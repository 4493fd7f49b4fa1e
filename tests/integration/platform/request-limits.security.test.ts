/**
 * Threat (issue 9): client mistakes that ended as a 5xx. JSON nested 200,000 deep overflowed the stack
 * of the recursive walks over a resource (and of the transaction's reference rewriting); ~1,100
 * repeated `_id` parameters built an SQL expression deeper than SQLite allows. Both must be a 400 naming
 * the limit, leave the database untouched, and leave the platform serving.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, MAX_PARAMETER_REPEATS, nestsDeeperThan } from '../../../src-main/platform/fhir/request-limits';
import { startTestPlatform, type TestPlatform } from './platform-harness';

let env: TestPlatform;
let token: string;

beforeAll(async () => {
  env = await startTestPlatform({ seed: 'none' });
  token = await env.login('gp');
});
afterAll(async () => env?.stop());

const deepArrays = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('nesting', () => {
  it.each([
    [
      'an extension of a Patient',
      'POST',
      '/fhir/Patient',
      (x: string) => `{"resourceType":"Patient","name":[{"family":"X"}],"extension":${x}}`,
    ],
    [
      'a note of an Observation',
      'POST',
      '/fhir/Observation',
      (x: string) => `{"resourceType":"Observation","status":"final","code":{"text":"x"},"note":${x}}`,
    ],
    [
      'a transaction entry',
      'POST',
      '/fhir',
      (x: string) =>
        `{"resourceType":"Bundle","type":"transaction","entry":[{"request":{"method":"POST","url":"Patient"},"resource":{"resourceType":"Patient","x":${x}}}]}`,
    ],
  ])('JSON nested 200,000 deep in %s is a 400 naming the limit', async (_where, method, path, wrap) => {
    const before = await env.platform.fingerprint();
    const answer = await env.request(method, path, { token, rawBody: wrap(deepArrays(200_000)) });
    expect(answer.status).toBe(400);
    expect(answer.json.issue[0].diagnostics).toBe(
      `body: JSON nested deeper than ${MAX_JSON_DEPTH} levels (nesting limit of this platform)`,
    );
    expect(await env.platform.fingerprint()).toEqual(before);
  });

  it('the depth scan counts objects and arrays, not brackets inside strings', () => {
    expect(nestsDeeperThan(deepArrays(MAX_JSON_DEPTH))).toBe(false);
    expect(nestsDeeperThan(deepArrays(MAX_JSON_DEPTH + 1))).toBe(true);
    expect(nestsDeeperThan(`{"a":"${'['.repeat(10_000)}"}`)).toBe(false);
    expect(nestsDeeperThan(`{"a":"\\"${'{'.repeat(200)}"}`)).toBe(false);
    expect(nestsDeeperThan(`${'{"a":'.repeat(MAX_JSON_DEPTH + 1)}1${'}'.repeat(MAX_JSON_DEPTH + 1)}`)).toBe(true);
  });
});

describe('repeated search parameters', () => {
  it('1,100 repeated _id parameters are a 400 naming the parameter and the limit', async () => {
    const query = Array.from({ length: 1100 }, (_, i) => `_id=p${i}`).join('&');
    const answer = await env.request('GET', `/fhir/Patient?${query}`, { token });
    expect(answer.status).toBe(400);
    expect(answer.json.issue[0].diagnostics).toContain(
      `search parameter _id: given 1100 times (limit ${MAX_PARAMETER_REPEATS} per search`,
    );
  });

  it('a search within the limits still answers', async () => {
    const query = Array.from({ length: MAX_PARAMETER_REPEATS }, (_, i) => `_id=p${i}`).join('&');
    expect((await env.request('GET', `/fhir/Patient?${query}`, { token })).status).toBe(200);
    expect((await env.request('GET', '/fhir/metadata')).status).toBe(200);
  });
});
