/**
 * One "launch of the desk app" for the client SIGKILL fault test, run as a child process:
 *   node --import tsx tests/fault/support/client-runner.ts --url U --data-dir D --run N --seed S --writes W [--final]
 *
 * Opens a client core on D against the platform at U, logs in as the demo nurse (the first run creates
 * the profile, later runs unlock it with the same passphrase), makes W local writes (new Tasks and edits
 * of Tasks already in the cache) while the sync worker runs, then syncs until nothing is pending.
 *
 * Every line on stdout is a fact the parent relies on (stdout to a pipe is synchronous on Linux, so a
 * line printed before a SIGKILL reaches the parent):
 *   PHASE <name>            entering a phase (open, login, writes, sync, idle)
 *   REQ <write|changes>     a push request / a pull page request is about to leave
 *   INTENT <key> <desc>     a local write is about to be made (it may or may not commit)
 *   ACK <key> <desc>        the local write call returned: the write is acknowledged to the user
 *   DONE <json>             (--final) the outbox is empty; exits 0
 *   STUCK <json>            (--final) could not empty the outbox; exits 1
 * Non-final runs wait in PHASE idle until the parent kills them.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { Task } from 'fhir/r4';
import { Prng } from '../../../src-main/platform/seed/prng';
import { createTestClient, loginAs } from '../../fixtures/test-client';
import { FAULT_TASK_PREFIX } from './client-runner-protocol';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    'data-dir': { type: 'string' },
    run: { type: 'string', default: '0' },
    seed: { type: 'string', default: '1' },
    writes: { type: 'string', default: '4' },
    final: { type: 'boolean', default: false },
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
const prng = new Prng(Number(values.seed) * 7919 + run);

const say = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  say('PHASE open');
  const core = createTestClient(values.url!, values['data-dir']!);
  say('PHASE login');
  await loginAs(core, 'nurse');
  const session = core.sessions.require();

  // Markers just before each request leaves, so the parent can aim kills at push and pull.
  const client = session.client;
  const write = client.write.bind(client);
  const changes = client.changes.bind(client);
  client.write = ((op: Parameters<typeof write>[0]) => {
    say('REQ write');
    return write(op);
  }) as typeof client.write;
  client.changes = ((cursor: string | null, count: number) => {
    say('REQ changes');
    return changes(cursor, count);
  }) as typeof client.changes;

  say('PHASE writes');
  for (let k = 0; k < writes; k += 1) {
    const description = `${FAULT_TASK_PREFIX}r${run} w${k}`;
    const existing = session.store.resources
      .listByType<Task>('Task', { limit: 10_000 })
      .filter((t) => t.resource.description?.startsWith(FAULT_TASK_PREFIX));
    if (existing.length === 0 || prng.chance(0.4)) {
      const id = randomUUID();
      say(`INTENT Task/${id} ${description}`);
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
      session.writes.update({ ...target.resource, description } as Task & { id: string }, String(target.versionId));
      say(`ACK Task/${target.id} ${description}`);
    }
    // Let the worker (nudged by each write) interleave its push with the next writes.
    if (prng.chance(0.5)) await new Promise((r) => setTimeout(r, prng.int(0, 15)));
  }

  say('PHASE sync');
  for (let attempt = 0; ; attempt += 1) {
    const status = await core.desk.sync.now({});
    if (!status.ok) throw new Error(`sync.now failed: ${JSON.stringify(status.error)}`);
    const { pending, conflicts, connectivity } = status.value;
    if (pending === 0 && conflicts === 0 && connectivity === 'online' && !session.worker.status.running) break;
    if (attempt >= 200) {
      say(`STUCK ${JSON.stringify({ pending, conflicts, connectivity, lastError: session.worker.status.lastError })}`);
      await core.close();
      process.exit(1);
    }
    await new Promise((r) => setTimeout(r, 20));
  }

  if (final) {
    say(
      `DONE ${JSON.stringify({ pending: session.store.outbox.countUnacked(), conflicts: session.store.quarantine.list().length })}`,
    );
    await core.close();
    process.exit(0);
  }
  say('PHASE idle');
  setInterval(() => {}, 60_000); // stay up until killed
}

main().catch((error: unknown) => {
  process.stderr.write(`client-runner: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
