/**
 * Stores AuditEvents as versioned resources (author "system").
 * - Writes and refusals are audited synchronously: a write's event commits in the same transaction
 *   as the write; a refusal's in its own.
 * - Reads are queued and flushed in batches (every 250 ms, or 500 events, and on stop): auditing each
 *   read synchronously would cost an fsync per read (synchronous=FULL). The price is that a crash may
 *   lose the last quarter-second of read events, never a write's.
 */
import { SYSTEM_AUTHOR } from '../policy/principal';
import { resourceTypeDef } from '../fhir/resource-types';
import { extractIndex } from '../fhir/search-index';
import type { PlatformStorage, StorageTx } from '../storage/platform-storage';
import { buildAuditEvent, type AuditFacts } from './audit-event';

const AUDIT_DEF = resourceTypeDef('AuditEvent')!;
const FLUSH_INTERVAL_MS = 250;
const FLUSH_SIZE = 500;

export class AuditTrail {
  private queue: AuditFacts[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly storage: PlatformStorage) {}

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

  /** Queues a read's event for the next batch. */
  enqueue(facts: AuditFacts): void {
    this.queue.push(facts);
    if (this.queue.length >= FLUSH_SIZE) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_INTERVAL_MS);
  }

  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.queue;
    this.queue = [];
    if (batch.length > 0) {
      this.flushing = this.flushing
        .then(() =>
          this.storage.write(async (tx) => {
            for (const facts of batch) await this.recordInTransaction(tx, facts);
          }),
        )
        .catch((error: unknown) => {
          // Losing a batch of read events must be visible in the platform log, but must not stop serving.
          console.error(`eSanté platform: ${batch.length} read audit events could not be stored:`, error);
        });
    }
    await this.flushing;
  }
}
