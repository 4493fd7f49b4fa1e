import type { BundleEntry, FhirResource } from 'fhir/r4';
import type { Store, OutboxOp } from '../store';
import {
  PlatformError,
  type BatchEntryOutcome,
  type BatchWrite,
  type ChangesPage,
  type PlatformClient,
  type WriteResult,
} from '../platform-client';

/** Where the sync keeps its `$changes` cursor in the encrypted cache. */
export const CHANGES_CURSOR_KEY = 'changes.cursor';

/**
 * Where the sync keeps the If-Match an operation must carry instead of its own: an edit made while an
 * earlier operation on the same entity was still waiting is based on that operation's result, whose
 * version was unknown when the edit was queued.
 */
const rebasedIfMatchKey = (opId: string) => `outbox.if-match.${opId}`;

/**
 * Where the sync keeps the newest platform version of an entity the feed delivered while a local edit
 * of it was waiting: the cursor moves past it, so it is applied once the entity has no edit waiting.
 */
const heldBackKey = (entityKey: string) => `pull.held-back.${entityKey}`;

/**
 * `$changes` entries asked per page: the platform's largest (MAX_CHANGES_PAGE). Each page commits in its
 * own transaction, and a commit rewrites every index leaf the page touched, so fewer, larger pages write
 * less: in an offline apply of 100,000 care records, 1,000 per page wrote 730 MB where 500 wrote 952 MB
 * (then 575 MB; 460 MB since the care index by patient settles its rows every 6,000, migration 0220).
 * Committing 4,000 records per transaction instead would save only ~5 % of the client's CPU now, and would
 * stop the next page from travelling while the previous ones are applied: pages keep their own commits.
 */
const CHANGES_PAGE_SIZE = 1_000;

/** At most this many operations share one round trip… */
const MAX_BATCH_OPS = 100;
/** …and at most about this many bytes of JSON: a larger write goes alone, on its own route, as it always did. */
const MAX_BATCH_BYTES = 2 * 1024 * 1024;

type PushOutcome = 'acked' | 'quarantined' | 'retry-later';

/** A plain write of one resource, which a `batch` Bundle entry can carry (not a transaction Bundle, not an operation). */
function batchable(op: OutboxOp): boolean {
  if (op.method === 'POST') return /^[A-Z][A-Za-z]{1,63}$/.test(op.url);
  if (op.method === 'PUT' || op.method === 'DELETE') return /^[A-Z][A-Za-z]{1,63}\/[A-Za-z0-9\-.]{1,64}$/.test(op.url);
  return false;
}

/**
 * Splits operations ready to go (oldest first) into round trips, keeping their order: consecutive
 * batchable ones share a batch up to the limits above; any other goes alone between them.
 */
function roundTrips(ready: readonly OutboxOp[]): Array<{ batched: boolean; ops: OutboxOp[] }> {
  const trips: Array<{ batched: boolean; ops: OutboxOp[] }> = [];
  let batch: OutboxOp[] = [];
  let bytes = 0;
  const close = () => {
    if (batch.length > 0) trips.push({ batched: true, ops: batch });
    batch = [];
    bytes = 0;
  };
  for (const op of ready) {
    const size = op.body === null || op.body === undefined ? 0 : JSON.stringify(op.body).length;
    if (!batchable(op) || size > MAX_BATCH_BYTES) {
      close();
      trips.push({ batched: false, ops: [op] });
      continue;
    }
    if (batch.length === MAX_BATCH_OPS || bytes + size > MAX_BATCH_BYTES) close();
    batch.push(op);
    bytes += size;
  }
  close();
  return trips;
}

export interface PullReport {
  pages: number;
  applied: number;
  /** A 410 made us start over from a fresh snapshot. */
  restarted: boolean;
}

export interface PushReport {
  acked: number;
  quarantined: number;
  /** Stopped early because the platform could not be reached; the rest stays queued. */
  interrupted: boolean;
}

export interface SyncProgress {
  phase: 'pull' | 'push';
  done: number;
  total: number | null;
}

function entityOf(url: string): { type: string; id: string } | null {
  const [type, id] = url.split('/');
  return type && id ? { type, id } : null;
}

function versionFromEtag(etag: string | undefined): number | null {
  const match = /^W\/"(\d+)"$/.exec(etag ?? '');
  return match ? Number(match[1]) : null;
}

/**
 * One profile's sync with the platform (ARCHITECTURE §6). Pull applies each `$changes` page and its
 * cursor in one transaction; push sends outbox operations with their ids and leaves each in the outbox
 * until the platform acknowledged it; conflicts and refusals go to the quarantine with both versions.
 */
