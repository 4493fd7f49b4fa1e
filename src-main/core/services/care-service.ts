import { localDateOf } from '../../../src-shared/domain/care';
import { DeskError } from '../../../src-shared/domain/errors';
import { hasCareMandate } from '../../../src-shared/domain/roles';
import type { SessionManager } from '../session/session-manager';
import type { DomainHandlers } from './registry';
import type { EventBus } from './events';

/** The care records API (issue 11) over the active session's CareRecords; every write announces `care.changed`. */
export function createCareService(sessions: SessionManager, events: EventBus): DomainHandlers<'care'> {
  const care = () => sessions.require().care;
  const changed = <T>(value: T): T => {
    events.emit('care.changed', {});
    return value;
  };
  return {
    patients: () => care().chart.patients(),
    chart: ({ patientId }) => care().chart.chart(patientId),
    vitals: ({ patientId, kind, from, to }) => {
      if (from > to) throw new DeskError('invalid_input', 'from: must not be after to', 'from');
      return care().chart.vitals(patientId, kind, from, to);
    },
    addVitals: ({ patientId, at, entries }) => changed({ ids: care().documentation.addVitals(patientId, entries, at) }),
    correctVital: ({ id, entry, reason }) => changed({ id: care().documentation.correctVital(id, entry, reason) }),
    noteDraft: ({ patientId }) => care().documentation.draft(patientId) as never,
    saveNoteDraft: ({ patientId, ...note }) => {
      care().documentation.saveDraft(patientId, note);
      return {};
    },
    discardNoteDraft: ({ patientId }) => {
      care().documentation.discardDraft(patientId);
      return {};
    },
    addNote: ({ patientId, ...note }) => changed({ id: care().documentation.addNote(patientId, note) }),
    correctNote: ({ id, reason, ...note }) => changed({ id: care().documentation.correctNote(id, note, reason) }),
    round: ({ date, shift, patientId }) => care().medication.doses(date, shift, patientId),
    recordAdministration: (input) => changed({ doseId: care().medication.record(input) }),
    countersign: ({ doseId }) => changed({ doseId: care().medication.countersign(doseId) }),
    doseConflicts: () => care().doseConflicts.list(),
    resolveDoseConflict: async ({ opId, keep, reason }) => {
      const session = sessions.require();
      session.care.doseConflicts.resolve(opId, keep, reason);
      events.emit('sync.changed', {});
      await session.worker.nudge();
      return changed({});
    },
    editCarePlan: ({ id, baseVersion, description, reason }) =>
      changed({ id: care().documentation.editCarePlan(id, baseVersion, description, reason) }),
    addWoundAssessment: ({ patientId, ...input }) => changed(care().documentation.addWoundAssessment(patientId, input)),
    photo: ({ reference }) => care().photo(reference),
    visits: ({ date }) => care().preparation.visits(date),
    prepareRound: async ({ date }) => {
      const session = sessions.require();
      // Care records and DSP documents come with the feed: sync first, then fetch what it does not carry.
      await session.worker.nudge();
      const readiness = await session.care.preparation.prepare(date, session.client);
      return changed(readiness);
    },
    readiness: ({ date }) => care().preparation.readiness(date),
    handover: ({ since }) => care().chart.handover(since),
    completeHandover: () => {
      // Staff without a care mandate see the schedule only: a handover (clinical content) is not theirs to write.
      const role = sessions.require().client.user?.role;
      if (!role || !hasCareMandate(role))
        throw new DeskError('forbidden', 'the handover is written by carers (a role with a care mandate)');
      return changed(care().documentation.recordHandover(care().chart.handover()));
    },
  };
}

/** Today in the care time zone (what "tomorrow's round" is counted from). */
export function careToday(now: Date = new Date()): string {
  return localDateOf(now);
}
