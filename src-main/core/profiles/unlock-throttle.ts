import { readFileSync, rmSync } from 'node:fs';
import { z } from 'zod';
import { DeskError } from '../../../src-shared/domain/errors';
import { writeFileDurably } from '../store/durable-file';

/** Wrong passphrases answered at once; a typo or two never makes anyone wait. */
export const FREE_ATTEMPTS = 5;
const FIRST_DELAY_MS = 30_000;
/** The delay doubles per further failure up to this: an hour per guess makes guessing hopeless. */
const MAX_DELAY_MS = 60 * 60_000;

/** How long a try must wait after `failures` consecutive failures, the last at `lastFailureAt`. */
export function delayAfter(failures: number): number {
  if (failures < FREE_ATTEMPTS) return 0;
  return Math.min(FIRST_DELAY_MS * 2 ** (failures - FREE_ATTEMPTS), MAX_DELAY_MS);
}

const stateSchema = z.object({ version: z.literal(1), failures: z.number().int().min(0), lastFailureAt: z.number() }).strict();
type ThrottleState = Omit<z.infer<typeof stateSchema>, 'version'>;

const NO_FAILURES: ThrottleState = { failures: 0, lastFailureAt: 0 };

/**
 * Limits passphrase tries on one profile (offline unlock in both shells, and every other check of the
 * passphrase). The count lives in the profile's folder, so restarting the app does not reset it, and
 * a try is counted *before* the passphrase is checked: parallel tries each see the ones before them,
 * and a crash during the check counts as a failure. A success clears the count.
 *
 * It slows a person or a script at the app; it is not a defence against someone who can write the
 * profile's folder (they can copy the key file and guess offline, which scrypt's cost is for).
 */
export class UnlockThrottle {
  constructor(
    private readonly path: string,
    private readonly now: () => number,
  ) {}

  /** Runs `check` (which verifies the passphrase) unless the profile must wait; see the class comment. */
  async guard<T>(check: () => Promise<T>): Promise<T> {
    const before = this.readText();
    const state = this.parse(before);
    const now = this.now();
    const delay = delayAfter(state.failures);
    // A clock set back must not turn the delay into days: never wait longer than the delay itself.
    const waitMs = Math.min(state.lastFailureAt + delay - now, delay);
    if (waitMs > 0) {
      const seconds = Math.ceil(waitMs / 1000);
      throw new DeskError('rate_limited', `too many wrong passphrases: try again in ${seconds} s`, 'passphrase', seconds);
    }
    const counted = this.write({ failures: state.failures + 1, lastFailureAt: now });
    let result: T;
    try {
      result = await check();
    } catch (error) {
      // Only a wrong passphrase is a failed guess; a damaged file or a full disk is not the user's try.
      if (!(error instanceof DeskError && error.code === 'wrong_passphrase')) this.uncount(counted, before);
      throw error;
    }
    this.write(NO_FAILURES);
    return result;
  }

  /** Takes back one counted try: the file as it was when nothing happened in between, else one less. */
  private uncount(counted: string, before: string | null): void {
    const current = this.readText();
    if (current === counted) {
      if (before === null) rmSync(this.path, { force: true });
      else writeFileDurably(this.path, before);
      return;
    }
    const state = this.parse(current);
    this.write({ ...state, failures: Math.max(0, state.failures - 1) });
  }

  private readText(): string | null {
    try {
      return readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  private parse(text: string | null): ThrottleState {
    if (text === null) return NO_FAILURES;
    try {
      const { failures, lastFailureAt } = stateSchema.parse(JSON.parse(text));
      return { failures, lastFailureAt };
    } catch {
      // Written atomically, so only a foreign hand damages it: treat it as at the limit from now on
      // (written back, so the delay runs out), never as a clean slate.
      const atLimit = { failures: FREE_ATTEMPTS, lastFailureAt: this.now() };
      this.write(atLimit);
      return atLimit;
    }
  }

  /** Writes the state atomically and returns the text written. */
  private write(state: ThrottleState): string {
    const text = `${JSON.stringify({ version: 1, ...state })}\n`;
    writeFileDurably(this.path, text);
    return text;
  }
}
