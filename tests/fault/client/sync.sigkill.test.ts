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
import { PHASE_POINTS, phaseOf, type ParkTarget, type PhasePoint } from '../support/phase-signals';
import { PlatformProbe } from '../support/platform-probe';
import { killAllRunners, startRunner, type RunnerLine } from '../support/runner-process';
import { checkPlatformAgainstLog, WriteLog } from '../support/write-log';

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
const clientDir = mkdtempSync(join(tmpdir(), 'desk-sigkill-client-'));
const log = new WriteLog();
const prng = new Prng(SEED);
/** Each kill: where it was aimed and where the child said it stopped ("missed" if it never did). */
const kills: { run: number; aimed: string; landed: string }[] = [];
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

/** The seeded kill schedule: every point once per round, in a shuffled order, each round at another occurrence. */
function schedule(): ParkTarget[] {
  const targets: ParkTarget[] = [];
  for (let round = 0; round < ROUNDS; round += 1)
    for (const point of shuffled(PHASE_POINTS)) targets.push({ point, occurrence: 1 + (round % occurrencesPerLaunch(point)) });
  return targets;
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

/** One launch, parked at `target` and killed there with SIGKILL. */
async function killedRun(run: number, target: ParkTarget): Promise<string> {
  const runner = startRunner({ url: platform.url, dataDir: clientDir, run, seed: SEED, writes: WRITES_PER_RUN, parkAt: target });
  runner.onLine((line) => {
    recordLine(line, run);
    if (line.kind === 'PARKED') runner.kill();
    if (line.kind === 'IDLE') runner.kill(); // the aimed point never came: the check below reports it
  });
  const exit = await runner.exited;
  if (exit.signal !== 'SIGKILL') throw new Error(`run ${run} ended without being killed (${exit.code}): ${exit.stderr}`);
  const parked = runner.lines.find((l) => l.kind === 'PARKED');
  return parked ? parked.rest.replace(' ', '#') : 'missed';
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
  const started = performance.now();
  for (const [index, target] of schedule().entries()) {
    const run = index + 1;
    const landed = await killedRun(run, target);
    kills.push({ run, aimed: `${target.point}#${target.occurrence}`, landed });
    await checkLocalStateAfterKill(run);
  }
  timings.killedRunsMs = performance.now() - started;

  const finalStarted = performance.now();
  const runner = startRunner({
    url: platform.url,
    dataDir: clientDir,
    run: kills.length + 1,
    seed: SEED,
    writes: WRITES_PER_RUN,
    final: true,
  });
  runner.onLine((line) => recordLine(line, kills.length + 1));
  finalExit = await runner.exited;
  finalLines = runner.lines;
  timings.finalRunMs = performance.now() - finalStarted;
}, 600_000);

afterAll(async () => {
  killAllRunners();
  await platform?.stop();
  rmSync(clientDir, { recursive: true, force: true });
  console.info(
    `[sync.sigkill] seed ${SEED}: ${kills.length} SIGKILLs, ${kills.filter((k) => k.landed === k.aimed).length} where aimed; ` +
      `${log.writes.length} local writes attempted, ${log.acked.length} acknowledged, over ${log.entities().size} Tasks; ` +
      `killed runs ${Math.round(timings.killedRunsMs)} ms, local checks ${Math.round(timings.localChecksMs)} ms, final run ${Math.round(timings.finalRunMs)} ms`,
  );
});

describe('client SIGKILL during sync (nothing lost, nothing twice)', () => {
  it('the client was killed at least 50 times, each time exactly at the phase point aimed at', () => {
    expect(kills.length).toBeGreaterThanOrEqual(50);
    expect(kills.filter((k) => k.landed !== k.aimed)).toEqual([]);
    for (const phase of ['startup', 'login', 'write', 'push', 'pull']) {
      const inPhase = kills.filter((k) => k.landed.startsWith(`${phase}:`)).length;
      expect(inPhase, `kills landing in ${phase}`).toBeGreaterThanOrEqual(ROUNDS);
    }
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
