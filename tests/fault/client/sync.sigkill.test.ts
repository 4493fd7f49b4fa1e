/**
 * Issue 4, acceptance 4 — the client side of "nothing lost" (ARCHITECTURE §6) under SIGKILL.
 *
 * The desk client runs as a child process (tests/fault/support/client-runner.ts) on one data dir and is
 * killed with SIGKILL at least 50 times; then it runs once more to completion. Each kill is placed on a
 * phase signal of the child (tests/fault/support/phase-signals.ts): the child stops at the nth signal
 * of a point — start-up, login, a local write before / inside / after its transaction, a push request
 * before it leaves / once answered / inside its acknowledgement / once settled, a pull request before
 * it leaves / once received / inside its transaction / once applied — and the parent kills it there.
 * No timer decides where a kill lands, so a loaded machine lands every kill at the same point.
 * A write counts as acknowledged once the runner printed ACK for it, i.e. after the local write call returned.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prng } from '../../../src-main/platform/seed/prng';
import { createTestClient, loginAs } from '../../fixtures/test-client';
import { startTestPlatform, type TestPlatform } from '../../fixtures/test-platform';
import { phaseOf, SYNC_PHASE_POINTS, type ParkTarget, type PhasePoint } from '../support/phase-signals';
import { SigkillCampaign } from '../support/sigkill-campaign';

const SEED = Number(process.env.FAULT_SEED ?? 20250604);
/** Every phase point is aimed at this many times, each time at another of its occurrences. */
const ROUNDS = 4;
const WRITES_PER_RUN = 4;

/**
 * How many signals of a point one launch is sure to give (after its start-up sync): one start-up and
 * login; one per write; one per pushed write (each launch pushes its own writes, nothing else is left);
 * a pull for the sync the first write starts and one for the closing "sync now".
 */
function occurrencesPerLaunch(point: PhasePoint): number {
  const phase = phaseOf(point);
  if (phase === 'write' || phase === 'push') return WRITES_PER_RUN;
  if (phase === 'pull') return 2;
  return 1;
}

let platform: TestPlatform;
let campaign: SigkillCampaign;
const prng = new Prng(SEED);

function shuffled<T>(items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = prng.int(0, i);
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

/** The seeded kill schedule: every point once per round, in a shuffled order, each round at another occurrence. */
function schedule(): ParkTarget[] {
  const targets: ParkTarget[] = [];
  for (let round = 0; round < ROUNDS; round += 1)
    for (const point of shuffled(SYNC_PHASE_POINTS))
      targets.push({ point, occurrence: 1 + (round % occurrencesPerLaunch(point)) });
  return targets;
}

beforeAll(async () => {
  platform = await startTestPlatform();
  campaign = new SigkillCampaign({ platformUrl: platform.url, seed: SEED, writesPerRun: WRITES_PER_RUN });
  await campaign.killAt(schedule());
  await campaign.finish();
}, 600_000);

afterAll(async () => {
  campaign?.dispose();
  await platform?.stop();
  if (campaign) console.info(campaign.summary('sync.sigkill'));
});

describe('client SIGKILL during sync (nothing lost, nothing twice)', () => {
  it('the client was killed at least 50 times, each time exactly at the phase point aimed at', () => {
    const { kills, log } = campaign;
    expect(kills.length).toBeGreaterThanOrEqual(50);
    expect(kills.filter((k) => k.landed !== k.aimed)).toEqual([]);
    for (const phase of ['startup', 'login', 'write', 'push', 'pull']) {
      const inPhase = kills.filter((k) => k.landed.startsWith(`${phase}:`)).length;
      expect(inPhase, `kills landing in ${phase}`).toBeGreaterThanOrEqual(ROUNDS);
    }
    expect(log.acked.length).toBeGreaterThanOrEqual(50);
  });

  it('an acknowledged local write survives SIGKILL in the cache and is never hidden by a later sync step', () => {
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
    const { onPlatform, cache: state } = await campaign.convergence();
    expect(state).not.toBeNull();
    expect(state!.integrity).toEqual({ ok: true, problems: [] });
    expect(state!.unacked).toBe(0);
    expect(state!.quarantined).toBe(0);
    expect(state!.tasks).toEqual(onPlatform);
  });

  it('the killed profile still logs in and unlocks with the same passphrase', async () => {
    const core = createTestClient(platform.url, campaign.clientDir);
    try {
      await loginAs(core, 'nurse');
      expect(core.sessions.listProfiles()).toHaveLength(1);
    } finally {
      await core.close();
    }
  });
});
