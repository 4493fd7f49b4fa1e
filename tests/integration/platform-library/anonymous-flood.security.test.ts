/**
 * Threat: the library is readable without login, so anyone can hammer the platform without an
 * account. Reads without a token are rate-limited per address (429 with Retry-After once the bucket
 * is empty); a logged-in user is never counted. No timer: the refill rate is zero for this platform.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../platform/platform-harness';

let env: TestPlatform;
let gp: string;

beforeAll(async () => {
  env = await startTestPlatform({ seed: 'none', anonymousReadLimit: { burst: 5, perMinute: 0 } });
  gp = await env.login('gp');
});
afterAll(async () => env?.stop());

it('the sixth anonymous read in a row is refused with 429 and Retry-After; a logged-in user still reads', async () => {
  for (let i = 0; i < 5; i += 1) expect((await env.request('GET', '/fhir/Library?text:contains=diab')).status).toBe(200);
  const refused = await env.request('GET', '/fhir/Library/lib-hygiene-mains');
  expect(refused.status).toBe(429);
  expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(JSON.stringify(refused.json)).toContain('too many requests without login');
  for (let i = 0; i < 10; i += 1)
    expect((await env.request('GET', '/fhir/Library/lib-hygiene-mains', { token: gp })).status).toBe(200);
});
