import type { BundleEntry, FhirResource } from 'fhir/r4';
import type { Store, OutboxOp } from '../store';
import { PlatformError, type PlatformClient } from '../platform-client';

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
    private readonly pageSize = 500,
  ) {}

  /**
   * Applies the feed up to its end. Operations acknowledged before the pull started are then forgotten
   * with its last page: the platform committed their effect before answering, so a feed read from a
   * later start holds it (or what superseded it), and the cache now does too.
   */
  async pull(): Promise<PullReport> {
    const report: PullReport = { pages: 0, applied: 0, restarted: false };
    const ackedBefore = this.store.outbox.ackedIds();
    for (;;) {
      const cursor = this.store.syncState.get(CHANGES_CURSOR_KEY) ?? null;
      let page;
      try {
        page = await this.client.changes(cursor, this.pageSize);
      } catch (error) {
        if (
          error instanceof PlatformError &&
          error.failure.kind === 'rejected' &&
          error.failure.status === 410 &&
          !report.restarted
        ) {
          this.startNewSnapshot();
          report.restarted = true;
          continue;
        }
        throw error;
      }
      this.store.transaction(() => {
        const waiting = this.entitiesWithLocalWrites();
        for (const entry of page.entries) report.applied += this.applyChange(entry, waiting);
        this.store.syncState.set(CHANGES_CURSOR_KEY, page.nextCursor);
        if (!page.hasMore) this.store.outbox.pruneAcked(ackedBefore);
      });
      report.pages += 1;
      this.onProgress({ phase: 'pull', done: report.applied, total: null });
      if (!page.hasMore) return report;
    }
  }

  async push(): Promise<PushReport> {
    const report: PushReport = { acked: 0, quarantined: 0, interrupted: false };
    const total = this.store.outbox.countUnacked();
    for (;;) {
      const batch = this.store.outbox.nextBatch(50);
      if (batch.length === 0) return report;
      for (const op of batch) {
        const outcome = await this.send(op);
        if (outcome === 'acked') report.acked += 1;
        else if (outcome === 'quarantined') report.quarantined += 1;
        else {
          report.interrupted = true;
          return report;
        }
        this.onProgress({ phase: 'push', done: report.acked + report.quarantined, total });
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

  private async send(op: OutboxOp): Promise<'acked' | 'quarantined' | 'retry-later'> {
    this.store.outbox.markInflight(op.opId);
    const ifMatch = op.ifMatch === null ? null : (this.store.syncState.get(rebasedIfMatchKey(op.opId)) ?? op.ifMatch);
    try {
      const result = await this.client.write({ method: op.method, url: op.url, body: op.body, ifMatch, opId: op.opId });
      this.store.transaction(() => {
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
      });
      return 'acked';
    } catch (error) {
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
