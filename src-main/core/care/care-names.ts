import type { Organization, Patient, Practitioner } from 'fhir/r4';
import { displayNameOf } from '../messaging/directory-lookup';
import { PlatformError, type PlatformClient } from '../platform-client';
import { patientDisplayName, type Store } from '../store';

/** Patients named per patient-directory search (one `_id` list per request). */
const PATIENTS_PER_LOOKUP = 50;

/**
 * Asks the patient directory (PDQm, open to every authenticated professional) for the identities of patients the
 * cache holds records of but not their Patient, and keeps them like any synced record. Offline they wait for the
 * next sync; returns how many were named.
 */
export async function fetchPatientIdentities(
  store: Store,
  client: PlatformClient,
  patientIds: readonly string[],
): Promise<number> {
  let named = 0;
  for (let start = 0; start < patientIds.length; start += PATIENTS_PER_LOOKUP) {
    const ids = patientIds.slice(start, start + PATIENTS_PER_LOOKUP);
    let found: Patient[];
    try {
      found = await client.search<Patient>('Patient', { _id: ids.join(','), _count: String(ids.length) });
    } catch (error) {
      if (error instanceof PlatformError && error.isTransient) return named;
      throw error;
    }
    store.transaction(() => found.forEach((patient) => store.resources.upsert(patient)));
    named += found.length;
  }
  return named;
}

/** Names of the people care records point at, from the cache (memoised per instance: one screen's worth). */
export class CareNames {
  private readonly patients = new Map<string, string>();
  private readonly practitioners = new Map<string, string | null>();

  constructor(private readonly store: Store) {}

  patient(patientId: string): string {
    let name = this.patients.get(patientId);
    if (name === undefined) {
      name = patientDisplayName(this.store.resources.get<Patient>('Patient', patientId)?.resource, patientId);
      this.patients.set(patientId, name);
    }
    return name;
  }

  /** `Practitioner/…` (or an Organization) as its directory name; null when not a reference we can name. */
  practitioner(reference: string): string | null {
    let name = this.practitioners.get(reference);
    if (name === undefined) {
      const [type, id] = reference.split('/');
      const found = type && id ? this.store.resources.get<Practitioner | Organization>(type, id)?.resource : undefined;
      name = found ? displayNameOf(found, reference) : null;
      this.practitioners.set(reference, name);
    }
    return name;
  }
}
