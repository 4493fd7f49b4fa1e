/**
 * Threat: spreading password guesses over the instances of a shared platform, each counting only the
 * tries it saw (or both reading the same count before either writes it), gets more than
 * MAX_LOGIN_FAILURES guesses per lock window. Parallel wrong logins alternating between two instances
 * on one database must be counted one by one.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MAX_LOGIN_FAILURES } from '../../../src-main/platform/auth/login-service';
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

it(`the login throttle counts tries on both: of 16 parallel wrong passwords at most ${MAX_LOGIN_FAILURES} answer 401`, async () => {
  const { identifier, otp } = demoAccount('nurse');
  const attempts = await Promise.all(
    Array.from({ length: 16 }, (_, i) =>
      (i % 2 === 0 ? a : b).request('POST', '/auth/login', {
        body: { identifier, password: `wrong-${i}`, otp },
        contentType: 'application/json',
      }),
    ),
  );
  const statuses = attempts.map((r) => r.status);
  expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(MAX_LOGIN_FAILURES);
  expect(statuses.filter((s) => s === 401 || s === 429)).toHaveLength(16);
  expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(16 - MAX_LOGIN_FAILURES);
});
