/**
 * The policy-aware repository (ARCHITECTURE §3, after Medplum's per-request repository): the only way
 * an interaction or an operation reaches stored resources. Every read, vread, history, search,
 * `_include`, `$changes` page, conditional lookup, transaction entry and write asks the policy of the
 * resource type (policy-registry.ts), and every decision reaches the access log. This file holds the
 * reads and the sync feed; write-repository.ts the writes.
 */
import { CHANGES_HAS_MORE_URL, CHANGES_NEXT_CURSOR_URL, REVOKED_EXTENSION_URL } from '../../../src-shared/domain/fhir-sync';
import type { RestInteraction } from '../audit/audit-event';
import type { AuditTrail } from '../audit/audit-trail';
import { checkCursorIsCurrent, CURSOR_KEY_META, decodeCursor, encodeCursor } from '../fhir/changes-cursor';
import { locate } from '../fhir/element-path';
import { badRequest, FhirError, notFound } from '../fhir/fhir-error';
import { etagOf, versionHeaders, type FhirResponse } from '../fhir/fhir-response';
import type { RequestContext, WriteContext } from '../fhir/request-context';
import { resourceTypeDef, type ResourceTypeDef } from '../fhir/resource-types';
import { encodePageToken, PAGE_TOKEN_PARAM, parseSearch, type SearchRequest } from '../fhir/search-query';
import { parseRelativeReference } from '../fhir/search-index';
import type { StorageTx, StoredVersion } from '../storage/platform-storage';
import type { PolicyRegistry } from './policy-registry';
import { checkRead, filterReadable, refusal, verdictOn } from './read-guard';
import type { ChangesSince, PolicyScope, Revocation } from './resource-policy';

export const DEFAULT_CHANGES_PAGE = 100;
export const MAX_CHANGES_PAGE = 1000;
const MAX_HISTORY = 1000;
const MAX_INCLUDED = 1000;

export function typeDef(type: string): ResourceTypeDef {
  const def = resourceTypeDef(type);
  if (!def) throw notFound(`resource type "${type}" is not supported (see /fhir/metadata)`);
  return def;
}

function gone(stored: StoredVersion): FhirError {
  return new FhirError(
    410,
    { code: 'deleted', diagnostics: `${stored.type}/${stored.id}: deleted (version ${stored.versionId})` },
    { ETag: etagOf(stored.versionId) },
  );
}

function historyEntry(stored: StoredVersion, baseUrl: string): fhir4.BundleEntry {
  const url = `${stored.type}/${stored.id}`;
  return {
    fullUrl: `${baseUrl}/${url}`,
    ...(stored.resource ? { resource: stored.resource } : {}),
    request: { method: stored.deleted ? 'DELETE' : stored.versionId === 1 ? 'POST' : 'PUT', url },
    response: {
      status: stored.deleted ? '204' : stored.versionId === 1 ? '201' : '200',
      etag: etagOf(stored.versionId),
      lastModified: stored.lastUpdated,
    },
  };
}

function changeEntry(row: StoredVersion, baseUrl: string): fhir4.BundleEntry {
  const url = `${row.type}/${row.id}`;
  return {
    fullUrl: `${baseUrl}/${url}`,
    ...(row.resource ? { resource: row.resource } : {}),
    request: { method: row.deleted ? 'DELETE' : 'PUT', url },
    response: {
      status: row.deleted ? '204' : row.versionId === 1 ? '201' : '200',
      etag: etagOf(row.versionId),
      lastModified: row.lastUpdated,
    },
  };
}

/** A revocation: the user may no longer see this resource; the client purges its copy. */
function revocationEntry(change: Revocation, current: StoredVersion | undefined, baseUrl: string): fhir4.BundleEntry {
  const url = `${change.type}/${change.id}`;
  return {
    fullUrl: `${baseUrl}/${url}`,
    extension: [{ url: REVOKED_EXTENSION_URL, valueCode: 'revoked' }],
    request: { method: 'DELETE', url },
    response: {
      status: '403',
      ...(current ? { etag: etagOf(current.versionId), lastModified: current.lastUpdated } : {}),
      outcome: {
        resourceType: 'OperationOutcome',
        issue: [
          {
            severity: 'information',
            code: 'suppressed',
            diagnostics: `revoked: ${url} is no longer visible to you; delete your copy`,
          },
        ],
      },
    },
  };
}

