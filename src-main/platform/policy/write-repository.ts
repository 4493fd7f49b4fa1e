/**
 * The write side of the policy-aware repository (ARCHITECTURE §3): create, update, delete, conditional
 * create and update, transaction and batch Bundles — each entry through exactly the checks of the single
 * interaction, the governing policy's write decision first, in the pipeline's one transaction.
 */
import { randomUUID } from 'node:crypto';
import { badRequest, FhirError, notFound, operationOutcome, preconditionFailed, type Issue } from '../fhir/fhir-error';
import { etagOf, parseVersionTag, type FhirResponse } from '../fhir/fhir-response';
import { requestHash, runOnce } from '../fhir/idempotency';
import type { WriteContext } from '../fhir/request-context';
import type { ResourceTypeDef } from '../fhir/resource-types';
import { parseSearch, type SearchRequest } from '../fhir/search-query';
import { planBundle, resolveLocalReferences, type BundleKind, type PlannedEntry } from '../fhir/transaction-bundle';
import { checkR4Structure, checkResourceShape, danglingReferenceError } from '../fhir/validation';
import { appendValidated, auditWrite, stamp } from '../fhir/version-writer';
import type { StoredVersion } from '../storage/platform-storage';
import type { PolicyRegistry } from './policy-registry';
import { auditFacts, refusal, verdictOn } from './read-guard';
import { PolicyRepository, typeDef } from './repository';
import type { Json, PolicyScope, TransactionPlan } from './resource-policy';

export interface WriteResult {
  /** 201 created, 200 updated (or matched by If-None-Exist), 204 deleted. */
  status: 200 | 201 | 204;
  stored: StoredVersion;
  /** For the OperationOutcome of the answer: the write stands (e.g. a look-alike Patient name). */
  warnings?: Issue[];
}

/** A conditional lookup reads this many matches a page, and gives up (400) after so many pages. */
const CONDITIONAL_PAGE = 100;
const MAX_CONDITIONAL_PAGES = 20;

function requireVersionTag(ifMatch: string): number {
  const version = parseVersionTag(ifMatch);
  if (version === null) throw badRequest(`If-Match: "${ifMatch}" is not a version ETag (expected W/"<version>")`);
  return version;
}

/** A write in one transaction: the same policies, plus the write rules of each type. */
export class PolicyWriteRepository extends PolicyRepository {
  constructor(
    registry: PolicyRegistry,
    scope: PolicyScope,
    readonly ctx: WriteContext,
  ) {
    super(registry, scope, ctx);
  }

  /**
   * A search page's `next` link and a `$changes` cursor name commit sequences, and inside a write the
   * numbers this transaction sees include its own uncommitted ones (on PostgreSQL provisional, renumbered
   * at commit; postgres-schema.ts): a link made here would name a snapshot no reader ever has. Pages and
   * cursors are made in read units only; a write's own look-ups (conditional interactions) use
   * `searchRows`, whose snapshot never leaves the transaction.
   */
  override search(): Promise<FhirResponse> {
    return Promise.reject(
      new Error('a search page (its next link names a snapshot) is made in a read unit, never inside a write'),
    );
  }

  override changes(): Promise<FhirResponse> {
    return Promise.reject(
      new Error('a $changes page (its cursor names a sequence) is made in a read unit, never inside a write'),
    );
  }

