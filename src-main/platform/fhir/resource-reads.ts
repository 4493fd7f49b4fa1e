/**
 * read, vread, instance history and search. Access is decided before anything is revealed (a
 * patient-data read without a token is a 401 whether or not the resource exists), and every read
 * of patient data is audited, refusals included (the HTTP layer audits refusals).
 */
import { decideRead, decideSearch, patientsOf, type Decision } from '../policy/access-rules';
import type { AuditFacts, RestInteraction } from '../audit/audit-event';
import { badRequest, FhirError, notFound } from './fhir-error';
import type { ResourceTypeDef } from './resource-types';
import { encodePageToken, PAGE_TOKEN_PARAM, parseSearch, type SearchRequest } from './search-query';
import type { StorageTx, StoredVersion } from '../storage/platform-storage';
import { etagOf, versionHeaders, type FhirResponse } from './fhir-response';
import { AUDIENCE_PARAM } from '../messaging/message-audience';
import { enforceAudience } from '../messaging/messaging';
import type { RequestContext } from './request-context';
import { isAudited } from './version-writer';
import { metadataOnly } from '../dsp/dsp-consents';
import type { DspDecision } from '../dsp/dsp-decision';
import { DspGate, dspAuditFacts, dspRefusal, isDspType } from '../dsp/dsp-access';

/**
 * The DSP decision for reading a DocumentReference or a document's Binary (undefined: the DSP rules
 * do not apply). Refusals throw with their audit facts; an allowed read is audited here.
 */
async function dspRead(
  ctx: RequestContext,
  tx: StorageTx,
  stored: StoredVersion,
  interaction: RestInteraction,
  entities: string[],
): Promise<DspDecision | undefined> {
  if (!isDspType(stored.type)) return undefined;
  const gate = new DspGate(tx, ctx.principal);
  const dsp = await gate.decideRead(stored);
  if (dsp === undefined) return undefined;
  const entity = `${stored.type}/${stored.id}`;
  if (dsp === 'orphan') throw notFound(`${entity}: not found`);
  let { decision } = dsp;
  if (decision.allowed && decision.grant === 'metadata-only' && stored.type === 'Binary') {
    decision = { allowed: false, row: decision.row, status: 403, reason: 'metadata only, never content' };
  }
  const facts = dspAuditFacts(ctx.principal, interaction, decision, [dsp.patient], entities);
  if (!decision.allowed) throw dspRefusal(decision, entity, facts);
  ctx.audit.enqueue(facts);
  return decision;
}

const shown = (resource: fhir4.FhirResource | null, decision: DspDecision | undefined) =>
  resource && decision?.allowed && decision.grant === 'metadata-only' ? metadataOnly(resource) : resource;

export function enforce(decision: Decision): void {
  if (!decision.allowed)
    throw new FhirError(decision.status, { code: decision.status === 401 ? 'login' : 'forbidden', diagnostics: decision.reason });
}

function auditRead(
  ctx: RequestContext,
  def: ResourceTypeDef,
  interaction: RestInteraction,
  rows: StoredVersion[],
  query?: string,
): void {
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
  return new FhirError(
    410,
    { code: 'deleted', diagnostics: `${stored.type}/${stored.id}: deleted (version ${stored.versionId})` },
    { ETag: etagOf(stored.versionId) },
  );
}