/** `_include=Type:param` values, taken out of the query (the rest is the search itself). */
function takeIncludes(def: ResourceTypeDef, query: URLSearchParams): { search: URLSearchParams; includes: string[][] } {
  const search = new URLSearchParams();
  const includes: string[][] = [];
  for (const [name, value] of query) {
    if (name !== '_include') {
      search.append(name, value);
      continue;
    }
    const [source, param, target, ...rest] = value.split(':');
    const paramDef = def.search.find((p) => p.name === param && p.type === 'reference');
    if (source !== def.type || !paramDef || rest.length > 0 || (target !== undefined && !paramDef.targets?.includes(target))) {
      throw badRequest(
        `parameter _include: "${value.slice(0, 80)}" is not a reference parameter of ${def.type} (use ${def.type}:<reference parameter>)`,
        undefined,
        'not-supported',
      );
    }
    includes.push(paramDef.paths);
  }
  if (includes.length > 4) throw badRequest('parameter _include: at most 4 per search', undefined, 'too-costly');
  return { search, includes };
}

export class PolicyRepository {
  constructor(
    readonly registry: PolicyRegistry,
    readonly scope: PolicyScope,
    private readonly context: RequestContext,
  ) {}

  protected get tx(): StorageTx {
    return this.scope.tx;
  }

  protected get audit(): AuditTrail {
    return this.context.audit;
  }

  protected get baseUrl(): string {
    return this.context.baseUrl;
  }

  /** 401/403 for the whole type before anything is looked up; a 401 still logs the attempt on the record it named. */
  private async gateType(
    def: ResourceTypeDef,
    action: 'read' | 'search',
    interaction: RestInteraction,
    id?: string,
    request?: SearchRequest,
    query?: string,
  ): Promise<void> {
    const verdict = await this.registry.forType(def.type).typeGate(this.scope, action, request);
    if (verdict.allowed) return;
    if (verdict.status === 401 && id !== undefined && (await this.publicRecord(def, id))) return;
    const entity = id === undefined ? def.type : `${def.type}/${id}`;
    // The refusal reaches the log of every patient whose records the request named (by id or by patient).
    const named = id !== undefined ? [id] : (request?.criteria.flatMap((c) => (c.kind === 'id' ? c.values : [])) ?? []);
    const patients = new Set(
      request?.criteria.flatMap((c) =>
        c.kind === 'reference' && (c.param === 'patient' || c.param === 'subject') ? c.values : [],
      ) ?? [],
    );
    for (const namedId of named.slice(0, 20)) {
      const current = await this.tx.current(def.type, namedId);
      if (!current?.resource) continue;
      const onRecord = await verdictOn(this.registry, this.scope, current);
      // A 401 on a record says so with the record's own rule (rule 1 of the DSP table, in its patient's log).
      if (id !== undefined && verdict.status === 401 && !onRecord.allowed)
        throw refusal(this.scope, onRecord, interaction, entity);
      for (const patient of onRecord.audit?.patients ?? []) patients.add(patient);
    }
    const audit = verdict.audit ?? (patients.size > 0 ? { patients: [...patients], rule: verdict.reason } : undefined);
    throw refusal(this.scope, { ...verdict, ...(audit ? { audit } : {}) }, interaction, entity, query);
  }

  /**
   * The one exception to a type's 401 (issue 13): a record whose governing policy is declared readable
   * without login (a public library file) and whose own verdict lets this anonymous caller read it.
   */
  private async publicRecord(def: ResourceTypeDef, id: string): Promise<boolean> {
    const current = await this.tx.current(def.type, id);
    const content = current?.resource ? current : (await this.tx.history(def.type, id, MAX_HISTORY)).find((v) => v.resource);
    if (!content) return false;
    const policy = this.registry.forResource(def.type, content.resource as unknown as Record<string, unknown>);
    return policy.readableWithoutLogin === true && (await policy.read(this.scope, content)).allowed;
  }

  // ── Reads ──

