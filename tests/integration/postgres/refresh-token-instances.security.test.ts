/**
 * Threat: a stolen refresh token replayed on another instance at the same moment as its owner's
 * refresh, both instances reading it unused, yields two valid sessions and the reuse goes unnoticed.
 * The token must rotate once; the second presentation must count as reuse and revoke the session.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { demoAccount } from '../../../src-main/platform/seed/demo-accounts';
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

it('a refresh token presented to both at once is rotated once; the second use revokes the session', async () => {
  const { identifier, password, otp } = demoAccount('gp');
  const login = await a.request('POST', '/auth/login', {
    body: { identifier, password, otp },
    contentType: 'application/json',
  });
  const refresh = login.json.refresh_token as string;
  const [onA, onB] = await Promise.all(
    [a, b].map((env) =>
      env.request('POST', '/auth/refresh', { body: { refresh_token: refresh }, contentType: 'application/json' }),
    ),
  );
  expect([onA!.status, onB!.status].sort()).toEqual([200, 401]);
  const winner = onA!.status === 200 ? onA! : onB!;
  // The reuse revoked the session: the pair the winner got is no good either.
  expect((await b.request('GET', '/fhir/Patient/demo-patient', { token: winner.json.access_token })).status).toBe(401);
});
