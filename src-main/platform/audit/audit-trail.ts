/**
 * Stores AuditEvents as versioned resources (author "system").
 * - Writes and refusals are audited synchronously: a write's event commits in the same transaction
 *   as the write; a refusal's in its own.
 * - A read's events are written as units of their own, which the storage's group commit puts in the
 *   transaction (and the fsync) of whatever else is being written at that moment; the read answers once
 *   they are durable (`forRequest().settled()`), so a crash never loses the trace of an answered read.
 */
import { SYSTEM_AUTHOR } from '../policy/principal';
import { resourceTypeDef } from '../fhir/resource-types';
import { extractIndex } from '../fhir/search-index';
import type { PlatformStorage, StorageTx } from '../storage/platform-storage';
import { buildAuditEvent, type AuditFacts } from './audit-event';

const AUDIT_DEF = resourceTypeDef('AuditEvent')!;

export class AuditTrail {
  /** Read events being stored, over every request (the platform's own trail only). */
  private readonly inFlight = new Set<Promise<void>>();
  /** This request's read events being stored, each settling without rejecting. */
  private readonly own: Promise<void>[] = [];
  private failure: unknown;

  constructor(
    private readonly storage: PlatformStorage,
    private readonly root?: AuditTrail,
  ) {}

  /** The trail of one request: the same events, and `settled()` to wait until its own are durable. */
  forRequest(): AuditTrail {
    return new AuditTrail(this.storage, this.root ?? this);
  }

  /** Appends the event inside the caller's transaction (writes: audited atomically with the effect). */
  async recordInTransaction(tx: StorageTx, facts: AuditFacts): Promise<void> {
    const event = buildAuditEvent(facts);
    const lastUpdated = new Date().toISOString();
    event.meta = { versionId: '1', lastUpdated };
    await tx.append({
      type: 'AuditEvent',
      id: event.id!,
      versionId: 1,
      lastUpdated,
      author: SYSTEM_AUTHOR,
      createdBy: SYSTEM_AUTHOR,
      resource: event,
      index: extractIndex(AUDIT_DEF, event),
    });
  }

  /** Records a refusal in its own transaction (the refused request's transaction was rolled back). */
  async recordNow(facts: AuditFacts): Promise<void> {
    await this.storage.write((tx) => this.recordInTransaction(tx, facts));
  }

  /** Stores a read's event (in the next group commit); `settled()` waits for it. */
  enqueue(facts: AuditFacts): void {
    const root = this.root ?? this;
    const stored = this.storage.write((tx) => this.recordInTransaction(tx, facts));
    const quiet = stored.then(
      () => undefined,
      (error: unknown) => {
        this.failure ??= error;
        console.error('eSanté platform: a read audit event could not be stored:', error);
      },
    );
    this.own.push(quiet);
    root.inFlight.add(quiet);
    void quiet.then(() => root.inFlight.delete(quiet));
  }

  /** Resolves once every event this request queued is durable; throws if one could not be stored (no unaudited answer). */
  async settled(): Promise<void> {
    await Promise.all(this.own);
    if (this.failure !== undefined) throw this.failure;
  }

  /** Resolves once every read event queued so far, by any request, is stored (e.g. before reading the access log). */
  async flush(): Promise<void> {
    await Promise.all([...(this.root ?? this).inFlight]);
  }
}
