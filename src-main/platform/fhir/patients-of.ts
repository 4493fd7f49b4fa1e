import { locate } from './element-path';
import type { ResourceTypeDef } from './resource-types';

/** The patients ("Patient/…") a resource is about, from its declared patient paths (for the access log). */
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
