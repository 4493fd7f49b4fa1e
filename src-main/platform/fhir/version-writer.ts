/**
 * Appending one validated version with its index rows, and auditing it, inside the caller's write
 * transaction: shared by the REST writes (resource-writes.ts) and the platform's own writes on a
 * client's behalf (message receipts, DSP rights). The governing policy adds its internal index rows.
 */
import { patientsOf } from './patients-of';
import type { AuditFacts, RestInteraction } from '../audit/audit-event';
import type { ResourceTypeDef } from './resource-types';
import { validateResource } from './validation';
import type { StoredVersion } from '../storage/platform-storage';
import type { WriteContext } from './request-context';

/** The resource as stored: server-owned meta (versionId, lastUpdated) replaces whatever the client sent. */
export function stamp(body: fhir4.FhirResource, id: string, versionId: number, now: string): fhir4.FhirResource {
  const { resourceType, id: _ignored, meta, ...rest } = body;
  const { versionId: _v, lastUpdated: _l, ...clientMeta } = meta ?? {};
  return {
    resourceType,
    id,
    meta: { ...clientMeta, versionId: String(versionId), lastUpdated: now },
    ...rest,
  } as fhir4.FhirResource;
}

/** Patient data and messages are audited on every access (BALP); the event names resources, never their content. */
export function isAudited(def: ResourceTypeDef): boolean {
  return def.category === 'patient-data' || def.category === 'collaboration';
}

export async function auditWrite(
  ctx: WriteContext,
  def: ResourceTypeDef,
  interaction: RestInteraction,
  stored: StoredVersion,
  resource: fhir4.Resource,
): Promise<void> {
  if (!isAudited(def)) return;
  const facts: AuditFacts = {
    principal: ctx.principal,
    interaction,
    outcome: '0',
    entities: [`${stored.type}/${stored.id}/_history/${stored.versionId}`],
    patients: patientsOf(def, resource),
    recorded: ctx.now,
  };
  await ctx.audit.recordInTransaction(ctx.tx, facts);
}

export async function appendValidated(
  ctx: WriteContext,
  def: ResourceTypeDef,
  resource: fhir4.FhirResource,
  versionId: number,
  createdBy: string,
  entryIndex: number | undefined,
): Promise<StoredVersion> {
  const validated = validateResource(def, resource);
  for (const ref of validated.references)
    ctx.pendingReferences.push({ ...ref, resourceType: def.type, ...(entryIndex !== undefined ? { entryIndex } : {}) });
  validated.index.references.push(...ctx.policyIndex(def, resource));
  return ctx.tx.append({
    type: def.type,
    id: resource.id!,
    versionId,
    lastUpdated: ctx.now,
    author: ctx.principal.userRef,
    createdBy,
    resource: await ctx.storeContent(resource),
    index: validated.index,
  });
}
