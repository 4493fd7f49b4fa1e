import { z } from 'zod';
import { RCP_SPECIALTIES } from '../domain/rcp';
import { defineMethod } from './contract';

const id = z.string().min(1).max(64);
const text = (max: number) => z.string().trim().max(max);

export const rcpAnswer = z.enum(['accepted', 'declined', 'tentative', 'needs-action']);
export type RcpAnswer = z.infer<typeof rcpAnswer>;

export const rcpParticipantView = z.object({
  reference: z.string(),
  name: z.string(),
  /** SPECIALTY codes from the directory (oncology, pathology…). */
  specialties: z.array(z.string()),
  role: z.enum(['coordinator', 'member']),
  answer: rcpAnswer,
});
export type RcpParticipantView = z.infer<typeof rcpParticipantView>;

export const rcpMeetingSummary = z.object({
  id: z.string(),
  title: z.string(),
  specialty: z.string().nullable(),
  start: z.string().nullable(),
  end: z.string().nullable(),
  status: z.string(),
  /** My place at the meeting; null when I only see the board's calendar. */
  myRole: z.enum(['coordinator', 'member']).nullable(),
  myAnswer: rcpAnswer.nullable(),
  caseCount: z.number().int().nonnegative(),
  participants: z.array(rcpParticipantView),
  /** A change of mine not yet acknowledged by the platform. */
  pending: z.boolean(),
});
export type RcpMeetingSummary = z.infer<typeof rcpMeetingSummary>;

export const rcpStaging = z.object({
  t: text(20).optional(),
  n: text(20).optional(),
  m: text(20).optional(),
  stageGroup: text(20).optional(),
  ecog: z.enum(['0', '1', '2', '3', '4']).optional(),
});
export type RcpStagingInput = z.infer<typeof rcpStaging>;

export const rcpCaseSummary = z.object({
  id: z.string(),
  patientId: z.string().nullable(),
  patientName: z.string(),
  question: z.string(),
  presenter: z.string().nullable(),
  diagnosis: z.string().nullable(),
  staging: rcpStaging,
  /** The dossier is on this device (a board member or the presenter); false: I see the agenda line only. */
  readable: z.boolean(),
  proposalId: z.string().nullable(),
  minutesId: z.string().nullable(),
  pending: z.boolean(),
});
export type RcpCaseSummary = z.infer<typeof rcpCaseSummary>;

export const rcpQuorumView = z.object({
  met: z.boolean(),
  /** Groups of specialties no accepted participating physician covers. */
  missing: z.array(z.array(z.string())),
});

export const rcpMeetingDetail = rcpMeetingSummary.extend({
  cases: z.array(rcpCaseSummary),
  quorum: rcpQuorumView,
  /** I am a participating physician who has accepted: I may record proposals and publish minutes. */
  canRecord: z.boolean(),
  canAnswer: z.boolean(),
});
export type RcpMeetingDetail = z.infer<typeof rcpMeetingDetail>;

export const rcpCaseDocument = z.object({
  title: z.string(),
  /** A DSP document the dossier points at ("DocumentReference/<id>"): read under the DSP table. */
  reference: z.string().nullable(),
  /** A copy the presenter attached ("copied from" the DSP document named). */
  copiedFrom: z.string().nullable(),
  /** On this device (a copy, or a DSP document I may read): the app can open it. */
  available: z.boolean(),
  contentType: z.string().nullable(),
});

export const rcpProposalView = z.object({
  id: z.string(),
  baseVersion: z.string().nullable(),
  text: z.string(),
  alternatives: z.array(z.string()),
  dissent: z.string(),
  specialtiesPresent: z.array(z.string()),
  pending: z.boolean(),
  /** The platform refused it or another participant changed it meanwhile: it waits in the conflicts, explained there. */
  inConflict: z.boolean(),
});
export type RcpProposalView = z.infer<typeof rcpProposalView>;

