/**
 * The composition root of the access rules: every domain registers its policies here, and nowhere
 * else is a domain wired to the generic engine. A type left out is refused to every user (deny by
 * default; the census test lists them).
 */
import { registerAudit } from './audit/audit-policy';
import { registerBlobs } from './blobs/blob-registration';
import type { BlobUploadLimits } from './blobs/blob-uploads';
import { forbidden } from './fhir/fhir-error';
import { registerCare } from './care/care-policy';
import { registerDirectory } from './directory/directory-policy';
import { registerDsp } from './dsp/dsp-policy';
import { registerLibrary } from './library/library-policy';
import { RESOURCE_TYPES } from './fhir/resource-types';
import { registerMessaging } from './messaging/messaging-policy';
import { PolicyRegistry } from './policy/policy-registry';
import { registerSpaces } from './spaces/space-policy';
import { registerRcp } from './rcp/rcp-policy';
import type { ResourcePolicy } from './policy/resource-policy';

/** Patient data owned by the DSP, the patient directory or messaging; the rest are care records. */
const NOT_CARE_RECORDS = new Set(['Patient', 'DocumentReference', 'Binary', 'Consent']);
export const CARE_RECORD_TYPES = RESOURCE_TYPES.filter(
  (def) => def.category === 'patient-data' && !NOT_CARE_RECORDS.has(def.type),
).map((def) => def.type);

/** A Binary attached to nothing (no document, no message) belongs to whoever wrote it, until a record claims it. */
const unattachedBinaryPolicy: ResourcePolicy = {
  name: 'unattached-binary',
  typeGate: (scope) => (scope.principal ? { allowed: true } : { allowed: false, status: 401, reason: 'authentication required' }),
  read: async (scope, stored) =>
    !scope.principal
      ? { allowed: false, status: 401, reason: 'authentication required' }
      : stored.createdBy === scope.principal.userRef
        ? { allowed: true }
        : { allowed: false, status: 404, reason: 'not found' },
  write: async (ctx, intent) => {
    if (intent.current && intent.current.createdBy !== ctx.principal.userRef) {
      throw forbidden(`Binary/${intent.id}: an unattached Binary is changed by whoever wrote it only`);
    }
  },
};

export function buildPolicyRegistry(options: {
  presenceCodeTtlSeconds: number;
  rcpQuorum?: string[][];
  blobUploads?: BlobUploadLimits;
}): PolicyRegistry {
  const registry = new PolicyRegistry();
  registry.domain({
    name: 'own-writes',
    // What the user wrote (notes, documents, messages) reaches every device of theirs (each row still through its policy);
    // audit events are the patient's access log, read by search, never pushed to professionals' caches.
    changeScope: async (scope) => ({ createdBy: [scope.principal!.userRef], excludedTypes: ['AuditEvent'] }),
  });
  registerDirectory(registry);
  registerDsp(registry, options);
  registerMessaging(registry);
  registerCare(registry, CARE_RECORD_TYPES);
  registerAudit(registry);
  registerSpaces(registry);
  registerLibrary(registry);
  registerBlobs(registry, options.blobUploads);
  // Tumour boards claim their records among the care types (an RCP marker); the care policy keeps the rest.
  registerRcp(registry, options.rcpQuorum ? { quorum: options.rcpQuorum } : {});
  registry.register(['Binary'], unattachedBinaryPolicy);
  return registry;
}
