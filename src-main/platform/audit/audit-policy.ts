/**
 * The access log's policy: an AuditEvent is read by the patient it concerns (and, through the
 * simulator's `$access-log`, their DSP assistant); it is written by the platform alone. Reading the
 * log is not itself logged, or every look would grow it.
 */
import { forbidden } from '../fhir/fhir-error';
import { patientsOf } from '../fhir/patients-of';
import { resourceTypeDef } from '../fhir/resource-types';
import type { PolicyRegistry } from '../policy/policy-registry';
import type { ResourcePolicy } from '../policy/resource-policy';

const AUDIT_EVENT = resourceTypeDef('AuditEvent')!;

const auditPolicy: ResourcePolicy = {
  name: 'access-log',
  typeGate: (scope, action, request) => {
    const principal = scope.principal;
    if (!principal) return { allowed: false, status: 401, reason: 'authentication required' };
    if (principal.role !== 'patient')
      return { allowed: false, status: 403, reason: 'the access log (AuditEvent) is read by the patient it concerns only' };
    const pinned = request?.criteria.some(
      (c) => c.kind === 'reference' && c.param === 'patient' && c.values.length === 1 && c.values[0] === principal.userRef,
    );
    if (action === 'search' && !pinned)
      return {
        allowed: false,
        status: 403,
        reason: `a patient searches only their own access log (add patient=${principal.userRef})`,
      };
    return { allowed: true };
  },
  read: async (scope, stored) =>
    scope.principal && patientsOf(AUDIT_EVENT, stored.resource!).includes(scope.principal.userRef)
      ? { allowed: true }
      : { allowed: false, status: 403, reason: 'the access log (AuditEvent) is read by the patient it concerns only' },
  write: async () => {
    throw forbidden('AuditEvent: written by the platform only');
  },
};

export function registerAudit(registry: PolicyRegistry): void {
  registry.register(['AuditEvent'], auditPolicy);
}
