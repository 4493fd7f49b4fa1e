/**
 * The anonymous read limit (http/anonymous-reads.ts) on several instances (issue 14). It is the one
 * piece of per-instance state left on purpose: it guards each instance's capacity against one address
 * reading the public library without a token, not a secret (the login throttle, presence-code tries,
 * refresh tokens and the ledger hold across instances and are tested beside this file). Kept in the
 * database it would turn every anonymous read into a write shared by all instances — a cost on the very
 * path it protects. So each instance refuses an address past its own budget, whichever instance the
 * address tried before, and what N instances serve one address is at most N budgets: every instance's
 * load stays bounded as on one.
 */
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../../fixtures/postgres-cluster';
import { startTestPlatform, type TestPlatform } from '../platform/platform-harness';

const BURST = 4;
let instances: TestPlatform[] = [];

beforeAll(async () => {
  const storage = await createTestDatabase(inject('postgresServerUrl'));
  const options = { seed: 'none', storage, anonymousReadLimit: { burst: BURST, perMinute: 0 } } as const;
  const first = await startTestPlatform(options);
  instances = [first, await startTestPlatform(options)];
});

afterAll(async () => {
  for (const instance of instances) await instance.stop();
});

const anonymousRead = async (instance: TestPlatform) => (await instance.request('GET', '/fhir/Library?_count=1')).status;

it('each instance serves one address its own budget and refuses it past that; two instances serve at most two budgets', async () => {
  const [a, b] = instances as [TestPlatform, TestPlatform];
  const statuses = { a: [] as number[], b: [] as number[] };
  // Interleaved, as a load balancer would spread one client's requests.
  for (let i = 0; i < BURST + 2; i++) {
    statuses.a.push(await anonymousRead(a));
    statuses.b.push(await anonymousRead(b));
  }
  const expected = [...Array<number>(BURST).fill(200), 429, 429];
  expect(statuses).toEqual({ a: expected, b: expected });
  // A refusal on one instance is not a ban on the data: a logged-in user reads through either.
  const token = await a.login('gp');
  expect((await b.request('GET', '/fhir/Library?_count=1', { token })).status).toBe(200);
});
