/**
 * read, vread, instance history and search. Access is decided before anything is revealed (a
 * patient-data read without a token is a 401 whether or not the resource exists), and every read
 * of patient data is audited, refusals included (the HTTP layer audits refusals).
 */
import { decideRead, decideSearch, patientsOf, type Decision } from '../access/access-rules';
import type { AuditFacts, RestInteraction } from '../audit/audit-event';
import { badRequest, FhirError, notFound } from '../fhir/fhir-error';
import type { ResourceTypeDef } from '../fhir/resource-types';
import { encodePageToken, PAGE_TOKEN_PARAM, parseSearch, type SearchRequest } from '../fhir/search-query';
import type { StorageTx, StoredVersion } from '../storage/platform-storage';
import { etagOf, versionHeaders, type FhirResponse } from './fhir-response';
import { AUDIENCE_PARAM } from '../access/message-audience';
import { enforceAudience } from './messaging';
import type { RequestContext } from './request-context';
import { isAudited } from './version-writer';

export function enforce(decision: Decision): void {
  if (!decision.allowed) throw new FhirError(decision.status, { code: decision.status === 401 ? 'login' : 'forbidden', diagnostics: decision.reason });
}

function auditRead(ctx: RequestContext, def: ResourceTypeDef, interaction: RestInteraction, rows: StoredVersion[], query?: string): void {
  // The access log is not itself logged on every look, or reading it would grow it without end.
  if (!isAudited(def)) return;
  const patients = new Set<string>();
  for (const row of rows) if (row.resource) for (const p of patientsOf(def, row.resource)) patients.add(p);
  const facts: AuditFacts = {
    principal: ctx.principal,
    interaction,
    outcome: '0',
    entities: query === undefined ? rows.map((r) => `${r.type}/${r.id}/_history/${r.versionId}`) : [],
    patients: [...patients],
    ...(query !== undefined ? { query } : {}),
    recorded: new Date().toISOString(),
  };
  ctx.audit.enqueue(facts);
}

function gone(stored: StoredVersion): FhirError {
  return new FhirError(410, { code: 'deleted', diagnostics: `${stored.type}/${stored.id}: deleted (version ${stored.versionId})` }, { ETag: etagOf(stored.versionId) });
}

export async function readResource(ctx: RequestContext, tx: StorageTx, def: ResourceTypeDef, id: string, versionId?: string): Promise<FhirResponse> {
  enforce(decideRead(ctx.principal, def, null));
  let stored: StoredVersion | undefined;
  if (versionId === undefined) {
    stored = await tx.current(def.type, id);
  } else {
    if (!/^[1-9][0-9]{0,9}$/.test(versionId)) throw badRequest(`_history: version "${versionId}" is not a positive integer`);
    stored = await tx.version(def.type, id, Number(versionId));
  }
  if (!stored) throw notFound(`${def.type}/${id}${versionId !== undefined ? `/_history/${versionId}` : ''}: not found`);
  if (stored.deleted) throw gone(stored);
  // A message outside the caller's audience does not exist for them (checked before anything else says otherwise).
  await enforceAudience(ctx, tx, stored, versionId === undefined ? stored.resource : ((await tx.current(def.type, id))?.resource ?? stored.resource));
  enforce(decideRead(ctx.principal, def, stored.resource));
  auditRead(ctx, def, versionId === undefined ? 'read' : 'vread', [stored]);
  const headers = versionHeaders(stored, ctx.baseUrl);
  delete headers.Location;
  return { status: 200, headers, body: stored.resource };
}

function historyEntry(stored: StoredVersion, baseUrl: string): fhir4.BundleEntry {
  const url = `${stored.type}/${stored.id}`;
  return {
    fullUrl: `${baseUrl}/${url}`,
    ...(stored.resource ? { resource: stored.resource } : {}),
    request: { method: stored.deleted ? 'DELETE' : stored.versionId === 1 ? 'POST' : 'PUT', url },
    response: { status: stored.deleted ? '204' : stored.versionId === 1 ? '201' : '200', etag: etagOf(stored.versionId), lastModified: stored.lastUpdated },
  };
}

