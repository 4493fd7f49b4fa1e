/**
 * What the tumour-board screens show, from the encrypted cache alone (so everything reads offline): my
 * meetings upcoming and past, a meeting with its agenda and quorum, a case dossier with the proposal, a
 * patient's cases.
 */
import type { Appointment, Patient, Task } from 'fhir/r4';
import type { RcpCaseSummary, RcpDossier, RcpMeetingDetail, RcpMeetingSummary } from '../../../src-shared/api';
import { DeskError } from '../../../src-shared/domain/errors';
import {
  caseDocumentsOf,
  DEFAULT_RCP_QUORUM,
  isRcpMeeting,
  meetingOf,
  missingQuorum,
  participantsOf,
  patientOfCase,
  presenterOf,
} from '../../../src-shared/domain/rcp';
import type { Role } from '../../../src-shared/domain/roles';
import type { IndexedRcpRecord } from '../store/rcp-index';
import { proposalFields, type RcpRecords } from './rcp-records';

const PHYSICIANS: readonly Role[] = ['gp', 'specialist'];
/** A meeting stays "upcoming" until this long after its start (it may be running). */
const RUNNING_MS = 6 * 3_600_000;

export class RcpViews {
  constructor(
    private readonly records: RcpRecords,
    private readonly me: () => { id: string; role: Role },
    private readonly now: () => Date = () => new Date(),
  ) {}

  private get store() {
    return this.records.store;
  }

  private meetingOrThrow(id: string): Appointment {
    const meeting = this.records.get<Appointment>(`Appointment/${id}`);
    if (!meeting || !isRcpMeeting(meeting))
      throw new DeskError('not_found', `no tumour-board meeting ${id} on this device`, 'id');
    return meeting;
  }

  private summary(id: string, meeting: Appointment): RcpMeetingSummary {
    const me = this.me().id;
    const seat = participantsOf(meeting).find((p) => p.actor === me);
    return {
      id,
      title: meeting.description ?? meeting.serviceType?.[0]?.coding?.[0]?.display ?? 'RCP',
      specialty: meeting.specialty?.[0]?.coding?.[0]?.display ?? meeting.specialty?.[0]?.text ?? null,
      start: meeting.start ?? null,
      end: meeting.end ?? null,
      status: meeting.status,
      myRole: seat?.role ?? null,
      myAnswer: seat ? (seat.status as RcpMeetingSummary['myAnswer']) : null,
      caseCount: this.records.caseRefs(id, meeting).length,
      participants: this.records.participants(meeting),
      pending: this.records.pending(`Appointment/${id}`),
    };
  }

  meetings(): { upcoming: RcpMeetingSummary[]; past: RcpMeetingSummary[] } {
    const upcoming: RcpMeetingSummary[] = [];
    const past: RcpMeetingSummary[] = [];
    const cutoff = this.now().getTime() - RUNNING_MS;
    for (const row of this.store.rcp.meetings()) {
      const meeting = this.records.get<Appointment>(`Appointment/${row.id}`);
      if (!meeting) continue;
      const summary = this.summary(row.id, meeting);
      const ended = meeting.status === 'fulfilled' || (meeting.start !== undefined && Date.parse(meeting.start) < cutoff);
      (ended ? past : upcoming).push(summary);
    }
    past.reverse(); // the last one first
    return { upcoming, past };
  }