export const rcpDossier = z.object({
  id: z.string(),
  meetingId: z.string().nullable(),
  patient: z.object({ id: z.string().nullable(), name: z.string(), birthDate: z.string().nullable() }),
  question: z.string(),
  presenter: z.string().nullable(),
  registeredBy: z.string().nullable(),
  diagnosis: z.string().nullable(),
  staging: rcpStaging,
  documents: z.array(rcpCaseDocument),
  proposal: rcpProposalView.nullable(),
  minutes: z.array(z.object({ id: z.string(), status: z.string(), date: z.string().nullable(), pending: z.boolean() })),
  /** I present this case: I may attach copies of the patient's DSP documents (for members without a right on it). */
  canAttach: z.boolean(),
  /** The patient's DSP documents on this device that a copy can be made of. */
  attachable: z.array(z.object({ id: z.string(), title: z.string(), date: z.string().nullable() })),
});
export type RcpDossier = z.infer<typeof rcpDossier>;

export const rcpMethods = {
  /** My tumour-board meetings (and, for a physician, the board's calendar), upcoming and past. */
  meetings: defineMethod(
    z.object({}).strict(),
    z.object({ upcoming: z.array(rcpMeetingSummary), past: z.array(rcpMeetingSummary) }),
  ),
  /** A meeting with its agenda, the quorum, and what I may do there. */
  meeting: defineMethod(z.object({ id }).strict(), rcpMeetingDetail),
  /** A case dossier, with the proposal made at `meetingId` (default: the meeting it was registered for). */
  dossier: defineMethod(z.object({ caseId: id, meetingId: id.optional() }).strict(), rcpDossier),
  /** A patient's cases (for "Mes patients"). */
  casesOf: defineMethod(z.object({ patientId: id }).strict(), z.array(rcpCaseSummary)),
  /** Confirms or declines my participation. */
  answer: defineMethod(
    z.object({ meetingId: id, answer: z.enum(['accepted', 'declined', 'tentative']) }).strict(),
    z.object({ id: z.string() }),
  ),
  /** A coordinator sends the agenda: the meeting is booked and every member is asked to answer. */
  sendAgenda: defineMethod(z.object({ meetingId: id }).strict(), z.object({ id: z.string() })),
  /** Registers a case for a patient on a meeting's agenda (the platform puts it there). */
  registerCase: defineMethod(
    z
      .object({
        patientId: id,
        meetingId: id,
        question: text(2000).min(1, 'required'),
        diagnosis: text(300).min(1, 'required'),
        staging: rcpStaging.default({}),
      })
      .strict(),
    z.object({ id: z.string() }),
  ),
  /** Records (or edits) the board's proposal for a case at a meeting. Never an order. */
  saveProposal: defineMethod(
    z
      .object({
        caseId: id,
        meetingId: id,
        text: text(4000).min(1, 'required'),
        alternatives: z.array(text(500).min(1)).max(10).default([]),
        dissent: text(2000).default(''),
        specialtiesPresent: z.array(z.enum(RCP_SPECIALTIES)).max(10).default([]),
      })
      .strict(),
    z.object({ id: z.string() }),
  ),
  /**
   * The presenter attaches a copy of one of the patient's DSP documents to the dossier: board members without
   * a right on that DSP read the copy; the platform records it in the patient's access log.
   */
  attachCopy: defineMethod(z.object({ caseId: id, documentId: id }).strict(), z.object({ id: z.string() })),
  /** The minutes of a meeting as a PDF (base64): the meeting's header, one section per case with a proposal. */
  minutesPreview: defineMethod(z.object({ meetingId: id }).strict(), z.object({ data: z.string(), cases: z.number().int() })),
  /**
   * Publishes the minutes to each case's DSP (the meeting's header and that patient's section only); minutes
   * already published for a case are replaced, never changed.
   */
  publishMinutes: defineMethod(z.object({ meetingId: id }).strict(), z.object({ published: z.array(z.string()) })),
};
