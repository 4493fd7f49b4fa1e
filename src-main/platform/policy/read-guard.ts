/**
 * Turns policy verdicts into what the caller receives and what the access log records: a refusal is a
 * FhirError carrying its audit facts (the pipeline records them once the refused unit of work has
 * ended); an allowed read of audited data is queued for the access log. One decision, one AuditEvent.
 */
import type { AuditFacts, RestInteraction } from '../audit/audit-event';
import type { AuditTrail } from '../audit/audit-trail';
import { FhirError } from '../fhir/fhir-error';
import type { StoredVersion } from '../storage/platform-storage';
import type { PolicyRegistry } from './policy-registry';
import type { AuditNote, PolicyScope, ReadVerdict, TypeVerdict } from './resource-policy';
import type { WriteUnitMemo } from './write-unit-memo';

type Refusal = Extract<ReadVerdict, { allowed: false }> | Extract<TypeVerdict, { allowed: false }>;

export function auditFacts(
  scope: PolicyScope,
  interaction: RestInteraction,
  outcome: '0' | '4',
  note: AuditNote | undefined,
  entities: string[],
  fallbackRule: string,
  query?: string,
): AuditFacts {
  return {
    principal: scope.principal,
    interaction,
    outcome,
    outcomeDescription: note?.rule ?? fallbackRule,
    entities,
    patients: note?.patients ?? [],
    ...(query !== undefined ? { query } : {}),
    recorded: scope.now.toISOString(),
  };
}

/** The refusal a verdict specifies, with its audit facts. A 404 says nothing but "not found". */
export function refusal(
  scope: PolicyScope,
  verdict: Refusal,
  interaction: RestInteraction,
  entity: string,
  query?: string,
): FhirError {
  const error =
    verdict.status === 404
      ? new FhirError(404, { code: 'not-found', diagnostics: `${entity}: not found` })
      : new FhirError(
          verdict.status,
          { code: verdict.status === 401 ? 'login' : 'forbidden', diagnostics: `${entity}: ${verdict.reason}` },
          verdict.status === 401 ? { 'WWW-Authenticate': 'Bearer realm="esante"' } : {},
        );
  error.auditFacts = auditFacts(scope, interaction, '4', verdict.audit, [entity], verdict.reason, query);
  return error;
}

const versionEntity = (row: StoredVersion) => `${row.type}/${row.id}/_history/${row.versionId}`;

/** The verdict on one stored version, from the policy that governs it. */
export function verdictOn(registry: PolicyRegistry, scope: PolicyScope, row: StoredVersion): Promise<ReadVerdict> {
  return registry.forResource(row.type, row.resource as Record<string, unknown> | null).read(scope, row);
}

/** One allowed read: throws the refusal, or queues the access-log event. */
export async function checkRead(
  registry: PolicyRegistry,
  scope: PolicyScope,
  audit: AuditTrail,
  row: StoredVersion,
  interaction: RestInteraction,
  entities: string[] = [versionEntity(row)],
  /** What a refusal names: the resource as the caller asked for it, so a 404 reads like one for an id never used. */
  asked = `${row.type}/${row.id}`,
): Promise<void> {
  const verdict = await verdictOn(registry, scope, row);
  if (!verdict.allowed) throw refusal(scope, verdict, interaction, asked);
  if (verdict.audit) audit.enqueue(auditFacts(scope, interaction, '0', verdict.audit, entities, 'allowed'));
}

/**
 * Rows of a search, an `_include`, a history or a `$changes` page, through their policies: refused
 * rows are silently left out. One AuditEvent for what was shown, one for what was left out.
 */
export async function filterReadable(
  registry: PolicyRegistry,
  scope: PolicyScope,
  audit: AuditTrail,
  rows: StoredVersion[],
  interaction: RestInteraction,
  query: string,
  options: { auditEmpty?: boolean } = {},
): Promise<StoredVersion[]> {
  const kept: StoredVersion[] = [];
  const shown = { entities: [] as string[], patients: new Set<string>(), rules: new Set<string>() };
  const refused = { entities: [] as string[], patients: new Set<string>(), rules: new Set<string>() };
  for (const row of rows) {
    if (!row.resource) {
      kept.push(row);
      continue;
    }
    const verdict = await verdictOn(registry, scope, row);
    const bucket = verdict.allowed ? shown : refused;
    if (verdict.allowed) kept.push(row);
    if (!verdict.audit && verdict.allowed) continue;
    bucket.entities.push(versionEntity(row));
    for (const p of verdict.audit?.patients ?? []) bucket.patients.add(p);
    bucket.rules.add(verdict.audit?.rule ?? (verdict.allowed ? 'allowed' : verdict.reason));
  }
  if (shown.entities.length > 0 || (options.auditEmpty && refused.entities.length === 0)) {
    audit.enqueue({
      principal: scope.principal,
      interaction,
      outcome: '0',
      outcomeDescription: [...shown.rules].join('; ') || 'allowed (nothing matched)',
      entities: shown.entities,
      patients: [...shown.patients],
      query,
      recorded: scope.now.toISOString(),
    });
  }
  if (refused.entities.length > 0) {
    audit.enqueue({
      principal: scope.principal,
      interaction,
      outcome: '4',
      outcomeDescription: `left out — ${[...refused.rules].join('; ')}`,
      entities: refused.entities,
      patients: [...refused.patients],
      query,
      recorded: scope.now.toISOString(),
    });
  }
  return kept;
}

/**
 * A scope for one request: its caller, its clock, its memo — in a write, the unit's (`unitMemo`: values made again
 * once the unit writes what they read); in a read unit nothing is written, so a value holds for the whole request.
 */
export function createScope(
  principal: PolicyScope['principal'],
  tx: PolicyScope['tx'],
  now: Date = new Date(),
  unitMemo?: WriteUnitMemo,
): PolicyScope {
  if (unitMemo) return { principal, tx, now, memo: (key, make, dependsOn) => unitMemo.memo(key, make, dependsOn) };
  const memo = new Map<string, unknown>();
  return {
    principal,
    tx,
    now,
    memo<T>(key: string, make: () => T): T {
      if (!memo.has(key)) memo.set(key, make());
      return memo.get(key) as T;
    },
  };
}
