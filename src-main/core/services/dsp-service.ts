import type { SessionManager } from '../session/session-manager';
import type { DomainHandlers } from './registry';

export function createDspService(sessions: SessionManager): DomainHandlers<'dsp'> {
  const records = () => sessions.require().dsp;
  return {
    patients: () => records().patients(),
    opened: ({ patientId }) => {
      records().opened(patientId);
      return {};
    },
    recentPatients: ({ limit }) => records().recent(limit),
    documents: (filter) => records().documents(filter),
    document: ({ id }) => records().document(id),
    addDocument: ({ patientId, ...input }) => ({ id: records().add(patientId, input) }),
    correct: ({ replaces, ...input }) => ({ id: records().correct(replaces, input) }),
    markEnteredInError: ({ id }) => ({ id: records().markEnteredInError(id) }),
    redeemPresenceCode: async ({ patientId, code }) => {
      const session = sessions.require();
      const granted = await session.dsp.redeemPresenceCode(session.client, patientId, code);
      await session.worker.nudge(); // brings the DSP the code opened
      return granted;
    },
  };
}