export async function readResource(
  ctx: RequestContext,
  tx: StorageTx,
  def: ResourceTypeDef,
  id: string,
  versionId?: string,
): Promise<FhirResponse> {
  if (!ctx.principal && isDspType(def.type)) {
    // 401 whether or not the document exists, but a DSP document's log records the attempt (rule 1).
    const current = await tx.current(def.type, id);
    if (current?.resource) await dspRead(ctx, tx, current, versionId === undefined ? 'read' : 'vread', [`${def.type}/${id}`]);
  }
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
  await enforceAudience(
    ctx,
    tx,
    stored,
    versionId === undefined ? stored.resource : ((await tx.current(def.type, id))?.resource ?? stored.resource),
  );
  const interaction = versionId === undefined ? 'read' : 'vread';
  const dsp = await dspRead(ctx, tx, stored, interaction, [`${stored.type}/${stored.id}/_history/${stored.versionId}`]);
  if (!dsp) {
    enforce(decideRead(ctx.principal, def, stored.resource));
    auditRead(ctx, def, interaction, [stored]);
  }
  const headers = versionHeaders(stored, ctx.baseUrl);
  delete headers.Location;
  return { status: 200, headers, body: shown(stored.resource, dsp) };
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

const MAX_HISTORY = 1000;

export async function instanceHistory(
  ctx: RequestContext,
  tx: StorageTx,
  def: ResourceTypeDef,
  id: string,
  query: URLSearchParams,
): Promise<FhirResponse> {
  enforce(decideRead(ctx.principal, def, null));
  let count = MAX_HISTORY;
  for (const [name, value] of query) {
    if (name !== '_count')
      throw badRequest(`parameter "${name}" is not supported on _history (supported: _count)`, undefined, 'not-supported');
    if (!/^[1-9][0-9]{0,3}$/.test(value) || Number(value) > MAX_HISTORY)
      throw badRequest(`parameter _count: must be between 1 and ${MAX_HISTORY}`);
    count = Number(value);
  }
  const versions = await tx.history(def.type, id, count);
  if (versions.length === 0) throw notFound(`${def.type}/${id}: not found`);
  const latestContent = versions.find((v) => v.resource)?.resource ?? null;
  await enforceAudience(ctx, tx, versions[0]!, latestContent);
  const withContent = versions.filter((v) => v.resource);
  const dsp = withContent[0]
    ? await dspRead(
        ctx,
        tx,
        withContent[0],
        'history-instance',
        withContent.map((r) => `${r.type}/${r.id}/_history/${r.versionId}`),
      )
    : undefined;
  if (!dsp) {
    enforce(decideRead(ctx.principal, def, latestContent));
    auditRead(ctx, def, 'history-instance', withContent);
  }
  const bundle: fhir4.Bundle = {
    resourceType: 'Bundle',
    type: 'history',
    total: versions.length,
    link: [{ relation: 'self', url: `${ctx.baseUrl}/${def.type}/${id}/_history` }],
    entry: versions.map((v) => historyEntry({ ...v, resource: shown(v.resource, dsp) }, ctx.baseUrl)),
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
export async function searchResources(
  ctx: RequestContext,
  tx: StorageTx,
  def: ResourceTypeDef,
  query: URLSearchParams,
): Promise<FhirResponse> {
  const request: SearchRequest = parseSearch(def, query);
  enforce(decideSearch(ctx.principal, def, request));
  // Messages: only those the caller sent or received (a Binary without an audience is no message part).
  if ((def.type === 'Communication' || def.type === 'Binary') && ctx.principal) {
    request.criteria.push({
      kind: 'audience',
      param: AUDIENCE_PARAM,
      principal: ctx.principal.userRef,
      everyRowHasOne: def.type === 'Communication',
    });
  }
  const current = await tx.currentSequence();
  const snapshot = request.page?.snapshot ?? current;
  if (snapshot > current)
    throw badRequest(`parameter ${PAGE_TOKEN_PARAM}: names a snapshot this server never had`, undefined, 'value');
  const page = await tx.search(request, snapshot);
  const last = page.rows[page.rows.length - 1];
  const rows = isDspType(def.type) ? await dspFilter(ctx, tx, page.rows, `${def.type}?${query.toString()}`) : page.rows;
  const sortValue = (row: StoredVersion): string | number =>
    request.sort.key === '_id' ? row.id : request.sort.key === '_lastUpdated' ? Date.parse(row.lastUpdated) : row.seq;
  const next = page.hasMore && last ? encodePageToken({ snapshot, after: { key: sortValue(last), seq: last.seq } }) : undefined;
  if (!isDspType(def.type)) auditRead(ctx, def, 'search-type', page.rows, `${def.type}?${query.toString()}`);
  const bundle: fhir4.Bundle = {
    resourceType: 'Bundle',
    type: 'searchset',
    link: [
      { relation: 'self', url: pageLink(ctx, def, query, request.page ? (query.get(PAGE_TOKEN_PARAM) ?? undefined) : undefined) },
      ...(next !== undefined ? [{ relation: 'next', url: pageLink(ctx, def, query, next) }] : []),
    ],
    entry: rows.map((row) => ({
      fullUrl: `${ctx.baseUrl}/${row.type}/${row.id}`,
      resource: row.resource!,
      search: { mode: 'match' as const },
    })),
  };
  return { status: 200, headers: {}, body: bundle };
}

/**
 * Search results of DSP types through the decision table: refused documents are silently left out,
 * metadata-only ones lose their content. One AuditEvent for what was shown, one for what was left out.
 */
export async function dspFilter(
  ctx: RequestContext,
  tx: StorageTx,
  rows: StoredVersion[],
  query: string,
  interaction: RestInteraction = 'search-type',
): Promise<StoredVersion[]> {
  const gate = new DspGate(tx, ctx.principal);
  const kept: StoredVersion[] = [];
  const shownEntities: string[] = [];
  const refused: string[] = [];
  const shownPatients = new Set<string>();
  const refusedPatients = new Set<string>();
  const reasons = new Set<string>();
  for (const row of rows) {
    const dsp = row.resource ? await gate.decideRead(row) : undefined;
    if (dsp === undefined) {
      kept.push(row);
      continue;
    }
    const entity = `${row.type}/${row.id}/_history/${row.versionId}`;
    if (dsp === 'orphan' || !dsp.decision.allowed || (dsp.decision.grant === 'metadata-only' && row.type === 'Binary')) {
      refused.push(entity);
      if (dsp !== 'orphan') {
        refusedPatients.add(dsp.patient);
        reasons.add(
          dsp.decision.allowed
            ? `DSP rule ${dsp.decision.row}: metadata only, never content`
            : `DSP rule ${dsp.decision.row}: ${dsp.decision.reason}`,
        );
      }
      continue;
    }
    shownEntities.push(entity);
    shownPatients.add(dsp.patient);
    kept.push(dsp.decision.grant === 'metadata-only' ? { ...row, resource: metadataOnly(row.resource!) } : row);
  }
  const recorded = new Date().toISOString();
  if (shownEntities.length > 0 || refused.length === 0) {
    ctx.audit.enqueue({
      principal: ctx.principal,
      interaction,
      outcome: '0',
      outcomeDescription: 'DSP: allowed',
      entities: shownEntities,
      patients: [...shownPatients],
      query,
      recorded,
    });
  }
  if (refused.length > 0) {
    ctx.audit.enqueue({
      principal: ctx.principal,
      interaction,
      outcome: '4',
      outcomeDescription: `DSP: left out — ${[...reasons].join('; ')}`,
      entities: refused,
      patients: [...refusedPatients],
      query,
      recorded,
    });
  }
  return kept;
}