  /** The caller's own search, for a conditional interaction: never more than the caller may read. */
  private async conditionalMatches(def: ResourceTypeDef, criteria: string, header: string): Promise<StoredVersion[]> {
    // Another instance running the same conditional write meanwhile waits, then finds what it wrote.
    await this.tx.lock(`${def.type}?${criteria}`);
    const query = new URLSearchParams(criteria.startsWith('?') ? criteria.slice(1) : criteria);
    let request: SearchRequest;
    try {
      request = parseSearch(def, query);
    } catch (error) {
      if (error instanceof FhirError)
        throw new FhirError(
          400,
          error.issues.map((i) => ({ ...i, diagnostics: `${header}: ${i.diagnostics}` })),
        );
      throw error;
    }
    if (request.criteria.length === 0) throw badRequest(`${header}: names no search criterion`);
    // Records the caller may not read are skipped, not counted: page on until two readable ones, or the end.
    request.count = CONDITIONAL_PAGE;
    request.sort = { key: '_seq', descending: false };
    delete request.page;
    const found: StoredVersion[] = [];
    for (let pages = 0; found.length < 2; pages++) {
      if (pages === MAX_CONDITIONAL_PAGES) {
        throw new FhirError(400, {
          code: 'too-costly',
          diagnostics: `${header}: "${criteria}" is too broad to decide (narrow the criteria)`,
        });
      }
      const page = await this.searchRows(def, request, `${def.type}?${query.toString()} (${header})`, 'search-type');
      found.push(...page.rows);
      if (!page.hasMore || !page.last) break;
      request.page = { snapshot: page.snapshot, after: { key: page.last.seq, seq: page.last.seq } };
    }
    if (found.length > 1) throw preconditionFailed(`${header}: "${criteria}" matches more than one ${def.type}`);
    return found;
  }

  private async decideWrite(
    def: ResourceTypeDef,
    action: 'create' | 'update' | 'delete',
    id: string,
    body: Json | undefined,
    current: StoredVersion | undefined,
  ): Promise<Issue[]> {
    const policy = this.registry.forResource(def.type, body ?? (current?.resource as Json | null | undefined));
    // A resource changing hands between policies (a Binary re-claimed) must satisfy both.
    const before = current?.resource ? this.registry.forResource(def.type, current.resource as unknown as Json) : policy;
    try {
      const warnings = (await policy.write(this.ctx, { action, def, id, body, current })) ?? [];
      if (before !== policy) warnings.push(...((await before.write(this.ctx, { action, def, id, body, current })) ?? []));
      return warnings;
    } catch (error) {
      if (error instanceof FhirError && error.auditFacts === undefined && (error.status === 401 || error.status === 403)) {
        error.auditFacts = auditFacts(this.scope, action, '4', undefined, [`${def.type}/${id}`], error.message);
      }
      throw error;
    }
  }

  async create(
    type: string,
    body: unknown,
    options: { ifNoneExist?: string; assignedId?: string; entryIndex?: number } = {},
  ): Promise<WriteResult> {
    const def = typeDef(type);
    checkResourceShape(body, def.type);
    if (options.ifNoneExist !== undefined) {
      const [existing] = await this.conditionalMatches(def, options.ifNoneExist, 'If-None-Exist');
      if (existing) return { status: 200, stored: existing };
    }
    const id = options.assignedId ?? randomUUID();
    if (options.assignedId !== undefined && (await this.tx.current(def.type, id))) {
      throw new FhirError(409, { code: 'duplicate', diagnostics: `${def.type}/${id}: already exists` });
    }
    const warnings = await this.decideWrite(def, 'create', id, body as unknown as Json, undefined);
    checkR4Structure(body); // once the caller may write it: FHIR's string rule and the R4 StructureDefinitions
    const resource = stamp(body, id, 1, this.ctx.now);
    const stored = await appendValidated(this.ctx, def, resource, 1, this.ctx.principal.userRef, options.entryIndex);
    await auditWrite(this.ctx, def, 'create', stored, resource);
    return { status: 201, stored, ...(warnings.length > 0 ? { warnings } : {}) };
  }

