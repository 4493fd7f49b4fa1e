/**
 * Every version written goes through the content handler of its type, if a domain registered one
 * (blobs/: a Binary's bytes move to the blob store, a named blob must be the writer's own upload, the
 * governing policy's content limit holds): REST writes, transaction entries, domain operations and the
 * seed alike, so no way of writing leaves bytes in a resource's JSON.
 */
import type { Principal } from './principal';
import type { PolicyRegistry } from './policy-registry';
import type { Json } from './resource-policy';
import type { StorageTx } from '../storage/platform-storage';

export async function storeContentApart(
  registry: PolicyRegistry,
  tx: StorageTx,
  /** null for the platform's own writes (the seed). */
  principal: Principal | null,
  now: string,
  resource: fhir4.FhirResource,
): Promise<fhir4.FhirResource> {
  const handler = registry.contentHandler(resource.resourceType);
  if (!handler) return resource;
  const id = resource.id!;
  const versionId = Number(resource.meta?.versionId ?? '1');
  const current = versionId > 1 ? await tx.current(resource.resourceType, id) : undefined;
  const live = current?.resource ? current : undefined;
  const stored = await handler.beforeStore({
    tx,
    principal,
    entity: `${resource.resourceType}/${id}`,
    action: live ? 'update' : 'create',
    body: resource as unknown as Json,
    current: live,
    policy: registry.forResource(resource.resourceType, resource as unknown as Json),
    now,
  });
  return stored as unknown as fhir4.FhirResource;
}