const MAX_HISTORY = 1000;

export async function instanceHistory(ctx: RequestContext, tx: StorageTx, def: ResourceTypeDef, id: string, query: URLSearchParams): Promise<FhirResponse> {
  enforce(decideRead(ctx.principal, def, null));
  let count = MAX_HISTORY;
  for (const [name, value] of query) {
    if (name !== '_count') throw badRequest(`parameter "${name}" is not supported on _history (supported: _count)`, undefined, 'not-supported');
    if (!/^[1-9][0-9]{0,3}$/.test(value) || Number(value) > MAX_HISTORY) throw badRequest(`parameter _count: must be between 1 and ${MAX_HISTORY}`);
    count = Number(value);
  }
  const versions = await tx.history(def.type, id, count);
  if (versions.length === 0) throw notFound(`${def.type}/${id}: not found`);
  const latestContent = versions.find((v) => v.resource)?.resource ?? null;
  await enforceAudience(ctx, tx, versions[0]!, latestContent);
  enforce(decideRead(ctx.principal, def, latestContent));
  auditRead(ctx, def, 'history-instance', versions.filter((v) => v.resource));
  const bundle: fhir4.Bundle = {
    resourceType: 'Bundle',
    type: 'history',
    total: versions.length,
    link: [{ relation: 'self', url: `${ctx.baseUrl}/${def.type}/${id}/_history` }],
    entry: versions.map((v) => historyEntry(v, ctx.baseUrl)),
  };
  return { status: 200, headers: {}, body: bundle };
}

function pageLink(ctx: RequestContext, def: ResourceTypeDef, query: URLSearchParams, token: string | undefined): string {
  const params = new URLSearchParams([...query].filter(([name]) => name !== PAGE_TOKEN_PARAM));
  if (token !== undefined) params.set(PAGE_TOKEN_PARAM, token);
  const text = params.toString();
  return `${ctx.baseUrl}/${def.type}${text ? `?${text}` : ''}`;
}

/** Search with keyset paging over a snapshot: the `next` link pins the commit sequence of page 1. */
export async function searchResources(ctx: RequestContext, tx: StorageTx, def: ResourceTypeDef, query: URLSearchParams): Promise<FhirResponse> {
  const request: SearchRequest = parseSearch(def, query);
  enforce(decideSearch(ctx.principal, def, request));
  // Messages: only those the caller sent or received (a Binary without an audience is no message part).
  if ((def.type === 'Communication' || def.type === 'Binary') && ctx.principal) {
    request.criteria.push({ kind: 'audience', param: AUDIENCE_PARAM, principal: ctx.principal.userRef, everyRowHasOne: def.type === 'Communication' });
  }
  const current = await tx.currentSequence();
  const snapshot = request.page?.snapshot ?? current;
  if (snapshot > current) throw badRequest(`parameter ${PAGE_TOKEN_PARAM}: names a snapshot this server never had`, undefined, 'value');
  const page = await tx.search(request, snapshot);
  const last = page.rows[page.rows.length - 1];
  const sortValue = (row: StoredVersion): string | number =>
    request.sort.key === '_id' ? row.id : request.sort.key === '_lastUpdated' ? Date.parse(row.lastUpdated) : row.seq;
  const next = page.hasMore && last ? encodePageToken({ snapshot, after: { key: sortValue(last), seq: last.seq } }) : undefined;
  auditRead(ctx, def, 'search-type', page.rows, `${def.type}?${query.toString()}`);
  const bundle: fhir4.Bundle = {
    resourceType: 'Bundle',
    type: 'searchset',
    link: [
      { relation: 'self', url: pageLink(ctx, def, query, request.page ? query.get(PAGE_TOKEN_PARAM) ?? undefined : undefined) },
      ...(next !== undefined ? [{ relation: 'next', url: pageLink(ctx, def, query, next) }] : []),
    ],
    entry: page.rows.map((row) => ({ fullUrl: `${ctx.baseUrl}/${row.type}/${row.id}`, resource: row.resource!, search: { mode: 'match' as const } })),
  };
  return { status: 200, headers: {}, body: bundle };
}