  async update(type: string, id: string, body: unknown, ifMatch: string | undefined, entryIndex?: number): Promise<WriteResult> {
    const def = typeDef(type);
    checkResourceShape(body, def.type);
    if (body.id === undefined)
      throw badRequest(
        `${def.type}.id: required element missing (an update must carry the id of its URL)`,
        `${def.type}.id`,
        'required',
      );
    if (body.id !== id)
      throw badRequest(`${def.type}.id: "${body.id}" differs from the id in the URL ("${id}")`, `${def.type}.id`);
    const expected = ifMatch === undefined ? undefined : requireVersionTag(ifMatch);
    const current = await this.tx.current(def.type, id);
    const live = current && !current.deleted ? current : undefined;
    // Who may not read the record learns nothing of it: not its version, not that it exists.
    if (live) {
      const verdict = await verdictOn(this.registry, this.scope, live);
      if (!verdict.allowed && verdict.status === 404) throw refusal(this.scope, verdict, 'update', `${def.type}/${id}`);
    }
    const warnings = await this.decideWrite(def, live ? 'update' : 'create', id, body as unknown as Json, live);
    if (live) {
      // Clinical data is never last-write-wins: an update must say which version it replaces.
      if (expected === undefined) {
        throw new FhirError(428, {
          code: 'required',
          diagnostics: `If-Match: required to update ${def.type}/${id} (send ${etagOf(live.versionId)} to replace the current version)`,
        });
      }
      if (expected !== live.versionId)
        throw preconditionFailed(`If-Match: ${etagOf(expected)} is stale; ${def.type}/${id} is at ${etagOf(live.versionId)}`);
    } else if (expected !== undefined) {
      throw preconditionFailed(`If-Match: ${def.type}/${id} does not exist, so no version ${etagOf(expected)} can match`);
    }
    checkR4Structure(body); // once the caller may write it: FHIR's string rule and the R4 StructureDefinitions
    const versionId = (current?.versionId ?? 0) + 1;
    const resource = stamp(body, id, versionId, this.ctx.now);
    const stored = await appendValidated(
      this.ctx,
      def,
      resource,
      versionId,
      current?.createdBy ?? this.ctx.principal.userRef,
      entryIndex,
    );
    await auditWrite(this.ctx, def, live ? 'update' : 'create', stored, resource);
    return { status: live ? 200 : 201, stored, ...(warnings.length > 0 ? { warnings } : {}) };
  }

  /** `PUT /fhir/Type?criteria`: the caller's own search picks the target (none: create; one: update; more: 412). */
  async conditionalUpdate(type: string, criteria: string, body: unknown, ifMatch: string | undefined): Promise<WriteResult> {
    const def = typeDef(type);
    checkResourceShape(body, def.type);
    const [match] = await this.conditionalMatches(def, criteria, 'conditional update');
    if (!match) {
      if (body.id !== undefined && (await this.tx.current(def.type, body.id))) {
        throw new FhirError(409, {
          code: 'conflict',
          diagnostics: `${def.type}.id: "${body.id}" is taken; a conditional create chooses its own id`,
        });
      }
      return this.create(type, body, body.id !== undefined ? { assignedId: body.id } : {});
    }
    if (body.id !== undefined && body.id !== match.id)
      throw badRequest(`${def.type}.id: "${body.id}" differs from the matched resource (${match.id})`, `${def.type}.id`);
    return this.update(type, match.id, { ...body, id: match.id }, ifMatch);
  }

  async delete(type: string, id: string, ifMatch: string | undefined): Promise<WriteResult> {
    const def = typeDef(type);
    const expected = ifMatch === undefined ? undefined : requireVersionTag(ifMatch);
    const current = await this.tx.current(def.type, id);
    if (!current) throw notFound(`${def.type}/${id}: not found`);
    if (current.deleted) return { status: 204, stored: current }; // deleting twice changes nothing
    const verdict = await verdictOn(this.registry, this.scope, current);
    if (!verdict.allowed && verdict.status === 404) throw refusal(this.scope, verdict, 'delete', `${def.type}/${id}`);
    await this.decideWrite(def, 'delete', id, undefined, current);
    if (expected !== undefined && expected !== current.versionId) {
      throw preconditionFailed(`If-Match: ${etagOf(expected)} is stale; ${def.type}/${id} is at ${etagOf(current.versionId)}`);
    }
    const stored = await this.tx.append({
      type: def.type,
      id,
      versionId: current.versionId + 1,
      lastUpdated: this.ctx.now,
      author: this.ctx.principal.userRef,
      createdBy: current.createdBy,
      resource: null,
      index: null,
    });
    await auditWrite(this.ctx, def, 'delete', stored, current.resource!);
    return { status: 204, stored };
  }

