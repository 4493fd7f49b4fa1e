/**
 * Threat: filling the platform database through the login. Every unknown identifier used to add a
 * throttle row that was never deleted. Now rows expire once the lock window has passed since their last
 * failure, and their number is capped (unlocked rows evicted first, oldest first), so 10,000 made-up
 * identifiers leave at most the cap, and a locked account stays locked through the flood.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { LOCKOUT_MS, MAX_LOGIN_FAILURES } from '../../../src-main/platform/auth/login-service';
import { openLoginBench, type LoginBench } from './login-bench';

const CAP = 1_000;
const FLOOD = 10_000;

let bench: LoginBench | undefined;
afterEach(async () => {
  await bench?.close();
  bench = undefined;
});

describe('login throttle rows', () => {
  it(`${FLOOD} unknown identifiers leave at most ${CAP} rows, and a locked account stays locked`, async () => {
    // Hashing is not what this test is about: a verifier that says "wrong" at once keeps it fast.
    bench = await openLoginBench({ maxThrottleRows: CAP, verifyPassword: async () => false });
    const victim = bench.account.identifier;
    for (let i = 0; i < MAX_LOGIN_FAILURES; i++) expect(await bench.attempt(victim, `guess-${i}`)).toBe(401);

    for (let i = 0; i < FLOOD; i++) expect(await bench.attempt(`made-up-${i}`, 'x')).toBe(401);

    expect(bench.throttleRows()).toBeLessThanOrEqual(CAP);
    expect(bench.throttleRows(`made-up-${FLOOD - 1}`)).toBe(1); // the newest are kept
    expect(bench.throttleRows('made-up-0')).toBe(0); // the oldest went
    expect(await bench.attempt(victim, bench.password)).toBe(429);
  });

  it('rows expire once the lock window has passed since their last failure', async () => {
    let now = Date.parse('2026-01-05T08:00:00Z');
    bench = await openLoginBench({ clock: () => now, verifyPassword: async () => false });
    const victim = bench.account.identifier;
    expect(await bench.attempt('someone.else', 'x')).toBe(401);
    for (let i = 0; i < MAX_LOGIN_FAILURES; i++) expect(await bench.attempt(victim, `guess-${i}`)).toBe(401);
    expect(await bench.attempt(victim, 'again')).toBe(429);
    expect(bench.throttleRows()).toBe(2);

    now += LOCKOUT_MS;
    expect(await bench.attempt('a.third.one', 'x')).toBe(401);
    expect(bench.throttleRows('someone.else')).toBe(0);
    expect(bench.throttleRows(victim)).toBe(0);
    // The lock is over and the count starts afresh: one wrong try is a 401, not another lock.
    expect(await bench.attempt(victim, 'after-the-lock')).toBe(401);
    expect(bench.throttleRows(victim)).toBe(1);
  });
});
