/**
 * create, conditional create, update (If-Match) and delete, inside the caller's transaction.
 * Each write validates, checks access, appends a version with its index rows and audits itself in
 * the same transaction, so a refused or failed request leaves nothing behind.
 */
import { randomUUID } from 'node:crypto';
import { decideWrite } from '../policy/access-rules';
import { badRequest, FhirError, notFound, preconditionFailed, type Issue } from './fhir-error';
import { checkPatientIdentity } from '../directory/patient-identity';
import type { ResourceTypeDef } from './resource-types';
import { parseSearch } from './search-query';
import { checkR4Structure, checkResourceShape, danglingReferenceError } from './validation';
import type { StoredVersion } from '../storage/platform-storage';
import { etagOf, parseVersionTag } from './fhir-response';
import { guardDspWrite } from '../dsp/dsp-writes';
import { guardWrite } from '../messaging/messaging';
import type { WriteContext } from './request-context';
import { appendValidated, auditWrite as audit, stamp } from './version-writer';

export interface WriteResult {
  /** 201 created, 200 updated (or matched by If-None-Exist), 204 deleted. */
  status: 200 | 201 | 204;
  stored: StoredVersion;
  /** For the OperationOutcome of the answer: the write stands (e.g. a look-alike Patient name). */
  warnings?: Issue[];
}

function enforce(decision: ReturnType<typeof decideWrite>): void {
  if (!decision.allowed)
    throw new FhirError(decision.status, { code: decision.status === 401 ? 'login' : 'forbidden', diagnostics: decision.reason });
}

/** Finds the resource an `If-None-Exist` query names: none, one, or (412) several. */
async function findExisting(ctx: WriteContext, def: ResourceTypeDef, ifNoneExist: string): Promise<StoredVersion | undefined> {
  const query = new URLSearchParams(ifNoneExist.startsWith('?') ? ifNoneExist.slice(1) : ifNoneExist);
  let request;
  try {
    request = parseSearch(def, query);
  } catch (error) {
    if (error instanceof FhirError)
      throw new FhirError(
        400,
        error.issues.map((i) => ({ ...i, diagnostics: `If-None-Exist: ${i.diagnostics}` })),
      );
    throw error;
  }
  if (request.criteria.length === 0) throw badRequest('If-None-Exist: names no search criterion');
  request.count = 2;
  const page = await ctx.tx.search(request, await ctx.tx.currentSequence());
  if (page.rows.length > 1) throw preconditionFailed(`If-None-Exist: "${ifNoneExist}" matches more than one ${def.type}`);
  return page.rows[0];
}

export async function createResource(
  ctx: WriteContext,
  def: ResourceTypeDef,
  body: unknown,
  options: { ifNoneExist?: string; assignedId?: string; entryIndex?: number } = {},
): Promise<WriteResult> {
  checkResourceShape(body, def.type);
  // DSP documents follow the decision table (service/dsp-writes.ts), whose row order (closed DSP before role) matters.
  if (def.type !== 'DocumentReference') enforce(decideWrite(ctx.principal, def, body));
  await guardWrite(ctx, def, options.assignedId, body as unknown as Record<string, unknown>);
  if (options.ifNoneExist !== undefined) {
    const existing = await findExisting(ctx, def, options.ifNoneExist);
    if (existing) return { status: 200, stored: existing };
  }
  await guardDspWrite(ctx, def, options.assignedId, body as unknown as Record<string, unknown>);
  checkR4Structure(body); // once the caller may write it: FHIR's string rule and the R4 StructureDefinitions
  const resource = stamp(body, options.assignedId ?? randomUUID(), 1, ctx.now);
  const warnings = resource.resourceType === 'Patient' ? await checkPatientIdentity(ctx.tx, resource, resource.id!) : undefined;
  const stored = await appendValidated(ctx, def, resource, 1, ctx.principal.userRef, options.entryIndex);
  await audit(ctx, def, 'create', stored, resource);
  return { status: 201, stored, warnings };
}

function requireVersionTag(ifMatch: string): number {
  const version = parseVersionTag(ifMatch);
  if (version === null) throw badRequest(`If-Match: "${ifMatch}" is not a version ETag (expected W/"<version>")`);
  return version;
}