  /** Refuses the transaction if any reference written in it points at nothing (checked once all entries are written). */
  async verifyReferences(): Promise<void> {
    const byType = new Map<string, Set<string>>();
    for (const ref of this.ctx.pendingReferences) {
      const ids = byType.get(ref.type) ?? new Set<string>();
      ids.add(ref.id);
      byType.set(ref.type, ids);
    }
    const existing = new Map<string, Set<string>>();
    for (const [type, ids] of byType) existing.set(type, await this.tx.existing(type, [...ids]));
    for (const ref of this.ctx.pendingReferences) {
      if (existing.get(ref.type)?.has(ref.id)) continue;
      const error = danglingReferenceError(ref);
      throw ref.entryIndex === undefined ? error : error.inEntry(ref.entryIndex, ref.resourceType);
    }
  }

  /** One entry of a transaction or batch: through the same create/update/delete, under its own operation id. */
  private async runEntry(
    entry: PlannedEntry,
    resource: unknown,
    local: Map<string, string>,
    plan: TransactionPlan | undefined,
  ): Promise<fhir4.BundleEntry> {
    const key = entry.operationId && {
      operationId: entry.operationId,
      principal: this.ctx.principal.userRef,
      requestHash: requestHash(entry.method, `${entry.type}${entry.method === 'POST' ? '' : `/${entry.id}`}`, entry.resource, [
        entry.ifMatch,
        entry.ifNoneExist,
      ]),
    };
    const response = await runOnce(
      this.tx,
      key || undefined,
      async () => {
        const result =
          entry.method === 'POST'
            ? await this.create(entry.type, resource, {
                assignedId: entry.id,
                entryIndex: entry.index,
                ...(entry.ifNoneExist !== undefined ? { ifNoneExist: entry.ifNoneExist } : {}),
              })
            : entry.method === 'PUT'
              ? await this.update(entry.type, entry.id, resource, entry.ifMatch, entry.index)
              : await this.delete(entry.type, entry.id, entry.ifMatch);
        // A replaced resource (e.g. an encrypted message part) is not echoed back: the sender has it.
        const echo = result.status !== 204 && !plan?.unechoed.has(entry.index);
        const { stored } = result;
        return {
          status: result.status,
          headers: {},
          body: {
            response: {
              status: String(result.status),
              location: `${this.baseUrl}/${stored.type}/${stored.id}/_history/${stored.versionId}`,
              etag: etagOf(stored.versionId),
              lastModified: stored.lastUpdated,
              ...(result.warnings ? { outcome: operationOutcome(result.warnings) } : {}),
            },
            resource: echo ? stored.resource : undefined,
          },
        };
      },
      `Bundle.entry[${entry.index}].request.extension(operation-id)`,
    );
    const body = asBatchEntry(response, this.baseUrl);
    // A replayed create (or an If-None-Exist match) lives under another id: point local references at it.
    const location = body.response.location?.slice(this.baseUrl.length + 1).split('/_history')[0];
    if (entry.fullUrl && location) local.set(entry.fullUrl, location);
    return { ...(body.resource ? { resource: body.resource } : {}), response: body.response };
  }

