/** The smallest version a storage test appends: an Observation written by the system, with no index rows. */
import type { StorageTx } from '../../../src-main/platform/storage/platform-storage';

export function appendBareObservation(tx: StorageTx, id: string) {
  const lastUpdated = new Date().toISOString();
  return tx.append({
    type: 'Observation',
    id,
    versionId: 1,
    lastUpdated,
    author: 'system',
    createdBy: 'system',
    resource: { resourceType: 'Observation', id, meta: { versionId: '1', lastUpdated } } as fhir4.FhirResource,
    index: null,
  });
}
