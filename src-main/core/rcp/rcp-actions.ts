/**
 * What a user does at a tumour board, written to the cache and the outbox in one transaction (so it works
 * offline and is shown pending until the platform has it): register a case, answer an invitation, send
 * the agenda, record the proposal (If-Match: two participants editing it offline meet as a conflict,
 * never last-write-wins), and generate and publish the minutes. Who may do what is the platform's
 * decision; offline, a refusal comes back as a conflict explained in words.
 */
import { randomUUID } from 'node:crypto';
import type { Appointment, Binary, Bundle, CarePlan, Condition, DocumentReference, Observation, Task } from 'fhir/r4';
import type { RcpStagingInput } from '../../../src-shared/api';
import { blobOf } from '../../../src-shared/domain/attachments';
import { LOINC_SYSTEM } from '../../../src-shared/domain/dsp';
import { DeskError } from '../../../src-shared/domain/errors';
import {
  isRcpMeeting,
  participantsOf,
  patientOfCase,
  presenterOf,
  RCP_ALTERNATIVE_EXTENSION,
  RCP_CASE_EXTENSION,
  RCP_CODES,
  RCP_COPIED_FROM_EXTENSION,
  RCP_DISSENT_EXTENSION,
  RCP_MEETING_EXTENSION,
  RCP_MINUTES_DOCUMENT_TYPE,
  RCP_SPECIALTY_PRESENT_EXTENSION,
  RCP_STAGING_CODES,
  RCP_SYSTEM,
  SPECIALTY_SYSTEM,
  type RcpStagingKind,
} from '../../../src-shared/domain/rcp';
import type { Store } from '../store';
import type { LocalWrites } from '../sync';
import { minutesPdf, type MinutesCase, type MinutesContent, type MinutesLanguage } from './minutes-pdf';
import { proposalFields, stagingText, type RcpRecords } from './rcp-records';

export interface NewCase {
  patientId: string;
  meetingId: string;
  question: string;
  diagnosis: string;
  staging: RcpStagingInput;
}

export interface ProposalInput {
  caseId: string;
  meetingId: string;
  text: string;
  alternatives: string[];
  dissent: string;
  specialtiesPresent: string[];
}

const ref = (reference: string) => ({ reference });
const SPECIALTY_NAMES: Record<string, string> = {
  oncology: 'oncologie',
  surgery: 'chirurgie',
  radiotherapy: 'radiothérapie',
  pathology: 'anatomie pathologique',
  radiology: 'radiologie',
};

export class RcpActions {
  constructor(
    private readonly records: RcpRecords,
    private readonly writes: LocalWrites,
    private readonly me: () => { id: string; name: string },
    private readonly afterWrite: () => void,
    private readonly now: () => Date = () => new Date(),
    /** A Binary's bytes, from this device or fetched through it (the attachment queue); undefined when unreachable. */
    private readonly bytesOf: (binaryId: string) => Promise<Buffer | undefined> = async () => undefined,
  ) {}

  private get store(): Store {
    return this.records.store;
  }

  private meeting(id: string): Appointment & { id: string } {
    const meeting = this.records.get<Appointment>(`Appointment/${id}`);
    if (!meeting || !isRcpMeeting(meeting))
      throw new DeskError('not_found', `no tumour-board meeting ${id} on this device`, 'meetingId');
    return { ...meeting, id };
  }

  private baseVersion(reference: string): string {
    const [type, id] = reference.split('/');
    return String(this.store.resources.versionOf(type!, id!)?.versionId ?? 0);
  }

