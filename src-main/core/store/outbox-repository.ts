import { randomUUID } from 'node:crypto';
import { DeskError } from '../../../src-shared/domain/errors';
import type { StatementCache } from './statement-cache';

export const OUTBOX_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type OutboxMethod = (typeof OUTBOX_METHODS)[number];
export type OutboxStatus = 'pending' | 'inflight' | 'acked';

export interface NewOutboxOp {
  /** Client-generated operation id the platform deduplicates on; generated when omitted. */
  opId?: string;
  /** `Type/id` of the entity the operation changes; operations on one entity are sent in order. */
  entityKey: string;
  method: OutboxMethod;
  url: string;
  body?: unknown;
  ifMatch?: string;
}

export interface OutboxOp {
  opId: string;
  seq: number;
  entityKey: string;
  method: OutboxMethod;
  url: string;
  body: unknown;
  ifMatch: string | null;
  status: OutboxStatus;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  ackedAt: string | null;
}

interface OutboxRow {
  op_id: string;
  seq: number;
  entity_key: string;
  method: OutboxMethod;
  url: string;
  body: string | null;
  if_match: string | null;
  status: OutboxStatus;
  attempts: number;
  last_error: string | null;
  created_at: string;
  acked_at: string | null;
}

const ENTITY_KEY = /^[A-Z][A-Za-z]{1,63}\/[A-Za-z0-9\-.]{1,64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const COLUMNS = 'op_id, seq, entity_key, method, url, body, if_match, status, attempts, last_error, created_at, acked_at';

function toOp(row: OutboxRow): OutboxOp {
  return {
    opId: row.op_id,
    seq: row.seq,
    entityKey: row.entity_key,
    method: row.method,
    url: row.url,
    body: row.body === null ? null : (JSON.parse(row.body) as unknown),
    ifMatch: row.if_match,
    status: row.status,
    attempts: row.attempts,
    lastError: row.last_error,
    createdAt: row.created_at,
    ackedAt: row.acked_at,
  };
}

/**
 * Local writes waiting for the platform. An operation leaves only once the platform acknowledged it;
 * per entity, the next operation is sent only after the previous one was acknowledged.
 */
export class OutboxRepository {
  constructor(
    private readonly sql: StatementCache,
    private readonly now: () => Date,
  ) {}

  /** Adds an operation. Call inside `store.transaction` with the local write it carries. */
  enqueue(op: NewOutboxOp): OutboxOp {
    const opId = op.opId ?? randomUUID();
    if (!UUID.test(opId)) throw new DeskError('invalid_input', 'opId must be a lowercase UUID', 'opId');
    if (!ENTITY_KEY.test(op.entityKey)) throw new DeskError('invalid_input', 'entityKey must be Type/id', 'entityKey');
    if (!OUTBOX_METHODS.includes(op.method)) throw new DeskError('invalid_input', 'unsupported method', 'method');
    const row = this.sql
      .prepare<[string, string, string, string, string | null, string | null, string], OutboxRow>(
        `INSERT INTO outbox (op_id, seq, entity_key, method, url, body, if_match, created_at)
         VALUES (?, (SELECT coalesce(max(seq), 0) + 1 FROM outbox), ?, ?, ?, ?, ?, ?)
         RETURNING ${COLUMNS}`,
      )
      .get(
        opId,
        op.entityKey,
        op.method,
        op.url,
        op.body === undefined ? null : JSON.stringify(op.body),
        op.ifMatch ?? null,
        this.now().toISOString(),
      )!;
    return toOp(row);
  }

  /**
   * What may be sent now: for each entity, its oldest unacknowledged operation if that one is pending
   * (an inflight one holds its entity back), skipping entities with an unresolved quarantined
   * operation, or whose operation waits for a blob upload (`outbox_holds`, see core/attachments) —
   * other entities are not blocked by them. Oldest first.
   */
  nextBatch(limit = 50): OutboxOp[] {
    return this.sql
      .prepare<[number], OutboxRow>(
        `SELECT ${COLUMNS} FROM outbox o
         WHERE o.status = 'pending'
           AND o.seq = (SELECT min(x.seq) FROM outbox x WHERE x.entity_key = o.entity_key AND x.status <> 'acked')
           AND NOT EXISTS (SELECT 1 FROM quarantine q WHERE q.entity_key = o.entity_key AND q.resolved_at IS NULL)
           AND NOT EXISTS (SELECT 1 FROM outbox_holds h WHERE h.op_id = o.op_id)
         ORDER BY o.seq LIMIT ?`,
      )
      .all(limit)
      .map(toOp);
  }

  get(opId: string): OutboxOp | undefined {
    const row = this.sql.prepare<[string], OutboxRow>(`SELECT ${COLUMNS} FROM outbox WHERE op_id = ?`).get(opId);
    return row === undefined ? undefined : toOp(row);
  }

  /** Operations not yet acknowledged, oldest first (for the sync status and the quarantine view). */
  listUnacked(limit = 500): OutboxOp[] {
    return this.sql
      .prepare<[number], OutboxRow>(`SELECT ${COLUMNS} FROM outbox WHERE status <> 'acked' ORDER BY seq LIMIT ?`)
      .all(limit)
      .map(toOp);
  }

  /** The entity's operations not yet acknowledged, oldest first (an index lookup, not a scan). */
  unackedFor(entityKey: string): OutboxOp[] {
    return this.sql
      .prepare<[string], OutboxRow>(`SELECT ${COLUMNS} FROM outbox WHERE entity_key = ? AND status <> 'acked' ORDER BY seq`)
      .all(entityKey)
      .map(toOp);
  }

  /** Entities with a local write still waiting for the platform. */
  entitiesWithUnacked(): Set<string> {
    return new Set(
      this.sql
        .prepare<[], { entity_key: string }>("SELECT DISTINCT entity_key FROM outbox WHERE status <> 'acked'")
        .all()
        .map((row) => row.entity_key),
    );
  }

  countUnacked(): number {
    return this.sql.prepare<[], { n: number }>("SELECT count(*) AS n FROM outbox WHERE status <> 'acked'").get()!.n;
  }

  markInflight(opId: string): void {
    this.update(opId, "UPDATE outbox SET status = 'inflight', attempts = attempts + 1 WHERE op_id = ? AND status = 'pending'");
  }

  ack(opId: string): void {
    const changes = this.sql
      .prepare<[string, string]>(
        "UPDATE outbox SET status = 'acked', acked_at = ?, last_error = NULL WHERE op_id = ? AND status <> 'acked'",
      )
      .run(this.now().toISOString(), opId).changes;
    if (changes === 0 && this.get(opId) === undefined) throw new DeskError('not_found', `no outbox operation ${opId}`);
  }

  /** The attempt failed without an answer we trust: back to pending, to be retried as the same operation. */
  markFailed(opId: string, error: string): void {
    const changes = this.sql
      .prepare<[string, string]>("UPDATE outbox SET status = 'pending', last_error = ? WHERE op_id = ? AND status <> 'acked'")
      .run(error.slice(0, 500), opId).changes;
    if (changes === 0) throw new DeskError('not_found', `no unacknowledged outbox operation ${opId}`);
  }

  /**
   * After a restart nothing is in flight: requests that may or may not have arrived are retried with
   * the same op id, and the platform's ledger answers a replay with the first result.
   */
  requeueInflight(): number {
    return this.sql.prepare("UPDATE outbox SET status = 'pending' WHERE status = 'inflight'").run().changes;
  }

  /** Removes an operation the user chose to abandon (e.g. kept the server version of a conflict). */
  discard(opId: string): void {
    this.sql.prepare<[string]>("DELETE FROM outbox WHERE op_id = ? AND status <> 'inflight'").run(opId);
  }

  /** Operations the platform acknowledged that are still kept (until `pruneAcked`). */
  ackedIds(): string[] {
    return this.sql
      .prepare<[], { op_id: string }>("SELECT op_id FROM outbox WHERE status = 'acked'")
      .all()
      .map((row) => row.op_id);
  }

  /**
   * Forgets acknowledged operations among `opIds` once their effect is in the cache (see
   * `SyncEngine.pull`); an operation not acknowledged, or quarantined, is never removed here.
   */
  pruneAcked(opIds: readonly string[]): number {
    if (opIds.length === 0) return 0;
    return this.sql
      .prepare<[string]>("DELETE FROM outbox WHERE status = 'acked' AND op_id IN (SELECT value FROM json_each(?))")
      .run(JSON.stringify(opIds)).changes;
  }

  private update(opId: string, statement: string): void {
    if (this.sql.prepare<[string]>(statement).run(opId).changes === 0) {
      throw new DeskError('not_found', `no pending outbox operation ${opId}`);
    }
  }
}
