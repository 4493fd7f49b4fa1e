import { PlatformError } from '../platform-client';
import type { PullReport, PushReport, SyncProgress } from './sync-engine';

/** What the worker runs: the engine's two phases, possibly with follow-up work (e.g. opening new mail). */
export interface SyncSteps {
  push(): Promise<PushReport>;
  pull(): Promise<PullReport>;
}

export type Connectivity = 'online' | 'offline' | 'unauthenticated';

export interface SyncWorkerState {
  connectivity: Connectivity;
  running: boolean;
  lastSuccessAt: string | null;
  lastError: string | null;
  progress: SyncProgress | null;
}

export interface SyncWorkerOptions {
  /** A sync runs at least this often, whether or not anything was written locally. */
  periodMs?: number;
  /** Backoff after failures: base doubling up to max, with full jitter. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  random?: () => number;
  now?: () => Date;
  onChange?: (state: SyncWorkerState) => void;
}

/**
 * Runs one profile's sync: never two at once, periodically, right away when nudged (a local write,
 * the network coming back, "sync now"), and with jittered exponential backoff after failures so a
 * fleet of laptops does not hammer a recovering platform in step.
 */
export class SyncWorker {
  private timer: NodeJS.Timeout | null = null;
  private current: Promise<void> | null = null;
  private followUp: Promise<void> | null = null;
  private failures = 0;
  private stopped = false;
  private readonly state: SyncWorkerState = {
    connectivity: 'offline',
    running: false,
    lastSuccessAt: null,
    lastError: null,
    progress: null,
  };
  private readonly periodMs: number;
  private readonly backoffBaseMs: number;
  private readonly backoffMaxMs: number;
  private readonly random: () => number;
  private readonly now: () => Date;

  constructor(
    private readonly engine: SyncSteps,
    private readonly options: SyncWorkerOptions = {},
  ) {
    this.periodMs = options.periodMs ?? 30_000;
    this.backoffBaseMs = options.backoffBaseMs ?? 1_000;
    this.backoffMaxMs = options.backoffMaxMs ?? 5 * 60_000;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? (() => new Date());
  }

  get status(): Readonly<SyncWorkerState> {
    return this.state;
  }

  start(): void {
    this.stopped = false;
    this.nudge();
  }

  /**
   * Sync as soon as possible. Resolves when a sync that started after this call has finished: a sync
   * already running may have pushed before the write that prompted the nudge, so one more follows it
   * (however many nudges arrive meanwhile).
   */
  nudge(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.current) {
      this.followUp ??= this.current.then(() => {
        this.followUp = null;
        return this.nudge();
      });
      return this.followUp;
    }
    this.clearTimer();
    this.current = this.run().finally(() => {
      this.current = null;
    });
    return this.current;
  }

  reportProgress(progress: SyncProgress): void {
    this.update({ progress });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.clearTimer();
    await this.current?.catch(() => {});
  }

  /** Delay before the next attempt after `failures` failures in a row: full jitter over an exponential cap. */
  backoffDelay(failures: number): number {
    const cap = Math.min(this.backoffMaxMs, this.backoffBaseMs * 2 ** Math.min(failures - 1, 20));
    return Math.max(this.backoffBaseMs / 2, Math.round(this.random() * cap));
  }

  private async run(): Promise<void> {
    this.update({ running: true, progress: null });
    try {
      const pushed = await this.engine.push();
      await this.engine.pull();
      if (pushed.interrupted) throw new PlatformError({ kind: 'unreachable', detail: 'push interrupted' });
      this.failures = 0;
      this.update({ connectivity: 'online', lastSuccessAt: this.now().toISOString(), lastError: null });
      this.schedule(this.periodMs);
    } catch (error) {
      this.failures += 1;
      const unauthenticated = error instanceof PlatformError && error.failure.kind === 'unauthenticated';
      this.update({
        connectivity: unauthenticated ? 'unauthenticated' : 'offline',
        lastError: error instanceof PlatformError ? error.failure.kind : 'internal',
      });
      // Without a valid login only the periodic timer retries; otherwise back off with jitter.
      this.schedule(unauthenticated ? this.periodMs : this.backoffDelay(this.failures));
    } finally {
      this.update({ running: false, progress: null });
    }
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.clearTimer();
    this.timer = setTimeout(() => void this.nudge(), delay);
    this.timer.unref?.();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private update(patch: Partial<SyncWorkerState>): void {
    Object.assign(this.state, patch);
    this.options.onChange?.({ ...this.state });
  }
}