  /** The current version, or version `versionId`, if the caller may read it. */
  async read(type: string, id: string, versionId?: string): Promise<FhirResponse> {
    const def = typeDef(type);
    const interaction = versionId === undefined ? 'read' : 'vread';
    await this.gateType(def, 'read', interaction, id);
    let stored: StoredVersion | undefined;
    if (versionId === undefined) stored = await this.tx.current(def.type, id);
    else {
      if (!/^[1-9][0-9]{0,9}$/.test(versionId)) throw badRequest(`_history: version "${versionId}" is not a positive integer`);
      stored = await this.tx.version(def.type, id, Number(versionId));
    }
    if (!stored) throw notFound(`${def.type}/${id}${versionId !== undefined ? `/_history/${versionId}` : ''}: not found`);
    // A deleted resource is decided on its last content: who could not see it learns nothing of its deletion.
    const decidedOn = stored.resource ? stored : (await this.tx.history(def.type, id, MAX_HISTORY)).find((v) => v.resource);
    const asked = `${def.type}/${id}${versionId !== undefined ? `/_history/${versionId}` : ''}`;
    if (decidedOn) {
      await checkRead(
        this.registry,
        this.scope,
        this.audit,
        decidedOn,
        interaction,
        [`${def.type}/${id}/_history/${stored.versionId}`],
        asked,
      );
    }
    if (stored.deleted) throw gone(stored);
    const headers = versionHeaders(stored, this.baseUrl);
    delete headers.Location;
    return { status: 200, headers, body: stored.resource };
  }

  async history(type: string, id: string, query: URLSearchParams): Promise<FhirResponse> {
    const def = typeDef(type);
    await this.gateType(def, 'read', 'history-instance', id);
    let count = MAX_HISTORY;
    for (const [name, value] of query) {
      if (name !== '_count')
        throw badRequest(`parameter "${name}" is not supported on _history (supported: _count)`, undefined, 'not-supported');
      if (!/^[1-9][0-9]{0,3}$/.test(value) || Number(value) > MAX_HISTORY)
        throw badRequest(`parameter _count: must be between 1 and ${MAX_HISTORY}`);
      count = Number(value);
    }
    const versions = await this.tx.history(def.type, id, count);
    if (versions.length === 0) throw notFound(`${def.type}/${id}: not found`);
    const withContent = versions.filter((v) => v.resource);
    // The history is decided on the newest content: the record as its policy governs it today.
    const newest = withContent[0] ?? (await this.tx.history(def.type, id, MAX_HISTORY)).find((v) => v.resource);
    if (newest) {
      const entities = withContent.map((r) => `${r.type}/${r.id}/_history/${r.versionId}`);
      await checkRead(this.registry, this.scope, this.audit, newest, 'history-instance', entities);
    }
    const bundle: fhir4.Bundle = {
      resourceType: 'Bundle',
      type: 'history',
      total: versions.length,
      link: [{ relation: 'self', url: `${this.baseUrl}/${def.type}/${id}/_history` }],
      entry: versions.map((v) => historyEntry(v, this.baseUrl)),
    };
    return { status: 200, headers: {}, body: bundle };
  }

  /** Rows of a search, through the type gate, the policies' narrowing and each row's verdict. */
  async searchRows(
    def: ResourceTypeDef,
    request: SearchRequest,
    queryText: string,
    interaction: RestInteraction,
  ): Promise<{ rows: StoredVersion[]; hasMore: boolean; last?: StoredVersion; snapshot: number }> {
    await this.gateType(def, 'search', interaction, undefined, request, queryText);
    for (const policy of this.registry.policiesOf(def.type)) policy.narrowSearch?.(this.scope, request);
    const current = await this.tx.currentSequence();
    const snapshot = request.page?.snapshot ?? current;
    if (snapshot > current)
      throw badRequest(`parameter ${PAGE_TOKEN_PARAM}: names a snapshot this server never had`, undefined, 'value');
    const page = await this.tx.search(request, snapshot);
    const rows = await filterReadable(this.registry, this.scope, this.audit, page.rows, interaction, queryText, {
      auditEmpty: def.category !== 'directory' && def.category !== 'public',
    });
    const last = page.rows[page.rows.length - 1];
    return { rows, hasMore: page.hasMore, snapshot, ...(last ? { last } : {}) };
  }

