import { afterEach, describe, expect, it, vi } from 'vitest';
import { PlatformError } from '../../../src-main/core/platform-client';
import type { SyncEngine } from '../../../src-main/core/sync';
import { SyncWorker } from '../../../src-main/core/sync';

/** An engine whose push/pull outcome the test decides, counting the syncs it ran. */
function fakeEngine(outcomes: (() => Promise<void>)[] = []) {
  let runs = 0;
  const engine = {
    push: vi.fn(async () => {
      runs += 1;
      await (outcomes.shift() ?? (async () => {}))();
      return { acked: 0, quarantined: 0, interrupted: false };
    }),
    pull: vi.fn(async () => ({ pages: 1, applied: 0, restarted: false })),
  };
  return { engine: engine as unknown as SyncEngine, runs: () => runs };
}

const unreachable = async () => {
  throw new PlatformError({ kind: 'unreachable', detail: 'ECONNREFUSED' });
};

afterEach(() => vi.useRealTimers());

describe('sync worker', () => {
  it('never runs two syncs at once, and a nudge during a sync gets one more sync after it', async () => {
    let release!: () => void;
    const { engine, runs } = fakeEngine([() => new Promise<void>((resolve) => (release = resolve))]);
    const worker = new SyncWorker(engine, { periodMs: 3_600_000 });
    const first = worker.nudge();
    const second = worker.nudge();
    const third = worker.nudge();
    expect(runs()).toBe(1);
    release();
    await first;
    await Promise.all([second, third]);
    expect(runs()).toBe(2); // the three nudges during the first sync coalesce into one follow-up
    await worker.stop();
  });

  it('reports online with the last success time after a good sync', async () => {
    const { engine } = fakeEngine();
    const worker = new SyncWorker(engine, { periodMs: 3_600_000, now: () => new Date('2026-11-25T08:00:00Z') });
    await worker.nudge();
    expect(worker.status).toMatchObject({
      connectivity: 'online',
      lastSuccessAt: '2026-11-25T08:00:00.000Z',
      lastError: null,
      running: false,
    });
    await worker.stop();
  });

  it('goes offline when the platform is unreachable, keeping the last success time', async () => {
    const { engine } = fakeEngine([async () => {}, unreachable]);
    const worker = new SyncWorker(engine, { periodMs: 3_600_000, backoffBaseMs: 3_600_000 });
    await worker.nudge();
    const lastSuccess = worker.status.lastSuccessAt;
    await worker.nudge();
    expect(worker.status).toMatchObject({ connectivity: 'offline', lastError: 'unreachable', lastSuccessAt: lastSuccess });
    await worker.stop();
  });

  it('says a new login is needed when the token cannot be refreshed', async () => {
    const { engine } = fakeEngine([
      async () => {
        throw new PlatformError({ kind: 'unauthenticated', detail: 'refresh token revoked' });
      },
    ]);
    const worker = new SyncWorker(engine, { periodMs: 3_600_000 });
    await worker.nudge();
    expect(worker.status.connectivity).toBe('unauthenticated');
    await worker.stop();
  });

  it('backs off exponentially with full jitter, within the cap', () => {
    const { engine } = fakeEngine();
    const high = new SyncWorker(engine, { backoffBaseMs: 1000, backoffMaxMs: 60_000, random: () => 0.999 });
    expect([1, 2, 3, 4, 5, 6, 7, 10].map((n) => high.backoffDelay(n))).toEqual([
      999, 1998, 3996, 7992, 15984, 31968, 59940, 59940,
    ]);
    const low = new SyncWorker(engine, { backoffBaseMs: 1000, backoffMaxMs: 60_000, random: () => 0 });
    expect(low.backoffDelay(8)).toBe(500); // never a tight loop, even with the luckiest draw
    const spread = new Set(
      Array.from({ length: 50 }, (_, i) => new SyncWorker(engine, { random: () => i / 50 }).backoffDelay(6)),
    );
    expect(spread.size).toBeGreaterThan(40); // clients that failed together do not retry together
  });

  it('retries after the backoff delay, and syncs periodically without any local write', async () => {
    vi.useFakeTimers();
    const { engine, runs } = fakeEngine([unreachable]);
    const worker = new SyncWorker(engine, { periodMs: 30_000, backoffBaseMs: 1_000, random: () => 0.5 });
    await worker.nudge();
    expect(runs()).toBe(1);
    await vi.advanceTimersByTimeAsync(499);
    expect(runs()).toBe(1);
    await vi.advanceTimersByTimeAsync(2);
    expect(runs()).toBe(2); // the retry after 500 ms succeeded
    await vi.advanceTimersByTimeAsync(30_000);
    expect(runs()).toBe(3); // the periodic timer
    await worker.stop();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(runs()).toBe(3); // a stopped worker stays stopped
  });
});
