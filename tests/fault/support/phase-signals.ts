/**
 * Phase signals: the test-only hook the fault tests place their kills and faults on, instead of timers.
 *
 * `instrument(session)` wraps, on one live client session, the calls that mark each boundary of the
 * sync protocol (ARCHITECTURE §6), so the test knows exactly where the process under test is:
 *   push:request          an outbox operation is about to leave (once per operation of a batch)
 *   push:answered         the platform answered it (and committed); the client has not recorded that yet
 *                         (once per operation of a batch: the nth of a batch is a kill mid-batch)
 *   push:ack-uncommitted  the acknowledgement is written inside its transaction, not yet committed (a
 *                         batch's acknowledgements share one transaction: its nth is mid-batch)
 *   push:op-acked         the operation is settled (acknowledged, or quarantined) and committed
 *   pull:request          a `$changes` page request is about to leave
 *   pull:page-received    the page arrived; nothing of it is applied yet
 *   pull:cursor-uncommitted  the page and its cursor are written inside one transaction, not yet committed
 *   pull:page-applied     the page and its cursor are committed
 *   write:uncommitted     a local write and its outbox operation are written, not yet committed
 *   blob:upload-request   an upload chunk is about to leave (attachment queue)
 *   blob:upload-answered  the platform answered the chunk (and holds it); the client has not recorded that yet
 *   blob:upload-confirmed the confirmed offset is recorded (committed) in the cache
 *   blob:download-request a ranged GET of a Binary's bytes is about to leave
 *   blob:download-received  the range arrived; nothing of it is stored yet
 *   blob:download-stored  the chunk is appended (committed) to the cache
 * The runner adds the points it crosses itself (startup, login, write intent / acknowledgement).
 *
 * A signal is numbered per point (1, 2, …). In a child process, `parkAt` stops the process at the nth
 * signal of one point — synchronously, so nothing after that point runs — until the parent kills it.
 * In-process, `next(point)` resolves at the next signal, so a test can step on it instead of sleeping.
 */
import type { ActiveSession } from '../../../src-main/core/session/active-session';
import { CHANGES_CURSOR_KEY } from '../../../src-main/core/sync';

/** The points of the sync protocol (the sync fault tests aim at these). */
export const SYNC_PHASE_POINTS = [
  'startup:core-created',
  'login:start',
  'login:done',
  'write:intent',
  'write:uncommitted',
  'write:acked',
  'push:request',
  'push:answered',
  'push:ack-uncommitted',
  'push:op-acked',
  'pull:request',
  'pull:page-received',
  'pull:cursor-uncommitted',
  'pull:page-applied',
] as const;

/** The points of the attachment queue's transfers (tests/fault/client/attachments.sigkill.test.ts). */
export const BLOB_PHASE_POINTS = [
  'blob:upload-request',
  'blob:upload-answered',
  'blob:upload-confirmed',
  'blob:download-request',
  'blob:download-received',
  'blob:download-stored',
] as const;

export const PHASE_POINTS = [...SYNC_PHASE_POINTS, ...BLOB_PHASE_POINTS] as const;
export type PhasePoint = (typeof PHASE_POINTS)[number];

/** The phase a point belongs to: the part before the colon. */
export const phaseOf = (point: PhasePoint) => point.slice(0, point.indexOf(':'));

/** Where a child process must park: `<point>#<n>`, given to the runner in this environment variable. */
export const PARK_ENV = 'DESK_FAULT_PARK_AT';

export interface ParkTarget {
  point: PhasePoint;
  occurrence: number;
}

export function parseParkTarget(value: string | undefined): ParkTarget | null {
  if (!value) return null;
  const [point, n] = value.split('#');
  if (!PHASE_POINTS.includes(point as PhasePoint) || !/^[1-9]\d*$/.test(n ?? ''))
    throw new Error(`${PARK_ENV}: expected <point>#<n> with a point of ${PHASE_POINTS.join(', ')}; got "${value}"`);
  return { point: point as PhasePoint, occurrence: Number(n) };
}

export const formatParkTarget = (target: ParkTarget) => `${target.point}#${target.occurrence}`;

/** Blocks the whole process (event loop included) for good: only a signal from outside ends it. */
function parkForever(): never {
  const cell = new Int32Array(new SharedArrayBuffer(4));
  for (;;) Atomics.wait(cell, 0, 0);
}

export class PhaseSignals {
  private readonly counts = new Map<PhasePoint, number>();
  private readonly waiters: { point: PhasePoint; resolve: () => void }[] = [];

  /**
   * @param onSignal  called synchronously at every signal (a child prints it for its parent)
   * @param parkAt    in a child: the signal to stop at; `onPark` is called first (to say so)
   */
  constructor(
    private readonly onSignal: (point: PhasePoint, occurrence: number) => void = () => {},
    private readonly parkAt: ParkTarget | null = null,
    private readonly onPark: (target: ParkTarget) => void = () => {},
  ) {}