  /**
   * The case, its primary Condition and its staging Observations as one transaction Bundle (the case names
   * its Condition, which names its case): all or nothing, one outbox operation.
   */
  registerCase(input: NewCase): string {
    const meeting = this.meeting(input.meetingId);
    const me = this.me().id;
    const caseId = randomUUID();
    const conditionId = randomUUID();
    const now = this.now().toISOString();
    const caseExtension = { url: RCP_CASE_EXTENSION, valueReference: ref(`Task/${caseId}`) };
    const task: Task & { id: string } = {
      resourceType: 'Task',
      id: caseId,
      status: 'requested',
      intent: 'proposal',
      code: { coding: [{ system: RCP_SYSTEM, code: RCP_CODES.case }] },
      description: input.question,
      for: ref(`Patient/${input.patientId}`),
      focus: ref(`Condition/${conditionId}`),
      requester: ref(me),
      owner: ref(me),
      authoredOn: now,
      extension: [{ url: RCP_MEETING_EXTENSION, valueReference: ref(`Appointment/${meeting.id}`) }],
    };
    const condition: Condition & { id: string } = {
      resourceType: 'Condition',
      id: conditionId,
      extension: [caseExtension],
      clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
      code: { text: input.diagnosis },
      subject: ref(`Patient/${input.patientId}`),
      recordedDate: now,
    };
    const staging = (Object.entries(input.staging) as Array<[RcpStagingKind, string | undefined]>)
      .filter(([, value]) => value !== undefined && value !== '')
      .map(([kind, value]): Observation & { id: string } => ({
        resourceType: 'Observation',
        id: randomUUID(),
        extension: [caseExtension],
        status: 'final',
        code: { coding: [{ system: LOINC_SYSTEM, code: RCP_STAGING_CODES[kind] }] },
        subject: ref(`Patient/${input.patientId}`),
        effectiveDateTime: now,
        valueString: value!,
      }));
    const resources = [task, condition, ...staging];
    const bundle: Bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: resources.map((resource) => ({
        resource,
        request: { method: 'PUT', url: `${resource.resourceType}/${resource.id}` },
      })),
    };
    this.store.transaction(() => {
      for (const resource of resources) this.store.resources.saveLocal(resource);
      // An empty url is the FHIR base: where a transaction Bundle goes.
      this.store.outbox.enqueue({ entityKey: `Task/${caseId}`, method: 'POST', url: '', body: bundle });
    });
    this.afterWrite();
    return caseId;
  }

  /** My answer to the invitation: my own participant status, nothing else. */
  answer(meetingId: string, answer: 'accepted' | 'declined' | 'tentative'): string {
    const meeting = this.meeting(meetingId);
    const me = this.me().id;
    if (!participantsOf(meeting).some((p) => p.actor === me && p.role === 'member'))
      throw new DeskError('forbidden', 'you are not invited to this meeting', 'meetingId');
    const updated = {
      ...meeting,
      participant: meeting.participant.map((p) => (p.actor?.reference === me ? { ...p, status: answer } : p)),
    };
    this.writes.update(updated, this.baseVersion(`Appointment/${meetingId}`));
    return meetingId;
  }

  /** The coordinator sends the agenda: the meeting is booked; members who had not been asked are asked. */
  sendAgenda(meetingId: string): string {
    const meeting = this.meeting(meetingId);
    const me = this.me().id;
    if (!participantsOf(meeting).some((p) => p.actor === me && p.role === 'coordinator'))
      throw new DeskError('forbidden', 'only a coordinator of the meeting sends its agenda', 'meetingId');
    this.writes.update({ ...meeting, status: 'booked' }, this.baseVersion(`Appointment/${meetingId}`));
    return meetingId;
  }

  /** Records the proposal, or edits the one recorded (based on the version this device holds). */
  saveProposal(input: ProposalInput): string {
    const meeting = this.meeting(input.meetingId);
    const caseRef = `Task/${input.caseId}`;
    const task = this.records.task(caseRef);
    if (!task) throw new DeskError('not_found', `the dossier of case ${input.caseId} is not on this device`, 'caseId');
    const records = this.store.rcp.ofCases([caseRef]);
    const existing = this.records.proposal(records, meeting.id);
    const conditionRow = records.find((r) => r.kind === 'condition');
    const me = this.me().id;
    const plan: CarePlan & { id: string } = {
      ...(existing?.plan ?? {}),
      resourceType: 'CarePlan',
      id: existing?.row.id ?? randomUUID(),
      status: 'active',
      intent: 'proposal',
      category: [{ coding: [{ system: RCP_SYSTEM, code: RCP_CODES.proposal }] }],
      title: 'Proposition thérapeutique de la RCP',
      description: input.text,
      subject: task.for!,
      ...(conditionRow ? { addresses: [ref(`Condition/${conditionRow.id}`)] } : {}),
      author: existing?.plan.author ?? ref(me),
      contributor: participantsOf(meeting)
        .filter((p) => p.role === 'member' && p.status === 'accepted')
        .map((p) => ref(p.actor)),
      created: existing?.plan.created ?? this.now().toISOString(),
      extension: [
        { url: RCP_CASE_EXTENSION, valueReference: ref(caseRef) },
        { url: RCP_MEETING_EXTENSION, valueReference: ref(`Appointment/${meeting.id}`) },
        ...input.alternatives.map((valueString) => ({ url: RCP_ALTERNATIVE_EXTENSION, valueString })),
        ...(input.dissent ? [{ url: RCP_DISSENT_EXTENSION, valueString: input.dissent }] : []),
        ...input.specialtiesPresent.map((code) => ({
          url: RCP_SPECIALTY_PRESENT_EXTENSION,
          valueCoding: { system: SPECIALTY_SYSTEM, code },
        })),
      ],
    };
    if (existing) this.writes.update(plan, this.baseVersion(`CarePlan/${plan.id}`));
    else this.writes.create(plan);
    return plan.id;
  }

  /** The presenter attaches a copy of a DSP document of the patient (its content from this device) to the dossier. */
  async attachCopy(caseId: string, documentId: string): Promise<string> {
    const caseRef = `Task/${caseId}`;
    const task = this.records.task(caseRef);
    if (!task) throw new DeskError('not_found', `the dossier of case ${caseId} is not on this device`, 'caseId');
    if (presenterOf(task) !== this.me().id)
      throw new DeskError('forbidden', 'only the presenter of the case attaches copies', 'caseId');
    const doc = this.records.get<DocumentReference>(`DocumentReference/${documentId}`);
    if (!doc || doc.subject?.reference !== patientOfCase(task))
      throw new DeskError('invalid_input', "not a DSP document of this case's patient on this device", 'documentId');
    const attachment = doc.content?.[0]?.attachment;
    const binary = attachment?.url?.startsWith('Binary/') ? this.records.get<Binary>(attachment.url) : undefined;
    // A Binary names its blob (issue 10): its bytes come from this device, or through the attachment queue.
    const binaryId = attachment?.url?.startsWith('Binary/') ? attachment.url.slice('Binary/'.length) : undefined;
    const data =
      attachment?.data ??
      binary?.data ??
      (binaryId !== undefined && binary && blobOf(binary) ? (await this.bytesOf(binaryId))?.toString('base64') : undefined);
    if (!attachment || data === undefined)
      throw new DeskError('not_found', 'the content of this document is not on this device yet', 'documentId');
    const copy = {
      type: { coding: [{ system: RCP_SYSTEM, code: RCP_CODES.caseDocument }] },
      valueAttachment: {
        contentType: attachment.contentType ?? binary?.contentType ?? 'application/octet-stream',
        data,
        title: doc.description ?? attachment.title ?? documentId,
        ...(attachment.creation ? { creation: attachment.creation } : {}),
      },
      extension: [{ url: RCP_COPIED_FROM_EXTENSION, valueReference: ref(`DocumentReference/${documentId}`) }],
    };
    this.writes.update({ ...task, id: caseId, input: [...(task.input ?? []), copy] }, this.baseVersion(caseRef));
    return caseId;
  }

  /** The minutes' content: the meeting's header and one section per case with a proposal (only `caseRefs`, if given). */
  minutesContent(meetingId: string, language: MinutesLanguage, only?: string): MinutesContent {
    const meeting = this.meeting(meetingId);
    const present = this.records
      .participants(meeting)
      .filter((p) => p.role === 'member' && p.answer === 'accepted')
      .map((p) => `${p.name}${p.specialties.length ? ` (${p.specialties.map((s) => SPECIALTY_NAMES[s] ?? s).join(', ')})` : ''}`);
    const caseRefs = this.records.caseRefs(meetingId, meeting).filter((r) => only === undefined || r === only);
    const byCase = this.records.recordsByCase(caseRefs);
    const cases: MinutesCase[] = [];
    for (const caseRef of caseRefs) {
      const task = this.records.task(caseRef);
      const records = byCase.get(caseRef) ?? [];
      const proposal = this.records.proposal(records, meetingId);
      if (!task || !proposal) continue;
      const fields = proposalFields(proposal.plan);
      cases.push({
        patient: this.records.patientName(patientOfCase(task)),
        presenter: this.records.nameOf(presenterOf(task)) ?? '',
        question: task.description ?? '',
        diagnosis: this.records.diagnosis(records) ?? '',
        staging: stagingText(this.records.staging(records)),
        proposal: fields.text,
        alternatives: fields.alternatives,
        dissent: fields.dissent,
      });
    }
    return {
      language,
      board: [meeting.description, meeting.specialty?.[0]?.coding?.[0]?.display].filter(Boolean).join(' — ') || 'RCP',
      date: meeting.start ?? null,
      present,
      cases,
      generatedBy: this.me().name,
      generatedAt: this.now().toISOString(),
    };
  }

  /** `language`: the author's UI language, in which the minutes' own words are written. */
  async minutesPreview(meetingId: string, language: MinutesLanguage): Promise<{ data: string; cases: number }> {
    const content = this.minutesContent(meetingId, language);
    return { data: Buffer.from(await minutesPdf(content)).toString('base64'), cases: content.cases.length };
  }

  /**
   * Each case with a proposal gets its minutes in its patient's DSP: the header and that patient's section
   * only. Minutes already there are replaced (relatesTo replaces), never changed. Through the outbox.
   */
  async publishMinutes(meetingId: string, language: MinutesLanguage): Promise<string[]> {
    const meeting = this.meeting(meetingId);
    const published: string[] = [];
    const documents: Array<{ caseId: string; doc: DocumentReference & { id: string } }> = [];
    for (const caseRef of this.records.caseRefs(meetingId, meeting)) {
      const task = this.records.task(caseRef);
      const records = this.store.rcp.ofCases([caseRef]);
      if (!task || !this.records.proposal(records, meetingId)) continue;
      const content = this.minutesContent(meetingId, language, caseRef);
      const pdf = Buffer.from(await minutesPdf(content));
      const current = this.records.currentMinutes(records);
      const id = randomUUID();
      documents.push({
        caseId: caseRef.slice('Task/'.length),
        doc: {
          resourceType: 'DocumentReference',
          id,
          status: 'current',
          docStatus: 'final',
          type: { coding: [{ system: LOINC_SYSTEM, code: RCP_MINUTES_DOCUMENT_TYPE, display: 'Consult note' }] },
          category: [{ coding: [{ system: RCP_SYSTEM, code: RCP_CODES.minutes, display: 'Compte rendu de RCP' }] }],
          subject: task.for!,
          date: content.generatedAt,
          author: [ref(this.me().id)],
          description: `Compte rendu de RCP — ${content.board}`,
          context: { related: [ref(caseRef), ref(`Appointment/${meetingId}`)] },
          ...(current ? { relatesTo: [{ code: 'replaces' as const, target: ref(`DocumentReference/${current.id}`) }] } : {}),
          content: [
            {
              attachment: {
                contentType: 'application/pdf',
                data: pdf.toString('base64'),
                size: pdf.length,
                title: 'Compte rendu de RCP',
                creation: content.generatedAt,
              },
            },
          ],
        },
      });
    }
    if (documents.length === 0) throw new DeskError('invalid_input', 'no case of this meeting has a proposal yet', 'meetingId');
    this.store.transaction(() => {
      for (const { caseId, doc } of documents) {
        this.store.resources.saveLocal(doc);
        this.store.outbox.enqueue({
          entityKey: `DocumentReference/${doc.id}`,
          method: 'POST',
          url: `Task/${caseId}/$publish-minutes`,
          body: doc,
        });
        published.push(doc.id);
      }
    });
    this.afterWrite();
    return published;
  }
}