export class SyncEngine {
  constructor(
    private readonly store: Store,
    private readonly client: PlatformClient,
    private readonly onProgress: (progress: SyncProgress) => void = () => {},
    private readonly pageSize = CHANGES_PAGE_SIZE,
  ) {}

  /**
   * Applies the feed up to its end. Operations acknowledged before the pull started are then forgotten
   * with its last page: the platform committed their effect before answering, so a feed read from a
   * later start holds it (or what superseded it), and the cache now does too.
   */
  async pull(): Promise<PullReport> {
    const report: PullReport = { pages: 0, applied: 0, restarted: false };
    const ackedBefore = this.store.outbox.ackedIds();
    let next = this.fetchPage(this.store.syncState.get(CHANGES_CURSOR_KEY) ?? null);
    for (;;) {
      let page: ChangesPage;
      try {
        page = await next;
      } catch (error) {
        if (
          error instanceof PlatformError &&
          error.failure.kind === 'rejected' &&
          error.failure.status === 410 &&
          !report.restarted
        ) {
          this.startNewSnapshot();
          report.restarted = true;
          next = this.fetchPage(null);
          continue;
        }
        throw error;
      }
      // Pipelined: the next page is asked for now, after this page's cursor, and travels (and the platform
      // reads it) while this one is applied. Only this page and its own cursor commit below, together; if
      // the process dies, the stored cursor still names the first page not applied.
      if (page.hasMore) {
        next = this.fetchPage(page.nextCursor);
        await new Promise<void>((resolve) => setImmediate(resolve)); // the request leaves before the (synchronous) apply
      }
      this.store.transaction(() => {
        const waiting = this.entitiesWithLocalWrites();
        for (const entry of page.entries) report.applied += this.applyChange(entry, waiting);
        // Every few pages, the care rows this pull added move into the care index by patient in one sorted
        // pass, rather than each page rewriting a leaf of it per patient (migration 0220).
        this.store.care.settle();
        this.store.syncState.set(CHANGES_CURSOR_KEY, page.nextCursor);
        if (!page.hasMore) this.store.outbox.pruneAcked(ackedBefore);
      });
      report.pages += 1;
      this.onProgress({ phase: 'pull', done: report.applied, total: null });
      if (!page.hasMore) return report;
    }
  }

  /** One page of the feed; a failure surfaces where the page is awaited, never as an unhandled rejection. */
  private fetchPage(cursor: string | null): Promise<ChangesPage> {
    const page = this.client.changes(cursor, this.pageSize);
    page.catch(() => {});
    return page;
  }

  /**
   * Sends what the outbox holds, oldest first: runs of plain writes (create, update, delete of one
   * resource) travel as one `batch` Bundle per round trip, and the platform commits them in one
   * transaction; anything else (a transaction Bundle, an operation, a write too large to share a
   * request) goes alone, as before. `nextBatch` offers at most one operation per entity (its oldest),
   * so two operations on one resource never share a round trip and a later one never overtakes an
   * earlier one that is waiting, failed or quarantined.
   */
  async push(): Promise<PushReport> {
    const report: PushReport = { acked: 0, quarantined: 0, interrupted: false };
    const total = this.store.outbox.countUnacked();
    for (;;) {
      const ready = this.store.outbox.nextBatch(MAX_BATCH_OPS);
      if (ready.length === 0) return report;
      for (const trip of roundTrips(ready)) {
        const outcomes = trip.batched ? await this.sendBatch(trip.ops) : [await this.send(trip.ops[0]!)];
        for (const outcome of outcomes) {
          if (outcome === 'acked') report.acked += 1;
          else if (outcome === 'quarantined') report.quarantined += 1;
          else continue;
          this.onProgress({ phase: 'push', done: report.acked + report.quarantined, total });
        }
        if (outcomes.includes('retry-later')) {
          report.interrupted = true;
          return report;
        }
      }
    }
  }

