/**
 * Threat: guessing a patient's presence code (8 digits) by spreading the tries over the instances of a
 * shared platform, each reading the same count of wrong tries before either writes it, gets more than
 * MAX_PRESENCE_CODE_FAILURES guesses per lock window. Parallel wrong codes alternating between two
 * instances on one database must be counted one by one.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MAX_PRESENCE_CODE_FAILURES } from '../../../src-main/platform/dsp/dsp-simulator';
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

it(`of 16 parallel wrong presence codes on two instances, at most ${MAX_PRESENCE_CODE_FAILURES} are checked`, async () => {
  const [onA, onB] = await Promise.all([a.login('specialist'), b.login('specialist')]);
  const tries = await Promise.all(
    Array.from({ length: 16 }, (_, i) =>
      (i % 2 === 0 ? a : b).request('POST', '/fhir/Patient/demo-patient/$redeem-presence-code', {
        token: i % 2 === 0 ? onA : onB,
        body: { code: String(10_000_000 + i) },
      }),
    ),
  );
  const statuses = tries.map((r) => r.status);
  // A checked wrong code answers 403, the one reaching the limit 429; every later try is refused unchecked (429).
  expect(statuses.filter((s) => s === 403).length).toBeLessThanOrEqual(MAX_PRESENCE_CODE_FAILURES - 1);
  expect(statuses.filter((s) => s === 403 || s === 429)).toHaveLength(16);
});
