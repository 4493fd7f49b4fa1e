/**
 * What every fault runner — one "launch of the desk app" as a child process (client-runner.ts,
 * care-dose-runner.ts, blob-runner.ts) — does alike: the common lines of its stdout protocol, its phase
 * signals, the logged-in start, syncing until settled, and the end of the launch.
 *
 * Lines every runner prints (stdout to a pipe is synchronous on Linux, so a line printed before the process
 * parks reaches the parent):
 *   AT <point> <n>          the nth signal of a phase point (phase-signals.ts)
 *   PARKED <point> <n>      stopped for good at that signal: the parent kills it here
 *   DONE <json>             (--final) the outbox is empty; exits 0
 *   STUCK <json>            could not empty the outbox; exits 1
 *   IDLE                    (not --final) all done without reaching the park point; waits to be killed
 */
import type { Core } from '../../../src-main/core';
import type { ActiveSession } from '../../../src-main/core/session/active-session';
import type { Role } from '../../../src-shared/domain/roles';
import { createTestClient, loginAs } from '../../fixtures/test-client';
import { PARK_ENV, parseParkTarget, PhaseSignals } from './phase-signals';

/** Prints one line of the protocol. */
export const say = (line: string) => process.stdout.write(`${line}\n`);

/** This launch's phase signals, parked where DESK_FAULT_PARK_AT says (a runner is a process of its own). */
export const signals = new PhaseSignals(
  (point, n) => say(`AT ${point} ${n}`),
  parseParkTarget(process.env[PARK_ENV]),
  (target) => say(`PARKED ${target.point} ${target.occurrence}`),
);

export interface LaunchHooks {
  /** Wraps session calls before the phase signals do: a line it prints comes once its step is done, before a signal that may park. */
  insideSignals?(session: ActiveSession): void;
  /** Wraps session calls around the phase signals: a line it prints comes before their signals. */
  outsideSignals?(session: ActiveSession): void;
}

/**
 * Opens the client core on `dataDir` against the platform at `url` and logs in as the role's demo account (the
 * first launch creates the profile, later ones unlock it), signalling the start-up and the login around it;
 * the session is instrumented (phase-signals.ts) by the time `login:done` is signalled.
 */
export async function launchLoggedIn(
  url: string,
  dataDir: string,
  role: Role,
  hooks: LaunchHooks = {},
): Promise<{ core: Core; session: ActiveSession }> {
  const core = createTestClient(url, dataDir);
  signals.signal('startup:core-created');
  signals.signal('login:start');
  await loginAs(core, role);
  const session = core.sessions.require();
  hooks.insideSignals?.(session);
  signals.instrument(session);
  hooks.outsideSignals?.(session);
  signals.signal('login:done');
  return { core, session };
}

/**
 * Syncs until nothing is pending (nor, unless `conflictsAllowed`, in conflict), online, with the worker idle;
 * after 50 rounds says STUCK and exits 1.
 */
export async function syncUntilSettled(core: Core, session: ActiveSession, options: { conflictsAllowed?: boolean } = {}) {
  for (let attempt = 0; ; attempt += 1) {
    const status = await core.desk.sync.now({});
    if (!status.ok) throw new Error(`sync.now failed: ${JSON.stringify(status.error)}`);
    const { pending, conflicts, connectivity } = status.value;
    const settled = pending === 0 && (options.conflictsAllowed || conflicts === 0);
    if (settled && connectivity === 'online' && !session.worker.status.running) return;
    if (attempt >= 50) {
      say(`STUCK ${JSON.stringify({ pending, conflicts, connectivity, lastError: session.worker.status.lastError })}`);
      await core.close();
      process.exit(1);
    }
  }
}

/** Ends the launch: with --final, DONE (what the outbox and the quarantine still hold) and exit 0; otherwise IDLE, and up until killed. */
export async function endLaunch(core: Core, session: ActiveSession, final: boolean): Promise<void> {
  if (final) {
    say(
      `DONE ${JSON.stringify({ pending: session.store.outbox.countUnacked(), conflicts: session.store.quarantine.list().length })}`,
    );
    await core.close();
    process.exit(0);
  }
  say('IDLE');
  setInterval(() => {}, 60_000); // stay up until killed
}

/** Runs the launch; an error ends the process with exit 1 and its stack on stderr, under the runner's name. */
export function runLaunch(runner: string, main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    process.stderr.write(`${runner}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