  /** The user's decision on a quarantined operation: send theirs again on top of the server version, or keep the server's. */
  resolveConflict(opId: string, choice: 'mine' | 'theirs'): void {
    const entry = this.store.quarantine.get(opId);
    const op = this.store.outbox.get(opId);
    if (!entry || entry.resolvedAt !== null || !op)
      throw new PlatformError({ kind: 'rejected', status: 404, detail: `no open conflict ${opId}` });
    const server = entry.server as FhirResource | null;
    this.store.transaction(() => {
      this.store.quarantine.resolve(opId);
      const queuedAfter = this.store.outbox.unackedFor(op.entityKey).some((next) => next.opId !== opId);
      if (choice === 'mine' && server?.meta?.versionId && op.ifMatch !== null && queuedAfter) {
        // Edits queued after this one were made on top of it: it must still go first, or the entity would
        // end on an older edit. The platform's ledger keeps only accepted writes, so this same operation
        // can go again on top of the server version; the cache keeps showing the newest local edit.
        this.store.syncState.set(rebasedIfMatchKey(opId), `W/"${server.meta.versionId}"`);
        return;
      }
      this.store.outbox.discard(opId);
      this.store.syncState.delete(rebasedIfMatchKey(opId));
      if (server?.meta?.versionId) this.store.resources.upsert(server);
      if (choice === 'theirs' && this.store.outbox.unackedFor(op.entityKey).length === 0) this.applyHeldBack(op.entityKey);
      if (choice === 'mine') {
        // A new operation (new id: its If-Match differs) re-applies the local version on top of the server's.
        const local = {
          ...(op.body as FhirResource),
          meta: { ...(op.body as FhirResource).meta, versionId: server?.meta?.versionId },
        };
        this.store.resources.saveLocal(local);
        this.store.outbox.enqueue({
          entityKey: op.entityKey,
          method: op.method,
          url: op.url,
          body: op.body,
          ...(server?.meta?.versionId ? { ifMatch: `W/"${server.meta.versionId}"` } : {}),
        });
      }
    });
  }

  /** The entity has no local edit waiting any more: the version the feed held back can show (if newer). */
  private applyHeldBack(entityKey: string): void {
    const held = this.store.syncState.get(heldBackKey(entityKey));
    if (held === undefined) return;
    this.store.syncState.delete(heldBackKey(entityKey));
    this.store.resources.upsert(JSON.parse(held) as FhirResource);
  }

  /** Entities whose local edit is still waiting: the feed must not overwrite that edit in the cache. */
  private entitiesWithLocalWrites(): Set<string> {
    return this.store.outbox.entitiesWithUnacked();
  }

  private applyChange(entry: BundleEntry, waiting: Set<string>): number {
    const entity = entityOf(entry.request?.url ?? '');
    if (!entity) return 0;
    if (entry.request?.method === 'DELETE') {
      // Deletions and revocations apply even over a pending local edit: the edit itself stays in the outbox.
      const version = versionFromEtag(entry.response?.etag) ?? Number.MAX_SAFE_INTEGER;
      return this.store.resources.markDeleted(entity.type, entity.id, version, entry.response?.lastModified) === 'stored' ? 1 : 0;
    }
    if (!entry.resource) return 0;
    if (waiting.has(`${entity.type}/${entity.id}`)) {
      this.store.syncState.set(heldBackKey(`${entity.type}/${entity.id}`), JSON.stringify(entry.resource));
      return 0;
    }
    return this.store.resources.upsert(entry.resource) === 'stored' ? 1 : 0;
  }

  /**
   * The platform no longer knows our cursor (410): start over from the beginning. Cached platform
   * copies are dropped so nothing the user may no longer see survives; the outbox, the quarantine and
   * local edits waiting in them are kept.
   */
  private startNewSnapshot(): void {
    this.store.transaction(() => {
      this.store.syncState.delete(CHANGES_CURSOR_KEY);
      const waiting = this.entitiesWithLocalWrites();
      for (const entityKey of waiting) this.store.syncState.delete(heldBackKey(entityKey)); // the new snapshot brings them again
      this.store.resources.purgeSynced(waiting);
    });
  }

  /** The If-Match an operation goes with: its own, or the result version of the operation it was queued behind. */
  private ifMatchOf(op: OutboxOp): string | null {
    return op.ifMatch === null ? null : (this.store.syncState.get(rebasedIfMatchKey(op.opId)) ?? op.ifMatch);
  }

  /** One operation on its own request (a transaction Bundle, an operation, a large write). */
  private async send(op: OutboxOp): Promise<PushOutcome> {
    this.store.outbox.markInflight(op.opId);
    let result: WriteResult;
    try {
      result = await this.client.write({
        method: op.method,
        url: op.url,
        body: op.body,
        ifMatch: this.ifMatchOf(op),
        opId: op.opId,
      });
    } catch (error) {
      return this.settleFailure(op, error);
    }
    this.store.transaction(() => this.recordAck(op, result));
    return 'acked';
  }

