/**
 * A SIGKILL campaign against the desk client (the machinery the client SIGKILL fault tests share):
 * launches of tests/fault/support/client-runner.ts on one data dir, each parked on a phase signal and
 * killed there, the cache checked on disk after every kill, then one launch run to completion; and
 * the closing checks that nothing acknowledged was lost and nothing arrived twice.
 */
import type { Task } from 'fhir/r4';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withCache } from './cache-reader';
import { FAULT_TASK_PREFIX } from './client-runner-protocol';
import type { ParkTarget } from './phase-signals';
import { PlatformProbe } from './platform-probe';
import { killAllRunners, startRunner, type RunnerLine } from './runner-process';
import { checkPlatformAgainstLog, WriteLog, type PlatformCheck } from './write-log';

export interface Kill {
  run: number;
  aimed: string;
  /** Where the child said it stopped ("missed" if it never did). */
  landed: string;
  /** The sizes of the batches the launch sent before it stopped (from its BATCH lines). */
  batches: number[];
}

export interface CampaignOptions {
  platformUrl: string;
  seed: number;
  writesPerRun: number;
  /** Launches make their writes first and push them together (client-runner --queue-first). */
  queueFirst?: boolean;
}

export class SigkillCampaign {
  readonly clientDir = mkdtempSync(join(tmpdir(), 'desk-sigkill-client-'));
  readonly log = new WriteLog();
  readonly kills: Kill[] = [];
  readonly localViolations: string[] = [];
  finalLines: RunnerLine[] = [];
  finalExit: { code: number | null; signal: NodeJS.Signals | null; stderr: string } | undefined;
  readonly timings = { killedRunsMs: 0, finalRunMs: 0, localChecksMs: 0 };

  constructor(private readonly options: CampaignOptions) {}

  private recordLine(line: RunnerLine, run: number): void {
    if (line.kind !== 'INTENT' && line.kind !== 'ACK') return;
    const space = line.rest.indexOf(' ');
    const entityKey = line.rest.slice(0, space);
    const description = line.rest.slice(space + 1);
    if (line.kind === 'INTENT') this.log.intent(entityKey, description, `run ${run}`);
    else this.log.ack(entityKey, description);
  }

  private start(run: number, extra: { parkAt?: ParkTarget; final?: boolean }) {
    return startRunner({
      url: this.options.platformUrl,
      dataDir: this.clientDir,
      run,
      seed: this.options.seed,
      writes: this.options.writesPerRun,
      ...(this.options.queueFirst && !extra.final ? { queueFirst: true } : {}),
      ...extra,
    });
  }

  /** Every target in turn: a launch parked there and killed, then the cache checked on disk. */
  async killAt(targets: readonly ParkTarget[]): Promise<void> {
    const started = performance.now();
    for (const target of targets) {
      const run = this.kills.length + 1;
      const runner = this.start(run, { parkAt: target });
      runner.onLine((line) => {
        this.recordLine(line, run);
        if (line.kind === 'PARKED') runner.kill();
        if (line.kind === 'IDLE') runner.kill(); // the aimed point never came: the checks report it
      });
      const exit = await runner.exited;
      if (exit.signal !== 'SIGKILL') throw new Error(`run ${run} ended without being killed (${exit.code}): ${exit.stderr}`);
      const parked = runner.lines.find((l) => l.kind === 'PARKED');
      this.kills.push({
        run,
        aimed: `${target.point}#${target.occurrence}`,
        landed: parked ? parked.rest.replace(' ', '#') : 'missed',
        batches: runner.lines.filter((l) => l.kind === 'BATCH').map((l) => Number(l.rest)),
      });
      await this.checkLocalStateAfterKill(run);
    }
    this.timings.killedRunsMs += performance.now() - started;
  }

  /** After a kill, on disk: every acknowledged write is still the local state, and the file is sound. */
  private async checkLocalStateAfterKill(run: number): Promise<void> {
    const started = performance.now();
    const problems = await withCache(this.clientDir, (store) => {
      const found: string[] = [];
      const integrity = store.integrityCheck();
      if (!integrity.ok) found.push(`after run ${run}: integrity_check: ${integrity.problems.join('; ')}`);
      for (const [entityKey, writes] of this.log.entities()) {
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
    if (problems === null && this.log.acked.length > 0)
      this.localViolations.push(`after run ${run}: writes were acknowledged but no profile exists`);
    this.localViolations.push(...(problems ?? []));
    this.timings.localChecksMs += performance.now() - started;
  }

  /** One more launch, not killed: it must empty the outbox. */
  async finish(): Promise<void> {
    const started = performance.now();
    const run = this.kills.length + 1;
    const runner = this.start(run, { final: true });
    runner.onLine((line) => this.recordLine(line, run));
    this.finalExit = await runner.exited;
    this.finalLines = runner.lines;
    this.timings.finalRunMs = performance.now() - started;
  }

  /** "Nothing lost, nothing twice" on the platform: each Task once per acknowledged write, in order. */
  async platformCheck(): Promise<PlatformCheck> {
    return checkPlatformAgainstLog(await PlatformProbe.login(this.options.platformUrl), this.log, FAULT_TASK_PREFIX, {
      ordered: true,
    });
  }

  /** The client's cache against the platform once the campaign is over. */
  async convergence() {
    const probe = await PlatformProbe.login(this.options.platformUrl);
    const onPlatform = [...(await probe.current<Task>('Task'))]
      .filter(([, t]) => t.description?.startsWith(FAULT_TASK_PREFIX))
      .map(([, t]) => ({ id: t.id!, versionId: Number(t.meta!.versionId), description: t.description }))
      .sort((a, b) => a.id.localeCompare(b.id));
    const cache = await withCache(this.clientDir, (store) => ({
      integrity: store.integrityCheck(),
      unacked: store.outbox.countUnacked(),
      quarantined: store.quarantine.list().length,
      tasks: store.resources
        .listByType<Task>('Task', { limit: 100_000 })
        .filter((t) => t.resource.description?.startsWith(FAULT_TASK_PREFIX))
        .map((t) => ({ id: t.id, versionId: t.versionId, description: t.resource.description }))
        .sort((a, b) => a.id.localeCompare(b.id)),
    }));
    return { onPlatform, cache };
  }

  dispose(): void {
    killAllRunners();
    rmSync(this.clientDir, { recursive: true, force: true });
  }

  summary(name: string): string {
    const { kills, log, timings } = this;
    return (
      `[${name}] seed ${this.options.seed}: ${kills.length} SIGKILLs, ${kills.filter((k) => k.landed === k.aimed).length} where aimed; ` +
      `${log.writes.length} local writes attempted, ${log.acked.length} acknowledged, over ${log.entities().size} Tasks; ` +
      `killed runs ${Math.round(timings.killedRunsMs)} ms, local checks ${Math.round(timings.localChecksMs)} ms, final run ${Math.round(timings.finalRunMs)} ms`
    );
  }
}
