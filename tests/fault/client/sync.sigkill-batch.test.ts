/**
 * Issue 10, acceptance 4 — batched push keeps "nothing lost, nothing twice" under SIGKILL, with kills
 * landing in the middle of a batch.
 *
 * Each launch of the desk client (tests/fault/support/client-runner.ts --queue-first) makes its writes
 * while its sync worker is stopped, then starts it: the writes leave together in `batch` Bundles. The
 * launch is parked on a phase signal and killed there with SIGKILL: before the batch leaves, once the
 * platform answered the nth of its operations (it committed them all), inside the one transaction that
 * acknowledges them (after the nth acknowledgement), once the nth is settled, or in the pull after it.
 * No timer decides where a kill lands. Then one launch runs to completion, and the platform and the
 * cache are checked as in sync.sigkill.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../fixtures/test-platform';
import type { ParkTarget, PhasePoint } from '../support/phase-signals';
import { SigkillCampaign, type Kill } from '../support/sigkill-campaign';

const SEED = Number(process.env.FAULT_SEED ?? 20251126);
const WRITES_PER_RUN = 6;

const at = (point: PhasePoint, occurrences: number[]): ParkTarget[] => occurrences.map((occurrence) => ({ point, occurrence }));

/**
 * Every operation boundary of a launch's push (twice after the answer: a launch's batches are as large
 * as its writes are on distinct Tasks, so some boundaries fall between batches), and its pull.
 */
const SCHEDULE: ParkTarget[] = [
  ...at('push:request', [1, 4]),
  ...at('push:answered', [1, 2, 3, 4, 5, 6, 2, 3, 4, 5]),
  ...at('push:ack-uncommitted', [1, 2, 3, 4, 5, 6, 2, 3, 4, 5]),
  ...at('push:op-acked', [1, 2, 3, 4, 5]),
  ...at('pull:page-received', [1]),
  ...at('pull:cursor-uncommitted', [1]),
  ...at('pull:page-applied', [1]),
];

/** The kill landed at the nth operation of a batch of several, with more of that batch after it. */
function midBatch(kill: Kill): boolean {
  const [point, n] = kill.landed.split('#');
  if (!point?.startsWith('push:') || point === 'push:request') return false;
  let before = 0;
  for (const size of kill.batches) {
    if (Number(n) <= before + size) return size > 1 && Number(n) < before + size;
    before += size;
  }
  return false;
}

let platform: TestPlatform;
let campaign: SigkillCampaign;

beforeAll(async () => {
  platform = await startTestPlatform();
  campaign = new SigkillCampaign({ platformUrl: platform.url, seed: SEED, writesPerRun: WRITES_PER_RUN, queueFirst: true });
  await campaign.killAt(SCHEDULE);
  await campaign.finish();
}, 600_000);

afterAll(async () => {
  campaign?.dispose();
  await platform?.stop();
  if (campaign) {
    const mid = campaign.kills.filter(midBatch).length;
    console.info(`${campaign.summary('sync.sigkill-batch')}; ${mid} kills in the middle of a batch`);
  }
});

describe('client SIGKILL during batched push (nothing lost, nothing twice)', () => {
  it('the client was killed at least 30 times where aimed, at least 10 of them in the middle of a batch', () => {
    const { kills } = campaign;
    expect(kills.length).toBeGreaterThanOrEqual(30);
    expect(kills.filter((k) => k.landed !== k.aimed)).toEqual([]);
    expect(kills.filter(midBatch).length).toBeGreaterThanOrEqual(10);
    expect(Math.max(...kills.flatMap((k) => k.batches))).toBeGreaterThan(1);
  });

  it('an acknowledged local write survives SIGKILL in the cache', () => {
    expect(campaign.localViolations).toEqual([]);
  });

  it('after the kills, one more launch empties the outbox', () => {
    expect(campaign.finalExit, campaign.finalExit?.stderr).toMatchObject({ code: 0, signal: null });
    const done = campaign.finalLines.find((l) => l.kind === 'DONE');
    expect(done && JSON.parse(done.rest)).toEqual({ pending: 0, conflicts: 0 });
  });

  it('every acknowledged local write is on the platform exactly once, and each Task ends on its latest write', async () => {
    const check = await campaign.platformCheck();
    expect(check.violations).toEqual([]);
    expect(check.current.size).toBeGreaterThan(0);
  });

  it("the client's cache converges to the platform, passes integrity_check and keeps nothing in the outbox", async () => {
    const { onPlatform, cache } = await campaign.convergence();
    expect(cache).toMatchObject({ integrity: { ok: true, problems: [] }, unacked: 0, quarantined: 0 });
    expect(cache!.tasks).toEqual(onPlatform);
  });
});
