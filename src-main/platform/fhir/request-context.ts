import type { Principal } from '../policy/principal';
import type { AuditTrail } from '../audit/audit-trail';
import type { ReferenceToCheck } from './validation';
import type { StorageTx } from '../storage/platform-storage';
import type { ResourceTypeDef } from './resource-types';
import type { ReferenceEntry } from './search-index';
import type { WriteUnitMemo } from '../policy/write-unit-memo';

/** Everything an interaction needs to know about the request it serves. */
export interface RequestContext {
  principal: Principal | null;
  /** "http://host:port/fhir", for fullUrl, Location and paging links. */
  baseUrl: string;
  audit: AuditTrail;
}

/** A reference whose target must exist when the transaction commits (checked last, so a Bundle may point forwards). */
export interface PendingReference extends ReferenceToCheck {
  resourceType: string;
  /** Set inside a transaction Bundle, so the error names the entry. */
  entryIndex?: number;
}

/** A write in progress: one storage transaction, its references to verify before commit. */
export interface WriteContext extends RequestContext {
  principal: Principal;
  tx: StorageTx;
  pendingReferences: PendingReference[];
  /** The instant stamped on every version this request writes. */
  now: string;
  /** What a domain decided about the whole transaction (e.g. the message being sent), by domain name. */
  plans: Map<string, unknown>;
  /** Internal index rows the governing policy adds to each version (injected by the policy-aware repository). */
  policyIndex: (def: ResourceTypeDef, resource: fhir4.FhirResource) => ReferenceEntry[];
  /** The resource as stored, its content apart (a Binary's bytes in the blob store; injected by the policy-aware repository). */
  storeContent: (resource: fhir4.FhirResource) => Promise<fhir4.FhirResource>;
  /** The policies' memo for this write unit (dropped as the unit writes what it read: policy/write-unit-memo.ts). */
  memo: WriteUnitMemo;
}
