import type { Organization, Patient, Practitioner } from 'fhir/r4';
import type { SyncStatus } from '../../../src-shared/api';
import { DeskError } from '../../../src-shared/domain/errors';
import { patientDisplayName } from '../dsp/dsp-records';
import { displayNameOf } from '../messaging/directory-lookup';
import type { ActiveSession } from '../session/active-session';
import { describeConflict } from '../sync/conflict-description';
import type { SessionManager } from '../session/session-manager';
import type { DomainHandlers } from './registry';

function statusOf(session: ActiveSession): SyncStatus {
  const state = session.syncState();
  return {
    connectivity: state.connectivity,
    running: state.running,
    lastSuccessAt: state.lastSuccessAt,
    pending: session.store.outbox.countUnacked(),
    conflicts: session.store.quarantine.list().length,
    progress: state.progress,
  };
}

export function createSyncService(sessions: SessionManager): DomainHandlers<'sync'> {
  return {
    status: () => statusOf(sessions.require()),
    now: async () => {
      const session = sessions.require();
      await session.worker.nudge();
      return statusOf(session);
    },
    conflicts: () => {
      const { store } = sessions.require();
      // Names from the cache: the patient, the authors, any referenced professional or organisation.
      const nameOf = (reference: string) => {
        const [type, id] = reference.split('/');
        const found = type && id ? store.resources.get<Patient | Practitioner | Organization>(type, id)?.resource : undefined;
        if (found?.resourceType === 'Patient') return patientDisplayName(found, reference);
        return found ? displayNameOf(found, reference) : null;
      };
      return store.quarantine.list().map((entry) => describeConflict(entry, nameOf));
    },
    resolve: async ({ opId, choice }) => {
      const session = sessions.require();
      if (!session.store.quarantine.get(opId)) throw new DeskError('not_found', `no conflict ${opId}`, 'opId');
      session.engine.resolveConflict(opId, choice);
      await session.worker.nudge();
      return statusOf(session);
    },
  };
}
