/**
 * Issue 4, acceptance 4 — the client side of "nothing lost" (ARCHITECTURE §6) under SIGKILL.
 *
 * The desk client runs as a child process (tests/fault/support/client-runner.ts) on one data dir and is
 * killed with SIGKILL at least 50 times, at seeded-random points aimed at its start-up, login, local
 * writes, push requests and pull requests; then it runs once more to completion. A write counts as
 * acknowledged once the runner printed ACK for it, i.e. after the local write call returned.
 */
import type { Task } from 'fhir/r4';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prng } from '../../../src-main/platform/seed/prng';
import { createTestClient, loginAs } from '../../fixtures/test-client';
import { startTestPlatform, type TestPlatform } from '../../fixtures/test-platform';
import { withCache } from '../support/cache-reader';
import { FAULT_TASK_PREFIX } from '../support/client-runner-protocol';
import { PlatformProbe } from '../support/platform-probe';
import { killAllRunners, startRunner, type RunnerLine } from '../support/runner-process';
import { checkPlatformAgainstLog, WriteLog } from '../support/write-log';

const SEED = Number(process.env.FAULT_SEED ?? 20250604);
const KILLS = 52;
const WRITES_PER_RUN = 4;
/** Where a kill is aimed; each block of five runs aims once at each, in a seeded order. */
const TARGETS = ['startup', 'login', 'writes', 'push', 'pull'] as const;
type Target = (typeof TARGETS)[number];

let platform: TestPlatform;
const clientDir = mkdtempSync(join(tmpdir(), 'desk-sigkill-client-'));
const log = new WriteLog();
const prng = new Prng(SEED);
/** Where each kill landed: the last phase / request marker the runner printed before it died. */
const landed = new Map<string, number>();
const localViolations: string[] = [];
let finalLines: RunnerLine[] = [];
let finalExit: { code: number | null; signal: NodeJS.Signals | null; stderr: string } | undefined;
const timings = { killedRunsMs: 0, finalRunMs: 0, localChecksMs: 0 };

