/**
 * Who may read, search and write what — pure decisions, audited by the caller. This is the
 * platform-wide baseline; the DSP decision table (ARCHITECTURE §5: référent, trust circle, presence
 * code, hidden documents, confidentiality) refines the patient-data branch in a later issue.
 */
import { hasCareMandate } from '../../../src-shared/domain/roles';
import { locate } from '../fhir/element-path';
import type { ResourceTypeDef } from '../fhir/resource-types';
import type { SearchRequest } from '../fhir/search-query';
import type { Principal } from './principal';

export type Decision = { allowed: true } | { allowed: false; status: 401 | 403; reason: string };

const ALLOW: Decision = { allowed: true };
const needLogin: Decision = {
  allowed: false,
  status: 401,
  reason: 'authentication required: send Authorization: Bearer <access token>',
};
const deny = (reason: string): Decision => ({ allowed: false, status: 403, reason });

/** Roles without a care mandate may still keep demographics, agenda and directory up to date. */
const ADMINISTRATIVE_TYPES = new Set(['Patient', 'Appointment', 'Binary']);

/** The patients ("Patient/…") a resource is about, from its declared patient paths. */
export function patientsOf(def: ResourceTypeDef, resource: fhir4.Resource): string[] {
  if (def.type === 'Patient') return resource.id ? [`Patient/${resource.id}`] : [];
  const refs = new Set<string>();
  for (const path of def.patientPaths) {
    for (const { value } of locate(resource, def.type, path)) {
      const ref = (value as { reference?: unknown } | null)?.reference;
      if (typeof ref === 'string' && ref.startsWith('Patient/')) refs.add(ref);
    }
  }
  return [...refs];
}

export function decideRead(principal: Principal | null, def: ResourceTypeDef, resource: fhir4.Resource | null): Decision {
  if (def.category === 'directory') return ALLOW;
  if (!principal) return needLogin;
  if (principal.role === 'patient') {
    if (resource === null) return ALLOW; // nothing to show: the 404/410 answers
    return patientsOf(def, resource).includes(principal.userRef) ? ALLOW : deny(`a patient may only read their own records`);
  }
  if (def.category === 'audit') return deny('the access log (AuditEvent) is readable by the patient it concerns only');
  return ALLOW;
}

/** A patient's search must be pinned to themselves (or the search would reveal other patients). */
function pinnedToSelf(principal: Principal, request: SearchRequest): boolean {
  const self = principal.userRef;
  return request.criteria.some(
    (c) =>
      (c.kind === 'id' && request.resourceType === 'Patient' && c.values.length === 1 && `Patient/${c.values[0]}` === self) ||
      (c.kind === 'reference' &&
        (c.param === 'patient' || c.param === 'subject') &&
        c.values.length === 1 &&
        c.values[0] === self),
  );
}

export function decideSearch(principal: Principal | null, def: ResourceTypeDef, request: SearchRequest): Decision {
  if (def.category === 'directory') return ALLOW;
  if (!principal) return needLogin;
  if (principal.role === 'patient') {
    return pinnedToSelf(principal, request)
      ? ALLOW
      : deny(
          `a patient may only search their own records (add ${def.type === 'Patient' ? '_id' : 'patient'}=${def.type === 'Patient' ? principal.userRef.slice(8) : principal.userRef})`,
        );
  }
  if (def.category === 'audit') return deny('the access log (AuditEvent) is searchable by the patient it concerns only');
  return ALLOW;
}

export function decideWrite(principal: Principal | null, def: ResourceTypeDef, resource: fhir4.Resource): Decision {
  if (!principal) return needLogin;
  if (!def.clientWritable) return deny(`${def.type} is written by the platform only`);
  if (principal.role === 'patient') {
    if (def.category === 'directory') return deny('patients may not change the professional directory');
    return patientsOf(def, resource).includes(principal.userRef)
      ? ALLOW
      : deny('a patient may only write records about themselves');
  }
  if (def.category === 'patient-data' && !hasCareMandate(principal.role) && !ADMINISTRATIVE_TYPES.has(def.type)) {
    return deny(`role ${principal.role} has no care mandate: it may not write ${def.type}`);
  }
  return ALLOW;
}