  /** Search with keyset paging over a snapshot (the `next` link pins the commit sequence of page 1), and `_include`. */
  async search(type: string, query: URLSearchParams): Promise<FhirResponse> {
    const def = typeDef(type);
    const { search, includes } = takeIncludes(def, query);
    const request = parseSearch(def, search);
    const queryText = `${def.type}?${query.toString()}`;
    const { rows, hasMore, last, snapshot } = await this.searchRows(def, request, queryText, 'search-type');
    const sortValue = (row: StoredVersion): string | number =>
      request.sort.key === '_id' ? row.id : request.sort.key === '_lastUpdated' ? Date.parse(row.lastUpdated) : row.seq;
    const next = hasMore && last ? encodePageToken({ snapshot, after: { key: sortValue(last), seq: last.seq } }) : undefined;
    const included = includes.length > 0 ? await this.included(def, rows, includes, queryText) : [];
    const pageLink = (token: string | undefined) => {
      const params = new URLSearchParams([...query].filter(([name]) => name !== PAGE_TOKEN_PARAM));
      if (token !== undefined) params.set(PAGE_TOKEN_PARAM, token);
      const text = params.toString();
      return `${this.baseUrl}/${def.type}${text ? `?${text}` : ''}`;
    };
    const bundle: fhir4.Bundle = {
      resourceType: 'Bundle',
      type: 'searchset',
      link: [
        { relation: 'self', url: pageLink(request.page ? (query.get(PAGE_TOKEN_PARAM) ?? undefined) : undefined) },
        ...(next !== undefined ? [{ relation: 'next', url: pageLink(next) }] : []),
      ],
      entry: [
        ...rows.map((row) => ({
          fullUrl: `${this.baseUrl}/${row.type}/${row.id}`,
          resource: row.resource!,
          search: { mode: 'match' as const },
        })),
        ...included.map((row) => ({
          fullUrl: `${this.baseUrl}/${row.type}/${row.id}`,
          resource: row.resource!,
          search: { mode: 'include' as const },
        })),
      ],
    };
    return { status: 200, headers: {}, body: bundle };
  }

  /** The targets of `_include`: each through its own policy, like any other read. */
  private async included(
    def: ResourceTypeDef,
    rows: StoredVersion[],
    includes: string[][],
    queryText: string,
  ): Promise<StoredVersion[]> {
    const targets = new Map<string, { type: string; id: string }>();
    for (const row of rows) {
      for (const paths of includes) {
        for (const path of paths) {
          for (const { value } of locate(row.resource, def.type, path)) {
            const ref = (value as { reference?: unknown } | null)?.reference;
            const parsed = typeof ref === 'string' ? parseRelativeReference(ref) : null;
            if (parsed && resourceTypeDef(parsed.type) && targets.size < MAX_INCLUDED)
              targets.set(`${parsed.type}/${parsed.id}`, parsed);
          }
        }
      }
    }
    const found: StoredVersion[] = [];
    for (const { type, id } of targets.values()) {
      const current = await this.tx.current(type, id);
      if (current?.resource && !rows.some((r) => r.type === type && r.id === id)) found.push(current);
    }
    return filterReadable(this.registry, this.scope, this.audit, found, 'search-type', `${queryText} (_include)`);
  }

  // ── The sync feed ──

  /** Time-based changes to record before the user's page is read (e.g. an expired presence grant); run in a write. */
  async pendingChangeWork(): Promise<Array<(ctx: WriteContext) => Promise<void>>> {
    const work: Array<(ctx: WriteContext) => Promise<void>> = [];
    for (const domain of this.registry.domains) {
      const step = await domain.beforeChanges?.(this.scope);
      if (step) work.push(step);
    }
    return work;
  }