function shuffled<T>(items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = prng.int(0, i);
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

function recordLine(line: RunnerLine, run: number): void {
  if (line.kind === 'INTENT' || line.kind === 'ACK') {
    const space = line.rest.indexOf(' ');
    const entityKey = line.rest.slice(0, space);
    const description = line.rest.slice(space + 1);
    if (line.kind === 'INTENT') log.intent(entityKey, description, `run ${run}`);
    else log.ack(entityKey, description);
  }
}

function whereItLanded(lines: readonly RunnerLine[]): string {
  const last = [...lines]
    .reverse()
    .find((l) => l.kind === 'PHASE' || l.kind === 'REQ' || l.kind === 'INTENT' || l.kind === 'ACK');
  if (!last) return 'startup';
  if (last.kind === 'REQ') return last.rest === 'write' ? 'push' : 'pull';
  if (last.kind === 'INTENT' || last.kind === 'ACK') return 'writes';
  return last.rest === 'open' ? 'startup' : last.rest; // login, writes, sync, idle
}

/** One launch killed with SIGKILL at a point aimed at `target`. */
async function killedRun(
  run: number,
  target: Target,
  startupMs: number,
): Promise<{ landedAt: string; writesAt: number | undefined }> {
  const runner = startRunner({ url: platform.url, dataDir: clientDir, run, seed: SEED, writes: WRITES_PER_RUN });
  const nth = prng.int(1, 3); // which push / pull request to aim at
  const jitter = prng.next();
  let seen = 0;
  const killAfter = (ms: number) => setTimeout(() => runner.kill(), Math.round(ms));
  if (target === 'startup') killAfter(jitter * startupMs);
  runner.onLine((line) => {
    recordLine(line, run);
    if (target === 'login' && line.kind === 'PHASE' && line.rest === 'login') killAfter(jitter * 120);
    if (target === 'writes' && line.kind === 'PHASE' && line.rest === 'writes') killAfter(jitter * 40);
    if (
      (target === 'push' && line.kind === 'REQ' && line.rest === 'write') ||
      (target === 'pull' && line.kind === 'REQ' && line.rest === 'changes')
    ) {
      seen += 1;
      if (seen === nth) killAfter(jitter * 12);
    }
    if (line.kind === 'PHASE' && line.rest === 'idle') runner.kill(); // the aimed point never came: kill it anyway
  });
  const watchdog = setTimeout(() => runner.kill(), 30_000);
  const exit = await runner.exited;
  clearTimeout(watchdog);
  if (exit.signal !== 'SIGKILL') throw new Error(`run ${run} ended without being killed (${exit.code}): ${exit.stderr}`);
  return {
    landedAt: whereItLanded(runner.lines),
    writesAt: runner.lines.find((l) => l.kind === 'PHASE' && l.rest === 'writes')?.at,
  };
}

/** After a kill, on disk: every acknowledged write is still the local state, and the file is sound. */
async function checkLocalStateAfterKill(run: number): Promise<void> {
  const started = performance.now();
  const problems = await withCache(clientDir, (store) => {
    const found: string[] = [];
    const integrity = store.integrityCheck();
    if (!integrity.ok) found.push(`after run ${run}: integrity_check: ${integrity.problems.join('; ')}`);
    for (const [entityKey, writes] of log.entities()) {
      if (!writes.some((w) => w.acked)) continue;
      const cached = store.resources.get<Task>('Task', entityKey.split('/')[1]!);
      const admissible = WriteLog.admissibleLatest(writes);
      if (!cached) found.push(`after run ${run}: ${entityKey} is acknowledged but not in the cache`);
      else if (!admissible.has(cached.resource.description ?? '')) {
        found.push(
          `after run ${run}: ${entityKey} shows "${cached.resource.description}" locally, expected one of ${JSON.stringify([...admissible])}`,
        );
      }
    }
    return found;
  });
  if (problems === null && log.acked.length > 0)
    localViolations.push(`after run ${run}: writes were acknowledged but no profile exists`);
  localViolations.push(...(problems ?? []));
  timings.localChecksMs += performance.now() - started;
}

beforeAll(async () => {
  platform = await startTestPlatform();
  let startupMs = 1_500; // adapted to the measured time from spawn to the first local write
  const targets: Target[] = [];
  while (targets.length < KILLS) targets.push(...shuffled(TARGETS));
  const started = performance.now();
  for (let run = 1; run <= KILLS; run += 1) {
    const target = targets[run - 1]!;
    const result = await killedRun(run, target, startupMs);
    landed.set(result.landedAt, (landed.get(result.landedAt) ?? 0) + 1);
    if (result.writesAt !== undefined) startupMs = 0.7 * startupMs + 0.3 * result.writesAt;
    await checkLocalStateAfterKill(run);
  }
  timings.killedRunsMs = performance.now() - started;

  const finalStarted = performance.now();
  const runner = startRunner({
    url: platform.url,
    dataDir: clientDir,
    run: KILLS + 1,
    seed: SEED,
    writes: WRITES_PER_RUN,
    final: true,
  });
  runner.onLine((line) => recordLine(line, KILLS + 1));
  const watchdog = setTimeout(() => runner.kill(), 60_000);
  finalExit = await runner.exited;
  clearTimeout(watchdog);
  finalLines = runner.lines;
  timings.finalRunMs = performance.now() - finalStarted;
}, 240_000);

afterAll(async () => {
  killAllRunners();
  await platform?.stop();
  rmSync(clientDir, { recursive: true, force: true });
  console.info(
    `[sync.sigkill] seed ${SEED}: ${KILLS} SIGKILLs landed at ${JSON.stringify(Object.fromEntries(landed))}; ` +
      `${log.writes.length} local writes attempted, ${log.acked.length} acknowledged, over ${log.entities().size} Tasks; ` +
      `killed runs ${Math.round(timings.killedRunsMs)} ms, local checks ${Math.round(timings.localChecksMs)} ms, final run ${Math.round(timings.finalRunMs)} ms`,
  );
});

describe('client SIGKILL during sync (nothing lost, nothing twice)', () => {
  it('the client was killed at least 50 times, at login, during local writes, during push and during pull', () => {
    expect([...landed.values()].reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(50);
    for (const phase of ['login', 'writes', 'push', 'pull'])
      expect(landed.get(phase) ?? 0, `kills landing in ${phase}`).toBeGreaterThanOrEqual(3);
    expect(log.acked.length).toBeGreaterThanOrEqual(50);
  });

  it('an acknowledged local write survives SIGKILL in the cache and is never hidden by a later sync step', () => {
    expect(localViolations).toEqual([]);
  });

  it('after the kills, one more launch empties the outbox', () => {
    expect(finalExit, finalExit?.stderr).toMatchObject({ code: 0, signal: null });
    const done = finalLines.find((l) => l.kind === 'DONE');
    expect(done && JSON.parse(done.rest)).toEqual({ pending: 0, conflicts: 0 });
  });

  it('every acknowledged local write is on the platform exactly once, and each Task ends on its latest write', async () => {
    const probe = await PlatformProbe.login(platform.url);
    const check = await checkPlatformAgainstLog(probe, log, FAULT_TASK_PREFIX, { ordered: true });
    expect(check.violations).toEqual([]);
    expect(check.current.size).toBeGreaterThan(0);
  });

  it("the client's cache converges to the platform, passes integrity_check and keeps nothing in the outbox", async () => {
    const probe = await PlatformProbe.login(platform.url);
    const onPlatform = new Map(
      [...(await probe.current<Task>('Task'))].filter(([, t]) => t.description?.startsWith(FAULT_TASK_PREFIX)),
    );
    const state = await withCache(clientDir, (store) => ({
      integrity: store.integrityCheck(),
      unacked: store.outbox.countUnacked(),
      quarantined: store.quarantine.list().length,
      tasks: store.resources
        .listByType<Task>('Task', { limit: 100_000 })
        .filter((t) => t.resource.description?.startsWith(FAULT_TASK_PREFIX))
        .map((t) => ({ id: t.id, versionId: t.versionId, description: t.resource.description }))
        .sort((a, b) => a.id.localeCompare(b.id)),
    }));
    expect(state).not.toBeNull();
    expect(state!.integrity).toEqual({ ok: true, problems: [] });
    expect(state!.unacked).toBe(0);
    expect(state!.quarantined).toBe(0);
    const expected = [...onPlatform.values()]
      .map((t) => ({ id: t.id!, versionId: Number(t.meta!.versionId), description: t.description }))
      .sort((a, b) => a.id.localeCompare(b.id));
    expect(state!.tasks).toEqual(expected);
  });

  it('the killed profile still logs in and unlocks with the same passphrase', async () => {
    const core = createTestClient(platform.url, clientDir);
    try {
      await loginAs(core, 'nurse');
      expect(core.sessions.listProfiles()).toHaveLength(1);
    } finally {
      await core.close();
    }
  });
});
