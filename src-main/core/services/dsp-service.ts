import type { SessionManager } from '../session/session-manager';
import type { DomainHandlers } from './registry';

export function createDspService(sessions: SessionManager): DomainHandlers<'dsp'> {
  const records = () => sessions.require().dsp;
  return {
    patients: () => records().patients(),
    documents: (filter) => records().documents(filter),
    document: ({ id }) => records().document(id),
    addDocument: ({ patientId, ...input }) => ({ id: records().add(patientId, input) }),
    correct: ({ replaces, ...input }) => ({ id: records().correct(replaces, input) }),
    markEnteredInError: ({ id }) => ({ id: records().markEnteredInError(id) }),
  };
}
