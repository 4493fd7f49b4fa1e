import type { Patient } from 'fhir/r4';
import type { PatientHit } from '../../../src-shared/api';
import { PractitionerDirectory } from '../directory/practitioner-directory';
import { LU_MATRICULE_SYSTEM } from '../../../src-shared/domain/fhir-sync';
import { PlatformError } from '../platform-client';
import type { ActiveSession } from '../session/active-session';
import type { SessionManager } from '../session/session-manager';
import type { DomainHandlers } from './registry';

function patientHit(p: Patient): PatientHit {
  return {
    id: p.id ?? '',
    matricule: p.identifier?.find((i) => i.system === LU_MATRICULE_SYSTEM)?.value ?? null,
    family: p.name?.[0]?.family ?? null,
    given: p.name?.[0]?.given?.join(' ') ?? null,
    birthDate: p.birthDate ?? null,
  };
}

/**
 * Online first; when the platform cannot be reached, the cache answers and the result says so.
 * Online results are kept in the cache so the same search works offline later.
 */
async function searchWithFallback<R extends Patient, H>(
  session: ActiveSession,
  type: R['resourceType'],
  params: Record<string, string>,
  text: string,
  toHit: (resource: R) => H,
): Promise<{ fromCache: boolean; results: H[] }> {
  try {
    const resources = await session.client.search<R>(type, params);
    session.store.transaction(() => {
      for (const resource of resources) if (resource.meta?.versionId) session.store.resources.upsert(resource);
    });
    return { fromCache: false, results: resources.map(toHit) };
  } catch (error) {
    if (!(error instanceof PlatformError) || !error.isTransient) throw error;
    const cached = session.store.resources.search(text, 50, type).map((c) => c.resource as unknown as R);
    return { fromCache: true, results: cached.map(toHit) };
  }
}

const directoryOf = (session: ActiveSession) =>
  new PractitionerDirectory(session.store, session.client, session.mailbox.directory);

export function createDirectoryService(sessions: SessionManager): DomainHandlers<'directory'> {
  return {
    searchPractitioners: (criteria) => directoryOf(sessions.require()).search(criteria),
    facets: () => directoryOf(sessions.require()).facets(),
    practitioner: ({ id }) => directoryOf(sessions.require()).card(id),
    searchPatients: ({ text }) => {
      const params: Record<string, string> = /^\d{13}$/.test(text)
        ? { identifier: `${LU_MATRICULE_SYSTEM}|${text}` }
        : { family: text, _count: '50' };
      return searchWithFallback<Patient, PatientHit>(sessions.require(), 'Patient', params, text, patientHit);
    },
  };
}
