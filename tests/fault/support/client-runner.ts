/**
 * One "launch of the desk app" for the client SIGKILL fault test, run as a child process:
 *   node --import tsx tests/fault/support/client-runner.ts --url U --data-dir D --run N --seed S --writes W [--final] [--queue-first]
 * with DESK_FAULT_PARK_AT=<point>#<n> (see phase-signals.ts) naming where this launch must stop.
 *
 * Opens a client core on D against the platform at U, logs in as the demo nurse (the first run creates
 * the profile, later runs unlock it with the same passphrase), lets the start-up sync finish, makes W
 * local writes (new Tasks and edits of Tasks already in the cache) while the sync worker pushes them,
 * then syncs until nothing is pending. With --queue-first the W writes are all made while the worker is
 * stopped, then it starts: they leave together, in batch Bundles (kills can land in the middle of one). Nothing here waits on a timer: the writes step on the worker's
 * own phase signals, so one seed gives one sequence of events.
 *
 * Every line on stdout is a fact the parent relies on: AT, PARKED, DONE, STUCK and IDLE as every runner
 * (runner-launch.ts), and
 *   INTENT <key> <desc>     a local write is about to be made (it may or may not commit)
 *   ACK <key> <desc>        the local write call returned: the write is acknowledged to the user
 *   BATCH <n>               a batch of n operations is about to leave (its n push:request signals follow)
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { Task } from 'fhir/r4';
import { Prng } from '../../../src-main/platform/seed/prng';
import { FAULT_TASK_PREFIX } from './client-runner-protocol';
import { endLaunch, launchLoggedIn, runLaunch, say, signals, syncUntilSettled } from './runner-launch';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    'data-dir': { type: 'string' },
    run: { type: 'string', default: '0' },
    seed: { type: 'string', default: '1' },
    writes: { type: 'string', default: '4' },
    final: { type: 'boolean', default: false },
    'queue-first': { type: 'boolean', default: false },
  },
  strict: true,
});
if (!values.url || !values['data-dir']) {
  process.stderr.write('client-runner: --url and --data-dir are required\n');
  process.exit(2);
}
const run = Number(values.run);
const writes = Number(values.writes);
const final = values.final === true;
const queueFirst = values['queue-first'] === true;
const prng = new Prng(Number(values.seed) * 7919 + run);

async function main(): Promise<void> {
  const { core, session } = await launchLoggedIn(values.url!, values['data-dir']!, 'nurse', {
    // Said before the batch's push:request signals, so the parent knows where each batch begins and ends.
    outsideSignals({ client }) {
      const writeBatch = client.writeBatch.bind(client);
      client.writeBatch = (ops) => {
        say(`BATCH ${ops.length}`);
        return writeBatch(ops);
      };
    },
  });
  // The start-up sync (operations a killed launch left behind, then the feed) runs to its end first, so
  // the numbered sync signals below always belong to this launch's own writes.
  await session.worker.nudge();
  signals.restartCount();
  // --queue-first: as offline, every write waits in the outbox; the worker then sends them in batches.
  if (queueFirst) await session.worker.stop();

  for (let k = 0; k < writes; k += 1) {
    const description = `${FAULT_TASK_PREFIX}r${run} w${k}`;
    const existing = session.store.resources
      .listByType<Task>('Task', { limit: 10_000 })
      .filter((t) => t.resource.description?.startsWith(FAULT_TASK_PREFIX));
    // Sometimes let the worker (nudged by the previous write) settle an operation before the next write.
    const settled = !queueFirst && prng.chance(0.5) ? signals.next('push:op-acked') : null;
    if (existing.length === 0 || prng.chance(0.4)) {
      const id = randomUUID();
      say(`INTENT Task/${id} ${description}`);
      signals.signal('write:intent');
      session.writes.create<Task>({
        resourceType: 'Task',
        id,
        status: 'requested',
        intent: 'order',
        description,
        for: { reference: 'Patient/demo-patient' },
      });
      say(`ACK Task/${id} ${description}`);
    } else {
      const target = prng.pick(existing);
      say(`INTENT Task/${target.id} ${description}`);
      signals.signal('write:intent');
      session.writes.update({ ...target.resource, description } as Task & { id: string }, String(target.versionId));
      say(`ACK Task/${target.id} ${description}`);
    }
    signals.signal('write:acked');
    // (or the end of the next sync run, should a push fail and the worker wait out a backoff)
    if (settled) await Promise.race([settled, session.worker.nudge()]);
  }
  if (queueFirst) session.worker.start();

  await syncUntilSettled(core, session);
  await endLaunch(core, session, final);
}

runLaunch('client-runner', main);
