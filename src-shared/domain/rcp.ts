/**
 * IdeoRCP's wire vocabulary (issue 12; after IHE XTB-WD, mCODE and the German MII tumour-board
 * practice), once for platform and client. A tumour board's meeting is an Appointment (service type
 * RCP), its agenda a List of cases, a case a Task for the patient (question, presenter, primary
 * Condition, staging Observations, case documents), the board's proposal a CarePlan with intent
 * `proposal` — never an order — and the minutes a DSP document that corrections replace.
 *
 * Task, CarePlan, Observation, Condition, List and Appointment are also care-record types: the markers
 * below are how the platform tells the tumour board's records from IdeoMed's (the RCP policy claims
 * them), and how the client files them. Neither side guesses from display text.
 */
import type { Appointment, CarePlan, Coding, Condition, List, Observation, Resource, Task } from 'fhir/r4';

export const RCP_SYSTEM = 'https://esante.lu/fhir/CodeSystem/rcp';
/** The specialties of the professional directory (Practitioner.qualification, PractitionerRole.specialty). */
export const SPECIALTY_SYSTEM = 'https://esante.lu/fhir/CodeSystem/specialty';

/** Codes of RCP_SYSTEM: the markers of each kind of tumour-board record. */
export const RCP_CODES = {
  /** Appointment.serviceType of a meeting. */
  meeting: 'rcp',
  /** List.code of a meeting's agenda. */
  agenda: 'agenda',
  /** Task.code of a case. */
  case: 'case',
  /** CarePlan.category of the board's proposal. */
  proposal: 'proposal',
  /** DocumentReference.category of published minutes. */
  minutes: 'minutes',
  /** Task.input.type of a document in the case dossier. */
  caseDocument: 'case-document',
} as const;

/** Appointment.participant.type codes (RCP_SYSTEM): who schedules, who sits on the board. */
export const RCP_PARTICIPANT_ROLES = ['coordinator', 'member'] as const;
export type RcpParticipantRole = (typeof RCP_PARTICIPANT_ROLES)[number];

/** Extension (valueReference Task/<case>) on the Condition, Observations and CarePlan of a case. */
export const RCP_CASE_EXTENSION = 'https://esante.lu/fhir/StructureDefinition/rcp-case';
/** Extension (valueReference Appointment/<meeting>) on an agenda, a case (the meeting it is registered for) and a proposal. */
export const RCP_MEETING_EXTENSION = 'https://esante.lu/fhir/StructureDefinition/rcp-meeting';
/** Extension (valueString, repeated) on a proposal: an alternative the board discussed. */
export const RCP_ALTERNATIVE_EXTENSION = 'https://esante.lu/fhir/StructureDefinition/rcp-alternative';
/** Extension (valueString) on a proposal: a dissenting opinion, if any. */
export const RCP_DISSENT_EXTENSION = 'https://esante.lu/fhir/StructureDefinition/rcp-dissent';
/** Extension (valueCoding SPECIALTY_SYSTEM, repeated) on a proposal: the specialties present when it was recorded. */
export const RCP_SPECIALTY_PRESENT_EXTENSION = 'https://esante.lu/fhir/StructureDefinition/rcp-specialty-present';
/** Extension (valueReference DocumentReference/<id>) on a case document that is a copy: the DSP document copied. */
export const RCP_COPIED_FROM_EXTENSION = 'https://esante.lu/fhir/StructureDefinition/rcp-copied-from';

/** The specialties a tumour board counts for its quorum (codes of SPECIALTY_SYSTEM). */
export const RCP_SPECIALTIES = ['oncology', 'surgery', 'radiotherapy', 'pathology', 'radiology'] as const;

/**
 * A quorum: every group must be represented by at least one participating physician of one of its
 * specialties. The default of issue 12: an oncologist; a surgeon or radiotherapist; a pathologist or
 * radiologist. A platform option replaces it.
 */
export type RcpQuorum = ReadonlyArray<readonly string[]>;
export const DEFAULT_RCP_QUORUM: RcpQuorum = [['oncology'], ['surgery', 'radiotherapy'], ['pathology', 'radiology']];

/** The groups of `quorum` no present specialty covers (empty: the quorum is met). */
export function missingQuorum(quorum: RcpQuorum, present: Iterable<string>): Array<readonly string[]> {
  const have = new Set(present);
  return quorum.filter((group) => !group.some((specialty) => have.has(specialty)));
}

/** "oncology; surgery or radiotherapy": a quorum group in words (platform messages). */
export function quorumText(groups: ReadonlyArray<readonly string[]>): string {
  return groups.map((g) => g.join(' or ')).join('; ');
}

/** TNM and stage group (LOINC, clinical staging), and ECOG performance status. */
export const RCP_STAGING_CODES = {
  t: '21905-5',
  n: '21906-3',
  m: '21907-1',
  stageGroup: '21908-9',
  ecog: '89247-1',
} as const;
export type RcpStagingKind = keyof typeof RCP_STAGING_CODES;

const hasCode = (codings: Coding[] | undefined, code: string) =>
  (codings ?? []).some((c) => c.system === RCP_SYSTEM && c.code === code);

const refOf = (value: unknown): string | undefined => {
  const ref = (value as { reference?: unknown } | undefined)?.reference;
  return typeof ref === 'string' ? ref : undefined;
};

function extensionRefs(resource: Resource, url: string): string[] {
  const extensions = (resource as { extension?: Array<{ url?: unknown; valueReference?: unknown }> }).extension;
  if (!Array.isArray(extensions)) return [];
  return extensions.flatMap((e) => (e?.url === url && refOf(e.valueReference) ? [refOf(e.valueReference)!] : []));
}

