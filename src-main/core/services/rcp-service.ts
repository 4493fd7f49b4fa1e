import type { SessionManager } from '../session/session-manager';
import type { SettingsStore } from '../settings';
import type { EventBus } from './events';
import type { DomainHandlers } from './registry';

/**
 * The tumour-board API (issue 12) over the active session's RcpBoard; every write announces `rcp.changed`.
 * The minutes are written in the language of the author's UI (the settings), the clinical content as entered.
 */
export function createRcpService(sessions: SessionManager, events: EventBus, settings: SettingsStore): DomainHandlers<'rcp'> {
  const rcp = () => sessions.require().rcp;
  const language = () => settings.read().language;
  const changed = <T>(value: T): T => {
    events.emit('rcp.changed', {});
    return value;
  };
  return {
    meetings: () => rcp().views.meetings(),
    meeting: ({ id }) => rcp().views.meeting(id),
    dossier: ({ caseId, meetingId }) => rcp().views.dossier(caseId, meetingId),
    casesOf: ({ patientId }) => rcp().views.casesOf(patientId),
    answer: ({ meetingId, answer }) => changed({ id: rcp().actions.answer(meetingId, answer) }),
    sendAgenda: ({ meetingId }) => changed({ id: rcp().actions.sendAgenda(meetingId) }),
    registerCase: (input) => changed({ id: rcp().actions.registerCase(input) }),
    saveProposal: (input) => changed({ id: rcp().actions.saveProposal(input) }),
    attachCopy: async ({ caseId, documentId }) => changed({ id: await rcp().actions.attachCopy(caseId, documentId) }),
    minutesPreview: ({ meetingId }) => rcp().actions.minutesPreview(meetingId, language()),
    publishMinutes: async ({ meetingId }) => {
      const published = await rcp().actions.publishMinutes(meetingId, language());
      events.emit('dsp.changed', {});
      return changed({ published });
    },
  };
}