export async function updateResource(
  ctx: WriteContext,
  def: ResourceTypeDef,
  id: string,
  body: unknown,
  ifMatch: string | undefined,
  entryIndex?: number,
): Promise<WriteResult> {
  checkResourceShape(body, def.type);
  if (body.id === undefined)
    throw badRequest(
      `${def.type}.id: required element missing (an update must carry the id of its URL)`,
      `${def.type}.id`,
      'required',
    );
  if (body.id !== id) throw badRequest(`${def.type}.id: "${body.id}" differs from the id in the URL ("${id}")`, `${def.type}.id`);
  if (def.type !== 'DocumentReference') enforce(decideWrite(ctx.principal, def, body));
  await guardWrite(ctx, def, id, body as unknown as Record<string, unknown>);
  await guardDspWrite(ctx, def, id, body as unknown as Record<string, unknown>);
  const expected = ifMatch === undefined ? undefined : requireVersionTag(ifMatch);
  const current = await ctx.tx.current(def.type, id);
  const live = current && !current.deleted ? current : undefined;

  if (live) {
    // Clinical data is never last-write-wins: an update must say which version it replaces.
    if (expected === undefined) {
      throw new FhirError(428, {
        code: 'required',
        diagnostics: `If-Match: required to update ${def.type}/${id} (send ${etagOf(live.versionId)} to replace the current version)`,
      });
    }
    if (expected !== live.versionId) {
      throw preconditionFailed(`If-Match: ${etagOf(expected)} is stale; ${def.type}/${id} is at ${etagOf(live.versionId)}`);
    }
    if (def.type !== 'DocumentReference') enforce(decideWrite(ctx.principal, def, live.resource!)); // may not take over a record it may not write
  } else if (expected !== undefined) {
    throw preconditionFailed(`If-Match: ${def.type}/${id} does not exist, so no version ${etagOf(expected)} can match`);
  }

  checkR4Structure(body); // once the caller may write it: FHIR's string rule and the R4 StructureDefinitions
  const versionId = (current?.versionId ?? 0) + 1;
  const resource = stamp(body, id, versionId, ctx.now);
  const warnings = resource.resourceType === 'Patient' ? await checkPatientIdentity(ctx.tx, resource, id) : undefined;
  const stored = await appendValidated(ctx, def, resource, versionId, current?.createdBy ?? ctx.principal.userRef, entryIndex);
  await audit(ctx, def, live ? 'update' : 'create', stored, resource);
  return { status: live ? 200 : 201, stored, warnings };
}

export async function deleteResource(
  ctx: WriteContext,
  def: ResourceTypeDef,
  id: string,
  ifMatch: string | undefined,
): Promise<WriteResult> {
  await guardWrite(ctx, def, id, undefined);
  await guardDspWrite(ctx, def, id, undefined);
  const expected = ifMatch === undefined ? undefined : requireVersionTag(ifMatch);
  const current = await ctx.tx.current(def.type, id);
  if (!current) throw notFound(`${def.type}/${id}: not found`);
  if (current.deleted) return { status: 204, stored: current }; // deleting twice changes nothing
  if (expected !== undefined && expected !== current.versionId) {
    throw preconditionFailed(`If-Match: ${etagOf(expected)} is stale; ${def.type}/${id} is at ${etagOf(current.versionId)}`);
  }
  enforce(decideWrite(ctx.principal, def, current.resource!));
  const stored = await ctx.tx.append({
    type: def.type,
    id,
    versionId: current.versionId + 1,
    lastUpdated: ctx.now,
    author: ctx.principal.userRef,
    createdBy: current.createdBy,
    resource: null,
    index: null,
  });
  await audit(ctx, def, 'delete', stored, current.resource!);
  return { status: 204, stored };
}

/** Refuses the transaction if any reference written in it points at nothing (checked once all entries are written). */
export async function verifyReferences(ctx: WriteContext): Promise<void> {
  const byType = new Map<string, Set<string>>();
  for (const ref of ctx.pendingReferences) {
    const ids = byType.get(ref.type) ?? new Set<string>();
    ids.add(ref.id);
    byType.set(ref.type, ids);
  }
  const existing = new Map<string, Set<string>>();
  for (const [type, ids] of byType) existing.set(type, await ctx.tx.existing(type, [...ids]));
  for (const ref of ctx.pendingReferences) {
    if (existing.get(ref.type)?.has(ref.id)) continue;
    const error = danglingReferenceError(ref);
    throw ref.entryIndex === undefined ? error : error.inEntry(ref.entryIndex, ref.resourceType);
  }
}