export function isRcpMeeting(resource: Resource): resource is Appointment {
  return (
    resource.resourceType === 'Appointment' &&
    ((resource as Appointment).serviceType ?? []).some((c) => hasCode(c.coding, RCP_CODES.meeting))
  );
}

export function isRcpAgenda(resource: Resource): resource is List {
  return resource.resourceType === 'List' && hasCode((resource as List).code?.coding, RCP_CODES.agenda);
}

export function isRcpCase(resource: Resource): resource is Task {
  return resource.resourceType === 'Task' && hasCode((resource as Task).code?.coding, RCP_CODES.case);
}

export function isRcpProposal(resource: Resource): resource is CarePlan {
  return (
    resource.resourceType === 'CarePlan' &&
    ((resource as CarePlan).category ?? []).some((c) => hasCode(c.coding, RCP_CODES.proposal))
  );
}

/** A case's Condition or staging Observation: the `rcp-case` extension names its case. */
export function isRcpCaseRecord(resource: Resource): resource is Condition | Observation {
  return (resource.resourceType === 'Condition' || resource.resourceType === 'Observation') && caseOf(resource) !== undefined;
}

/** Any tumour-board record (the RCP policy's claim). */
export function isRcpRecord(resource: Resource): boolean {
  return (
    isRcpMeeting(resource) || isRcpAgenda(resource) || isRcpCase(resource) || isRcpProposal(resource) || isRcpCaseRecord(resource)
  );
}

/** "Task/<id>" a Condition, Observation or proposal belongs to. */
export function caseOf(resource: Resource): string | undefined {
  const [ref] = extensionRefs(resource, RCP_CASE_EXTENSION);
  return ref?.startsWith('Task/') ? ref : undefined;
}

/** "Appointment/<id>" an agenda, a case or a proposal belongs to. */
export function meetingOf(resource: Resource): string | undefined {
  const [ref] = extensionRefs(resource, RCP_MEETING_EXTENSION);
  return ref?.startsWith('Appointment/') ? ref : undefined;
}

export interface RcpParticipant {
  /** "Practitioner/<id>". */
  actor: string;
  role: RcpParticipantRole;
  status: 'accepted' | 'declined' | 'tentative' | 'needs-action';
}

/** The professionals of a meeting (participants that are not Practitioners are left out). */
export function participantsOf(meeting: Appointment): RcpParticipant[] {
  return (meeting.participant ?? []).flatMap((p) => {
    const actor = refOf(p.actor);
    if (!actor?.startsWith('Practitioner/')) return [];
    const role: RcpParticipantRole = (p.type ?? []).some((t) => hasCode(t.coding, 'coordinator')) ? 'coordinator' : 'member';
    return [{ actor, role, status: p.status }];
  });
}

/** "Task/<id>" of every case on an agenda, in order. */
export function casesOnAgenda(agenda: List): string[] {
  return (agenda.entry ?? []).flatMap((e) => (refOf(e.item)?.startsWith('Task/') ? [refOf(e.item)!] : []));
}

/** "List/<id>" of a meeting's agenda (Appointment.supportingInformation). */
export function agendaOf(meeting: Appointment): string | undefined {
  return (meeting.supportingInformation ?? []).map(refOf).find((r) => r?.startsWith('List/'));
}

/** The presenter of a case ("Practitioner/<id>", Task.owner). */
export function presenterOf(task: Task): string | undefined {
  return refOf(task.owner);
}

/** The patient of a case ("Patient/<id>", Task.for). */
export function patientOfCase(task: Task): string | undefined {
  const ref = refOf(task.for);
  return ref?.startsWith('Patient/') ? ref : undefined;
}

/** The primary Condition of a case ("Condition/<id>", Task.focus). */
export function conditionOfCase(task: Task): string | undefined {
  const ref = refOf(task.focus);
  return ref?.startsWith('Condition/') ? ref : undefined;
}

/** Case documents (Task.input of type case-document): a DSP document by reference, or a copy attached. */
export interface RcpCaseDocument {
  /** "DocumentReference/<id>" when the dossier points at the DSP (read under the DSP table). */
  reference: string | undefined;
  /** The copy attached by the presenter. */
  copy: { title: string; contentType: string; data: string; copiedFrom: string | undefined } | undefined;
}

export function caseDocumentsOf(task: Task): RcpCaseDocument[] {
  return (task.input ?? [])
    .filter((input) => hasCode(input.type?.coding, RCP_CODES.caseDocument))
    .map((input) => {
      const attachment = input.valueAttachment;
      const copiedFrom = extensionRefs(input as unknown as Resource, RCP_COPIED_FROM_EXTENSION)[0];
      return {
        reference: refOf(input.valueReference),
        copy:
          attachment?.data !== undefined
            ? {
                title: attachment.title ?? '',
                contentType: attachment.contentType ?? 'application/octet-stream',
                data: attachment.data,
                copiedFrom,
              }
            : undefined,
      };
    });
}

/** "Task/<id>" of the case minutes were published for (DocumentReference.context.related). */
export function caseOfMinutes(document: Resource): string | undefined {
  const related = (document as { context?: { related?: unknown[] } }).context?.related ?? [];
  return related.map(refOf).find((r) => r?.startsWith('Task/'));
}

export function isRcpMinutes(document: Resource): boolean {
  const categories = (document as { category?: Array<{ coding?: Coding[] }> }).category ?? [];
  return document.resourceType === 'DocumentReference' && categories.some((c) => hasCode(c.coding, RCP_CODES.minutes));
}

/** The DSP document type of minutes (LOINC 11488-4, consult note: the DSP's specialist-letter type). */
export const RCP_MINUTES_DOCUMENT_TYPE = '11488-4';