  signal(point: PhasePoint): void {
    const occurrence = (this.counts.get(point) ?? 0) + 1;
    this.counts.set(point, occurrence);
    this.onSignal(point, occurrence);
    if (this.parkAt && this.parkAt.point === point && this.parkAt.occurrence === occurrence) {
      this.onPark(this.parkAt);
      parkForever();
    }
    for (let i = this.waiters.length - 1; i >= 0; i -= 1) {
      const waiter = this.waiters[i]!;
      if (waiter.point !== point) continue;
      this.waiters.splice(i, 1);
      waiter.resolve();
    }
  }

  /** Resolves at the next signal of `point`. */
  next(point: PhasePoint): Promise<void> {
    return new Promise((resolve) => this.waiters.push({ point, resolve }));
  }

  /** Numbers the sync-protocol points from 1 again (e.g. once the start-up sync is over). */
  restartCount(): void {
    for (const point of PHASE_POINTS) if (!point.startsWith('startup:') && !point.startsWith('login:')) this.counts.delete(point);
  }

  /** Wraps the session's platform client, cache and worker at each phase boundary (see the header). */
  instrument(session: ActiveSession): void {
    const { client, worker } = session;
    const store = session.store;

    const write = client.write.bind(client);
    client.write = (async (op: Parameters<typeof write>[0]) => {
      this.signal('push:request');
      const result = await write(op);
      this.signal('push:answered');
      return result;
    }) as typeof client.write;

    // A batch carries several operations in one request: each of them leaves, and is answered, at once.
    const writeBatch = client.writeBatch.bind(client);
    client.writeBatch = (async (ops: Parameters<typeof writeBatch>[0]) => {
      for (let i = 0; i < ops.length; i += 1) this.signal('push:request');
      const outcomes = await writeBatch(ops);
      for (let i = 0; i < ops.length; i += 1) this.signal('push:answered');
      return outcomes;
    }) as typeof client.writeBatch;

    const changes = client.changes.bind(client);
    client.changes = (async (cursor: string | null, count: number) => {
      this.signal('pull:request');
      const page = await changes(cursor, count);
      this.signal('pull:page-received');
      return page;
    }) as typeof client.changes;

    const ack = store.outbox.ack.bind(store.outbox);
    store.outbox.ack = ((opId: string) => {
      const result = ack(opId);
      this.signal('push:ack-uncommitted');
      return result;
    }) as typeof store.outbox.ack;

    const enqueue = store.outbox.enqueue.bind(store.outbox);
    store.outbox.enqueue = ((op: Parameters<typeof enqueue>[0]) => {
      const result = enqueue(op);
      this.signal('write:uncommitted');
      return result;
    }) as typeof store.outbox.enqueue;

    const setState = store.syncState.set.bind(store.syncState);
    store.syncState.set = ((key: string, value: string) => {
      const result = setState(key, value);
      if (key === CHANGES_CURSOR_KEY) this.signal('pull:cursor-uncommitted');
      return result;
    }) as typeof store.syncState.set;

    // The attachment queue: chunks up and ranges down, and the cache's record of each.
    const uploadChunk = client.uploadChunk.bind(client);
    client.uploadChunk = (async (...args: Parameters<typeof uploadChunk>) => {
      this.signal('blob:upload-request');
      const answer = await uploadChunk(...args);
      this.signal('blob:upload-answered');
      return answer;
    }) as typeof client.uploadChunk;
    const confirm = store.blobUploads.confirm.bind(store.blobUploads);
    store.blobUploads.confirm = ((sha256: string, confirmed: number) => {
      confirm(sha256, confirmed);
      this.signal('blob:upload-confirmed');
    }) as typeof store.blobUploads.confirm;
    const downloadRange = client.downloadRange.bind(client);
    client.downloadRange = (async (...args: Parameters<typeof downloadRange>) => {
      this.signal('blob:download-request');
      const range = await downloadRange(...args);
      this.signal('blob:download-received');
      return range;
    }) as typeof client.downloadRange;
    const appendChunk = store.blobs.appendChunk.bind(store.blobs);
    store.blobs.appendChunk = ((...args: Parameters<typeof appendChunk>) => {
      const complete = appendChunk(...args);
      this.signal('blob:download-stored');
      return complete;
    }) as typeof store.blobs.appendChunk;

    // The engine reports progress after each committed page / settled operation.
    const reportProgress = worker.reportProgress.bind(worker);
    worker.reportProgress = (progress) => {
      reportProgress(progress);
      this.signal(progress.phase === 'push' ? 'push:op-acked' : 'pull:page-applied');
    };
  }
}
