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
 *   AT, PARKED, DONE, STUCK, IDLE   as every runner (runner-launch.ts)
 *   ACK <doseId>      the dose's record call returned: acknowledged to the nurse
 */
import { parseArgs } from 'node:util';
import type { MedicationRequest } from 'fhir/r4';
import { expandDoses } from '../../../src-shared/domain/care';
import { endLaunch, launchLoggedIn, runLaunch, say, signals, syncUntilSettled } from './runner-launch';

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

async function main(): Promise<void> {
  const { core, session } = await launchLoggedIn(values.url!, values['data-dir']!, 'nurse');
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
  await syncUntilSettled(core, session, { conflictsAllowed: true });
  await endLaunch(core, session, values.final === true);
}

runLaunch('care-dose-runner', main);
