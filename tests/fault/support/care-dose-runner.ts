/**
 * One "launch of the desk app" for the care SIGKILL fault test (tests/fault/client/care-doses.sigkill.test.ts):
 *   node --import tsx tests/fault/support/care-dose-runner.ts --url U --data-dir D --request R --from ISO --doses N [--final]
 * [--per-launch K]
 * with DESK_FAULT_PARK_AT=<point>#<n> naming where this launch must stop (phase-signals.ts).
 *
 * Logs in as the demo nurse (the first launch creates the profile, later ones unlock it), syncs (flushing what an
 * earlier launch left in the outbox), and with the sync
 * worker stopped (as offline) records the next K of the N doses of prescription R scheduled from `--from` that this
 * cache does not hold yet (the final launch: all that are left), each through the care API; then starts the worker, which flushes them in
 * batch Bundles, and syncs until nothing is pending. Lines on stdout:
 *   AT <point> <n> / PARKED <point> <n>   as in client-runner.ts
 *   ACK <doseId>      the dose's record call returned: acknowledged to the nurse
 *   DONE <json>       (--final) the outbox is empty; exits 0
 *   IDLE              (not --final) all done without reaching the park point; waits to be killed
 */
import { parseArgs } from 'node:util';
import type { MedicationRequest } from 'fhir/r4';
import { expandDoses } from '../../../src-shared/domain/care';
import { createTestClient, loginAs } from '../../fixtures/test-client';
import { PARK_ENV, parseParkTarget, PhaseSignals } from './phase-signals';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    'data-dir': { type: 'string' },
    request: { type: 'string' },
    from: { type: 'string' },
    doses: { type: 'string', default: '200' },
    'per-launch': { type: 'string', default: '200' },
    final: { type: 'boolean', default: false },
  },
  strict: true,
});
const say = (line: string) => process.stdout.write(`${line}\n`);
const signals = new PhaseSignals(
  (point, n) => say(`AT ${point} ${n}`),
  parseParkTarget(process.env[PARK_ENV]),
  (target) => say(`PARKED ${target.point} ${target.occurrence}`),
);

async function main(): Promise<void> {
  const core = createTestClient(values.url!, values['data-dir']!);
  signals.signal('startup:core-created');
  signals.signal('login:start');
  await loginAs(core, 'nurse');
  const session = core.sessions.require();
  signals.instrument(session);
  signals.signal('login:done');
  // The start-up sync (what a killed launch left in the outbox, then the feed) runs to its end first, so the
  // numbered signals below belong to this launch's own doses and their flush.
  await session.worker.nudge();
  signals.restartCount();
  await session.worker.stop();

  const request = session.store.resources.get<MedicationRequest>('MedicationRequest', values.request!)?.resource;
  if (!request) throw new Error(`prescription ${values.request} is not in the cache`);
  const from = new Date(values.from!);
  const doses = expandDoses(request, from, new Date(from.getTime() + 400 * 24 * 3_600_000)).slice(0, Number(values.doses));
  const todo = doses.filter((dose) => !session.store.resources.get('MedicationAdministration', dose.doseId)); // not recorded by an earlier launch
  for (const dose of values.final ? todo : todo.slice(0, Number(values['per-launch']))) {
    signals.signal('write:intent');
    const result = await core.desk.care.recordAdministration({
      requestId: values.request!,
      scheduledAt: dose.scheduledAt,
      outcome: 'given',
    });
    if (!result.ok) throw new Error(`dose ${dose.doseId}: ${JSON.stringify(result.error)}`);
    say(`ACK ${result.value.doseId}`);
    signals.signal('write:acked');
  }
  session.worker.start();
  for (let attempt = 0; ; attempt += 1) {
    const status = await core.desk.sync.now({});
    if (!status.ok) throw new Error(`sync.now failed: ${JSON.stringify(status.error)}`);
    if (status.value.pending === 0 && status.value.connectivity === 'online' && !session.worker.status.running) break;
    if (attempt >= 50) throw new Error(`stuck: ${JSON.stringify(status.value)}`);
  }
  if (values.final) {
    say(
      `DONE ${JSON.stringify({ pending: session.store.outbox.countUnacked(), conflicts: session.store.quarantine.list().length })}`,
    );
    await core.close();
    process.exit(0);
  }
  say('IDLE');
  setInterval(() => {}, 60_000);
}

main().catch((error: unknown) => {
  process.stderr.write(`care-dose-runner: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