  /**
   * `GET /fhir/$changes?cursor=C&_count=N`: the latest version of every resource in the caller's scope
   * committed after the cursor, in commit order, each through its policy, with the revocations since.
   */
  async changes(query: URLSearchParams, epoch: string): Promise<FhirResponse> {
    const principal = this.scope.principal;
    if (!principal)
      throw refusal(
        this.scope,
        { allowed: false, status: 401, reason: 'authentication required: $changes is the feed of what the caller may see' },
        'history-instance',
        '$changes',
      );
    let after = 0;
    let previous: ChangesSince | undefined;
    let count = DEFAULT_CHANGES_PAGE;
    const seen = new Set<string>();
    const current = await this.tx.currentSequence();
    const cursorKey = await this.tx.getMeta(CURSOR_KEY_META);
    for (const [name, value] of query) {
      if (seen.has(name)) throw badRequest(`parameter ${name}: given more than once`);
      seen.add(name);
      if (name === 'cursor') {
        const cursor = decodeCursor(value, cursorKey);
        checkCursorIsCurrent(cursor, epoch, current);
        after = cursor.sequence;
        if (cursor.scope) previous = { scopeSequence: cursor.scope.sequence, servedAt: new Date(cursor.scope.servedAt) };
      } else if (name === '_count') {
        if (!/^[1-9][0-9]{0,6}$/.test(value) || Number(value) > MAX_CHANGES_PAGE)
          throw badRequest(`parameter _count: must be between 1 and ${MAX_CHANGES_PAGE}`, undefined, 'value');
        count = Number(value);
      } else {
        throw badRequest(
          `parameter "${name}" is not supported by $changes (supported: cursor, _count)`,
          undefined,
          'not-supported',
        );
      }
    }
    const page = await this.tx.changes(await this.registry.changeScope(this.scope), after, count);
    const last = page.rows[page.rows.length - 1];
    // With nothing more in scope, the cursor jumps to the current sequence so the next pull starts there.
    const upTo = page.hasMore && last ? last.seq : current;
    // The scope of this page was computed on the store as of `current`, at `now`: the next page compares with it.
    const nextCursor = encodeCursor(
      { epoch, sequence: upTo, scope: { sequence: current, servedAt: this.scope.now.getTime() } },
      cursorKey,
    );
    const rows = await filterReadable(this.registry, this.scope, this.audit, page.rows, 'history-instance', '$changes');
    // Sight gained and lost since the cursor (a fresh snapshot already holds exactly what is visible).
    const revocations: Revocation[] = [];
    // What changed between the previous page's serving and now: a page's rows are decided on today's rights, so a
    // right withdrawn before the previous page was served is already reflected in what it sent (a fresh snapshot's
    // later pages then carry no revocation of a document the caller never received). An old cursor says no more
    // than its position.
    const [since, until] = previous ? [previous.scopeSequence, current] : [after, upTo];
    if (after > 0 && until > since)
      for (const domain of this.registry.domains)
        revocations.push(...((await domain.revocations?.(this.scope, since, until, previous)) ?? []));
    const entries = await this.mergeRevocations(rows, revocations);
    const bundle: fhir4.Bundle & { extension: fhir4.Extension[] } = {
      resourceType: 'Bundle',
      type: 'history',
      // The cursor rides on the Bundle itself (R4 gives Bundle no extension element; src-shared/domain/fhir-sync.ts is the contract).
      extension: [
        { url: CHANGES_NEXT_CURSOR_URL, valueString: nextCursor },
        { url: CHANGES_HAS_MORE_URL, valueBoolean: page.hasMore },
      ],
      link: [
        { relation: 'self', url: `${this.baseUrl}/$changes?${query.toString()}` },
        { relation: 'next', url: `${this.baseUrl}/$changes?cursor=${nextCursor}&_count=${count}` },
      ],
      entry: entries,
    };
    return { status: 200, headers: {}, body: bundle };
  }

  /** Revocations become DELETE entries; a regained resource is re-sent if the caller may see it now. In commit order. */
  private async mergeRevocations(rows: StoredVersion[], changes: Revocation[]): Promise<fhir4.BundleEntry[]> {
    const items = rows.map((row) => ({ seq: row.seq, entry: changeEntry(row, this.baseUrl) }));
    const inPage = new Set(rows.map((row) => `${row.type}/${row.id}`));
    for (const change of changes) {
      if (change.kind === 'grant' && inPage.has(`${change.type}/${change.id}`)) continue;
      const current = await this.tx.current(change.type, change.id);
      if (change.kind === 'revoke') {
        items.push({ seq: change.seq, entry: revocationEntry(change, current, this.baseUrl) });
        continue;
      }
      if (!current?.resource) continue;
      const [visible] = await filterReadable(this.registry, this.scope, this.audit, [current], 'history-instance', '$changes');
      if (visible) items.push({ seq: change.seq, entry: changeEntry(visible, this.baseUrl) });
    }
    // Stable: a row and the changes recorded with it keep their order (the row first).
    return items
      .map((item, index) => ({ ...item, index }))
      .sort((a, b) => a.seq - b.seq || a.index - b.index)
      .map((item) => item.entry);
  }
}
