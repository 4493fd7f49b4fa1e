import { randomUUID } from 'node:crypto';
import type { FhirResource } from 'fhir/r4';
import type { Store } from '../store';

/**
 * A local change and the outbox operation that carries it to the platform commit in one transaction
 * (ARCHITECTURE §6), so a crash can lose neither half. Domain services write through here.
 */
export class LocalWrites {
  constructor(
    private readonly store: Store,
    private readonly afterWrite: () => void = () => {},
  ) {}

  /** A new resource with a client-chosen id (so the same id survives retries and offline use). */
  create<T extends FhirResource>(resource: T): T & { id: string } {
    const withId = { ...resource, id: resource.id ?? randomUUID() } as T & { id: string };
    this.store.transaction(() => {
      this.store.resources.saveLocal(withId);
      // PUT to a client-chosen id is FHIR's update-as-create; with the op id it is safe to replay.
      this.store.outbox.enqueue({
        entityKey: `${withId.resourceType}/${withId.id}`,
        method: 'PUT',
        url: `${withId.resourceType}/${withId.id}`,
        body: withId,
      });
    });
    this.afterWrite();
    return withId;
  }

  /** An edit of a resource the cache holds, based on the version the cache has (If-Match). */
  update<T extends FhirResource & { id: string }>(resource: T, baseVersion: string): T {
    this.store.transaction(() => {
      this.store.resources.saveLocal(resource);
      this.store.outbox.enqueue({
        entityKey: `${resource.resourceType}/${resource.id}`,
        method: 'PUT',
        url: `${resource.resourceType}/${resource.id}`,
        body: resource,
        ifMatch: `W/"${baseVersion}"`,
      });
    });
    this.afterWrite();
    return resource;
  }
}