  /**
   * Several operations (one per entity) in one `batch` round trip. Every entry answered 2xx is
   * acknowledged in one local transaction (one fsync); every other entry is settled exactly as its
   * single write would be. A request that dies half-way is safe to send again: the platform ran the
   * whole batch in one transaction, each entry with its ledger row, so a replay returns first results.
   */
  private async sendBatch(ops: readonly OutboxOp[]): Promise<PushOutcome[]> {
    this.store.transaction(() => {
      for (const op of ops) this.store.outbox.markInflight(op.opId);
    });
    let answers: BatchEntryOutcome[];
    try {
      answers = await this.client.writeBatch(
        ops.map((op) => ({
          method: op.method as BatchWrite['method'],
          url: op.url,
          body: op.body,
          ifMatch: this.ifMatchOf(op),
          opId: op.opId,
        })),
      );
    } catch (error) {
      const refusedAsAWhole =
        error instanceof PlatformError && (error.failure.kind === 'rejected' || error.failure.kind === 'conflict');
      if (ops.length === 1 && refusedAsAWhole) return [await this.settleFailure(ops[0]!, error)];
      // Every operation of the batch goes back to pending before anything is decided or thrown: none may
      // stay marked in flight (only a restart would send it again).
      const detail = error instanceof PlatformError ? error.failure.detail : 'internal error';
      this.store.transaction(() => {
        for (const op of ops) this.store.outbox.markFailed(op.opId, detail);
      });
      if (!refusedAsAWhole) {
        if (!(error instanceof PlatformError) || error.failure.kind === 'unauthenticated') throw error;
        return ops.map(() => 'retry-later');
      }
      // The Bundle itself was refused (an entry the platform cannot even plan): each operation goes again
      // on its own, so only the faulty one is quarantined. Nothing of the refused Bundle was written.
      const outcomes: PushOutcome[] = [];
      for (const op of ops) {
        const [outcome] = await this.sendBatch([op]);
        outcomes.push(outcome!);
        if (outcome === 'retry-later') break;
      }
      return outcomes;
    }
    // One transaction settles the whole answer: the acknowledged entries, and the others back to pending
    // (then quarantined or kept, one by one, as a single write would be).
    this.store.transaction(() => {
      ops.forEach((op, i) => {
        const answer = answers[i]!;
        if (answer.ok) this.recordAck(op, answer.result);
        else this.store.outbox.markFailed(op.opId, answer.error.failure.detail);
      });
    });
    const outcomes: PushOutcome[] = [];
    for (const [i, op] of ops.entries()) {
      const answer = answers[i]!;
      outcomes.push(answer.ok ? 'acked' : await this.settleFailure(op, answer.error));
    }
    return outcomes;
  }

  /** Inside a transaction: the platform acknowledged `op` with `result`. */
  private recordAck(op: OutboxOp, result: WriteResult): void {
    this.store.outbox.ack(op.opId);
    this.store.syncState.delete(rebasedIfMatchKey(op.opId));
    const version = result.resource?.meta?.versionId;
    if (!version) return;
    // Later edits of this entity queued behind this one were made on top of it: they now apply to
    // its result version (not to the older one the cache held when they were queued), and the cache
    // keeps showing the newest local edit until the last of them is acknowledged.
    const queued = this.store.outbox.unackedFor(op.entityKey);
    for (const next of queued) {
      if (next.ifMatch !== null) this.store.syncState.set(rebasedIfMatchKey(next.opId), `W/"${version}"`);
    }
    if (queued.length === 0) {
      this.store.resources.upsert(result.resource);
      this.applyHeldBack(op.entityKey);
    }
  }

  /** The platform did not acknowledge `op`: quarantine it (a conflict or a refusal), or keep it for later. */
  private async settleFailure(op: OutboxOp, error: unknown): Promise<PushOutcome> {
    if (!(error instanceof PlatformError)) {
      this.store.outbox.markFailed(op.opId, 'internal error');
      throw error;
    }
    const failure = error.failure;
    if (failure.kind === 'conflict' || failure.kind === 'rejected') {
      const server = await this.currentServerVersion(op.entityKey);
      if (server === undefined) {
        // The conflict must be shown with both versions: without the platform's, try again later (a
        // refusal is not in the platform's ledger, so the same operation id gets the same answer).
        this.store.outbox.markFailed(op.opId, failure.detail);
        return 'retry-later';
      }
      this.store.transaction(() => {
        this.store.outbox.markFailed(op.opId, failure.detail);
        this.store.quarantine.add({ opId: op.opId, entityKey: op.entityKey, local: op.body, server, reason: failure.detail });
      });
      return 'quarantined';
    }
    this.store.outbox.markFailed(op.opId, failure.detail);
    if (failure.kind === 'unauthenticated') throw error;
    return 'retry-later';
  }

  /** The platform's version of an entity, to show next to ours; null when it has none, undefined when it could not be asked. */
  private async currentServerVersion(entityKey: string): Promise<FhirResource | null | undefined> {
    const entity = entityOf(entityKey);
    if (!entity) return null;
    try {
      return (await this.client.read(entity.type, entity.id)).resource;
    } catch (error) {
      return error instanceof PlatformError && error.failure.kind === 'rejected' ? null : undefined;
    }
  }
}