  /**
   * `POST /fhir` with a transaction Bundle (every entry or none) or a batch Bundle (each entry on its
   * own, its failure an OperationOutcome in its response). Entries pass exactly the checks of the
   * single interactions; a domain may check the whole transaction first (a message is one).
   */
  async bundle(raw: unknown, savepoint: <T>(work: () => Promise<T>) => Promise<T>): Promise<FhirResponse> {
    const { kind, entries } = planBundle(raw);
    let plan: TransactionPlan | undefined;
    if (kind === 'transaction') {
      for (const domain of this.registry.domains) {
        const decided = await domain.planTransaction?.(this.ctx, entries);
        if (decided) {
          this.ctx.plans.set(domain.name, decided.state);
          plan = decided;
        }
      }
    }
    const local = new Map<string, string>();
    for (const entry of entries)
      if (entry.fullUrl?.startsWith('urn:uuid:')) local.set(entry.fullUrl, `${entry.type}/${entry.id}`);
    const responses: fhir4.BundleEntry[] = new Array(entries.length);
    for (const entry of orderOf(kind, entries)) {
      const given = plan?.replacements.get(entry.index) ?? entry.resource;
      const resource = given === undefined ? undefined : resolveLocalReferences(given, local);
      const run = () => this.runEntry(entry, resource, local, plan);
      if (kind === 'batch') this.ctx.pendingReferences.length = 0;
      try {
        // A batch entry is its own unit: its references are checked, and its effect undone, on its own.
        responses[entry.index] =
          kind === 'transaction'
            ? await run()
            : await savepoint(async () => {
                const answer = await run();
                await this.verifyReferences();
                return answer;
              });
      } catch (error) {
        const located =
          error instanceof FhirError && !error.issues[0]?.diagnostics.startsWith('Bundle.entry[')
            ? error.inEntry(entry.index, entry.type)
            : error;
        if (kind === 'transaction' || !(located instanceof FhirError)) throw located;
        this.ctx.pendingReferences.length = 0;
        // A batch entry fails alone: its refusal is still audited, its outcome returned in place.
        if (located.auditFacts !== undefined) await this.audit.recordInTransaction(this.tx, located.auditFacts as never);
        responses[entry.index] = {
          response: {
            status: String(located.status),
            outcome: {
              resourceType: 'OperationOutcome',
              issue: located.issues.map((i) => ({
                severity: 'error',
                code: i.code,
                diagnostics: i.diagnostics,
                ...(i.expression ? { expression: [i.expression] } : {}),
              })),
            },
          },
        };
      }
    }
    if (kind === 'transaction') await this.verifyReferences();
    const result: fhir4.Bundle = {
      resourceType: 'Bundle',
      id: randomUUID(),
      type: kind === 'transaction' ? 'transaction-response' : 'batch-response',
      entry: responses,
    };
    return { status: 200, headers: {}, body: result };
  }
}

/**
 * A ledger entry as the answer of a Bundle entry. An operation first sent on its own (an older client,
 * or one that chose the single route) is recorded as a plain response — status, version headers and the
 * resource as body; replayed as a batch entry, it gets the same first result in the entry's shape.
 */
function asBatchEntry(
  recorded: FhirResponse,
  baseUrl: string,
): { response: fhir4.BundleEntryResponse; resource?: fhir4.FhirResource } {
  const body = recorded.body as { response?: fhir4.BundleEntryResponse; resourceType?: string } | null;
  if (body && body.response !== undefined && body.resourceType === undefined)
    return body as { response: fhir4.BundleEntryResponse; resource?: fhir4.FhirResource };
  const resource =
    body?.resourceType === undefined || body.resourceType === 'OperationOutcome' ? undefined : (body as fhir4.FhirResource);
  const outcome = body?.resourceType === 'OperationOutcome' ? (body as fhir4.OperationOutcome) : undefined;
  const headers = recorded.headers;
  // Location is absolute, as the first request saw the platform: keep only the part under /fhir.
  const path =
    headers.Location?.split('/fhir/')[1] ??
    (resource?.id ? `${resource.resourceType}/${resource.id}/_history/${resource.meta?.versionId}` : undefined);
  return {
    response: {
      status: String(recorded.status),
      ...(path ? { location: `${baseUrl}/${path}` } : {}),
      ...(headers.ETag ? { etag: headers.ETag } : {}),
      ...(headers['Last-Modified'] ? { lastModified: new Date(headers['Last-Modified']).toISOString() } : {}),
      ...(outcome ? { outcome } : {}),
    },
    ...(resource ? { resource } : {}),
  };
}

/** FHIR processing order for a transaction: deletes, then creates, then updates; a batch in its own order. */
function orderOf(kind: BundleKind, entries: PlannedEntry[]): PlannedEntry[] {
  if (kind === 'batch') return entries;
  const rank: Record<PlannedEntry['method'], number> = { DELETE: 0, POST: 1, PUT: 2 };
  return [...entries].sort((a, b) => rank[a.method] - rank[b.method] || a.index - b.index);
}
