/** The clock and timer AutoLock runs on; tests pass a fake one. */
export interface IdleClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: IdleClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const handle = setTimeout(fn, ms);
    // An idle timer must not keep a Node process (tests, the browser shell) alive on its own.
    handle.unref();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * Calls `onIdle` once after `idleMs` without `touch()`. `touch()` only records the time, so it is
 * cheap enough to call on every keystroke; the single pending timer re-arms itself for the remainder.
 */
export class AutoLock {
  private lastActivity: number;
  private handle: unknown = null;
  private stopped = false;

  constructor(
    private readonly idleMs: number,
    private readonly onIdle: () => void,
    private readonly clock: IdleClock = systemClock,
  ) {
    if (!(idleMs > 0)) throw new RangeError('idleMs must be positive');
    this.lastActivity = clock.now();
    this.arm(idleMs);
  }

  touch(): void {
    if (!this.stopped) this.lastActivity = this.clock.now();
  }

  stop(): void {
    this.stopped = true;
    if (this.handle !== null) this.clock.clearTimeout(this.handle);
    this.handle = null;
  }

  private arm(delay: number): void {
    this.handle = this.clock.setTimeout(() => this.check(), delay);
  }

  private check(): void {
    this.handle = null;
    if (this.stopped) return;
    const idleFor = this.clock.now() - this.lastActivity;
    if (idleFor >= this.idleMs) {
      this.stop();
      this.onIdle();
    } else {
      this.arm(this.idleMs - idleFor);
    }
  }
}