  private caseSummary(caseRef: string, records: readonly IndexedRcpRecord[], meetingId: string | null): RcpCaseSummary {
    const task = this.records.task(caseRef);
    const patientRef = task ? patientOfCase(task) : (records.find((r) => r.kind === 'case')?.patientId ?? undefined);
    const proposal = meetingId ? this.records.proposal(records, meetingId) : undefined;
    return {
      id: caseRef.slice('Task/'.length),
      patientId: patientRef?.replace(/^Patient\//, '') ?? null,
      patientName: task ? this.records.patientName(patientRef) : '—',
      question: task?.description ?? '',
      presenter: task ? this.records.nameOf(presenterOf(task)) : null,
      diagnosis: this.records.diagnosis(records),
      staging: this.records.staging(records),
      readable: task !== undefined,
      proposalId: proposal?.row.id ?? null,
      minutesId: this.records.currentMinutes(records)?.id ?? null,
      pending: this.records.pending(caseRef),
    };
  }

  meeting(id: string): RcpMeetingDetail {
    const meeting = this.meetingOrThrow(id);
    const summary = this.summary(id, meeting);
    const caseRefs = this.records.caseRefs(id, meeting);
    const byCase = this.records.recordsByCase(caseRefs);
    const present = new Set<string>();
    for (const p of summary.participants)
      if (p.role === 'member' && p.answer === 'accepted') for (const s of p.specialties) present.add(s);
    const missing = missingQuorum(DEFAULT_RCP_QUORUM, present).map((g) => [...g]);
    const me = this.me();
    const physician = PHYSICIANS.includes(me.role);
    return {
      ...summary,
      cases: caseRefs.map((ref) => this.caseSummary(ref, byCase.get(ref) ?? [], id)),
      quorum: { met: missing.length === 0, missing },
      canRecord: physician && summary.myRole === 'member' && summary.myAnswer === 'accepted',
      canAnswer: summary.myRole === 'member',
    };
  }

  dossier(caseId: string, meetingId?: string): RcpDossier {
    const caseRef = `Task/${caseId}`;
    const task = this.records.task(caseRef);
    if (!task) throw new DeskError('not_found', `the dossier of case ${caseId} is not on this device`, 'caseId');
    const records = this.store.rcp.ofCases([caseRef]);
    const meeting = meetingId ?? meetingOf(task)?.slice('Appointment/'.length) ?? null;
    const patientRef = patientOfCase(task);
    const proposal = meeting ? this.records.proposal(records, meeting) : undefined;
    // In conflict: refused or overtaken, waiting in the quarantine for a decision (an offline retry is no conflict).
    const inConflict = (ref: string) => this.store.quarantine.list().some((entry) => entry.entityKey === ref);
    return {
      id: caseId,
      meetingId: meeting,
      patient: {
        id: patientRef?.replace(/^Patient\//, '') ?? null,
        name: this.records.patientName(patientRef),
        birthDate: this.records.get<Patient>(patientRef)?.birthDate ?? null,
      },
      question: task.description ?? '',
      presenter: this.records.nameOf(presenterOf(task)),
      registeredBy: this.records.nameOf((task as Task).requester?.reference),
      diagnosis: this.records.diagnosis(records),
      staging: this.records.staging(records),
      documents: caseDocumentsOf(task).map((doc) => ({
        title: doc.copy?.title ?? doc.reference ?? '',
        reference: doc.reference ?? null,
        copiedFrom: doc.copy?.copiedFrom ?? null,
        available: doc.copy !== undefined || (doc.reference !== undefined && this.records.get(doc.reference) !== undefined),
        contentType: doc.copy?.contentType ?? null,
      })),
      proposal: proposal
        ? {
            id: proposal.row.id,
            baseVersion: proposal.plan.meta?.versionId ?? null,
            ...proposalFields(proposal.plan),
            pending: this.records.pending(`CarePlan/${proposal.row.id}`),
            inConflict: inConflict(`CarePlan/${proposal.row.id}`),
          }
        : null,
      minutes: records
        .filter((r) => r.kind === 'minutes')
        .map((r) => ({
          id: r.id,
          status: this.records.get<fhir4.DocumentReference>(`DocumentReference/${r.id}`)?.status ?? 'current',
          date: r.at,
          pending: this.records.pending(`DocumentReference/${r.id}`),
        }))
        .sort((a, b) => (b.date ?? '').localeCompare(a.date ?? '')),
      canAttach: presenterOf(task) === this.me().id,
      attachable:
        presenterOf(task) === this.me().id && patientRef
          ? this.store.dspDocuments
              .timeline(patientRef.slice('Patient/'.length))
              .filter((row) => row.status === 'current')
              .map((row) => ({ id: row.id, title: row.title, date: row.date }))
          : [],
    };
  }

  casesOf(patientId: string): RcpCaseSummary[] {
    const rows = this.store.rcp.casesOf(patientId);
    const refs = rows.map((r) => `Task/${r.id}`);
    const byCase = this.records.recordsByCase(refs);
    return rows.map((row) =>
      this.caseSummary(
        `Task/${row.id}`,
        byCase.get(`Task/${row.id}`) ?? [],
        row.meetingRef?.slice('Appointment/'.length) ?? null,
      ),
    );
  }
}
