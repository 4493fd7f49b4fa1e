/**
 * Threat: password guessing in parallel. The lockout used to be checked before verifying and counted
 * after, so 15 wrong passwords sent at once were all verified (all 401) before the first 429. Now the
 * attempt is checked and counted in one write transaction before the password is verified: with the
 * limit 5, at most 5 parallel attempts are verified and the others are refused (429) without hashing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_LOGIN_FAILURES } from '../../../src-main/platform/auth/login-service';
import { verifyPassword } from '../../../src-main/platform/auth/passwords';
import { demoAccount } from '../../../src-main/platform/seed/demo-accounts';
import { openLoginBench, type LoginBench } from './login-bench';
import { startTestPlatform, type TestPlatform } from './platform-harness';

const ATTEMPTS = 15;

let bench: LoginBench | undefined;
let env: TestPlatform | undefined;
afterEach(async () => {
  await bench?.close();
  await env?.stop();
  bench = env = undefined;
});

describe('parallel wrong passwords', () => {
  it(`${ATTEMPTS} at once: at most ${MAX_LOGIN_FAILURES} are verified, the rest get 429`, async () => {
    // Every verification is held until all attempts have either reached the verifier or been refused,
    // so the attempts truly overlap whatever the machine's speed.
    let verified = 0;
    let refusedEarly = 0;
    let releaseAll!: () => void;
    const allArrived = new Promise<void>((resolve) => (releaseAll = resolve));
    const arrived = () => {
      if (verified + refusedEarly === ATTEMPTS) releaseAll();
    };
    bench = await openLoginBench({
      verifyPassword: async (password, storedHash) => {
        verified++;
        arrived();
        await allArrived;
        return verifyPassword(password, storedHash);
      },
    });
    const { account } = bench;
    const statuses = await Promise.all(
      Array.from({ length: ATTEMPTS }, async (_, i) => {
        const status = await bench!.attempt(account.identifier, `wrong-${i}`);
        if (status === 429 && verified + refusedEarly < ATTEMPTS) {
          refusedEarly++;
          arrived();
        }
        return status;
      }),
    );

    expect(verified).toBeLessThanOrEqual(MAX_LOGIN_FAILURES);
    expect(statuses.filter((s) => s === 401)).toHaveLength(verified);
    expect(statuses.filter((s) => s === 429)).toHaveLength(ATTEMPTS - verified);
    // Locked now, even for the right password, and without verifying it.
    const before = verified;
    expect(await bench.attempt(account.identifier, bench.password)).toBe(429);
    expect(verified).toBe(before);
  });

  it(`over real HTTP: of ${ATTEMPTS} parallel wrong passwords at most ${MAX_LOGIN_FAILURES} answer 401, the others 429`, async () => {
    env = await startTestPlatform({ seed: 'none' });
    const account = demoAccount('nurse');
    const results = await Promise.all(
      Array.from({ length: ATTEMPTS }, (_, i) =>
        env!.request('POST', '/auth/login', {
          contentType: 'application/json',
          body: { identifier: account.identifier, password: `wrong-${i}`, otp: account.otp },
        }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(MAX_LOGIN_FAILURES);
    expect(statuses.filter((s) => s !== 401 && s !== 429)).toEqual([]);
    for (const locked of results.filter((r) => r.status === 429))
      expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
