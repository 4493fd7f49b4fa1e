import type { SyncStatus } from '../../../src-shared/api';
import { DeskError } from '../../../src-shared/domain/errors';
import type { ActiveSession } from '../session/active-session';
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
    conflicts: () =>
      sessions
        .require()
        .store.quarantine.list()
        .map((entry) => ({
          opId: entry.opId,
          entityKey: entry.entityKey,
          reason: entry.reason,
          createdAt: entry.createdAt,
          local: entry.local,
          server: entry.server,
        })),
    resolve: async ({ opId, choice }) => {
      const session = sessions.require();
      if (!session.store.quarantine.get(opId)) throw new DeskError('not_found', `no conflict ${opId}`, 'opId');
      session.engine.resolveConflict(opId, choice);
      await session.worker.nudge();
      return statusOf(session);
    },
  };
}
