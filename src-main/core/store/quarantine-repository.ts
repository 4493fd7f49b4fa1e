import { DeskError } from '../../../src-shared/domain/errors';
import type { StatementCache } from './statement-cache';

export interface NewQuarantineEntry {
  opId: string;
  entityKey: string;
  /** What this device tried to write. */
  local: unknown;
  /** The platform's current version, when it sent one with the refusal. */
  server?: unknown;
  reason: string;
}

export interface QuarantineEntry {
  opId: string;
  entityKey: string;
  local: unknown;
  server: unknown;
  reason: string;
  createdAt: string;
  resolvedAt: string | null;
}

interface QuarantineRow {
  op_id: string;
  entity_key: string;
  local_json: string;
  server_json: string | null;
  reason: string;
  created_at: string;
  resolved_at: string | null;
}

function toEntry(row: QuarantineRow): QuarantineEntry {
  return {
    opId: row.op_id,
    entityKey: row.entity_key,
    local: JSON.parse(row.local_json) as unknown,
    server: row.server_json === null ? null : (JSON.parse(row.server_json) as unknown),
    reason: row.reason,
    createdAt: row.created_at,
    resolvedAt: row.resolved_at,
  };
}

/**
 * Conflicting operations kept with both versions until a person decides: clinical data is never
 * resolved by last-write-wins. While an entity has an open entry, its outbox operations wait.
 */
export class QuarantineRepository {
  constructor(
    private readonly sql: StatementCache,
    private readonly now: () => Date,
  ) {}

  add(entry: NewQuarantineEntry): void {
    this.sql
      .prepare<[string, string, string, string | null, string, string]>(
        `INSERT INTO quarantine (op_id, entity_key, local_json, server_json, reason, created_at)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (op_id) DO UPDATE SET
           local_json = excluded.local_json, server_json = excluded.server_json, reason = excluded.reason,
           created_at = excluded.created_at, resolved_at = NULL`,
      )
      .run(
        entry.opId,
        entry.entityKey,
        JSON.stringify(entry.local ?? null),
        entry.server === undefined ? null : JSON.stringify(entry.server),
        entry.reason,
        this.now().toISOString(),
      );
  }

  /** Open entries, oldest first; resolved ones too when asked (for history). */
  list(options: { includeResolved?: boolean } = {}): QuarantineEntry[] {
    const where = options.includeResolved ? '' : 'WHERE resolved_at IS NULL';
    return this.sql.prepare<[], QuarantineRow>(`SELECT * FROM quarantine ${where} ORDER BY created_at, op_id`).all().map(toEntry);
  }

  get(opId: string): QuarantineEntry | undefined {
    const row = this.sql.prepare<[string], QuarantineRow>('SELECT * FROM quarantine WHERE op_id = ?').get(opId);
    return row === undefined ? undefined : toEntry(row);
  }

  /** Marks the conflict decided; the caller re-enqueues or discards the operation in the same transaction. */
  resolve(opId: string): void {
    const changes = this.sql
      .prepare<[string, string]>('UPDATE quarantine SET resolved_at = ? WHERE op_id = ? AND resolved_at IS NULL')
      .run(this.now().toISOString(), opId).changes;
    if (changes === 0) throw new DeskError('not_found', `no open quarantine entry for operation ${opId}`);
  }
}
