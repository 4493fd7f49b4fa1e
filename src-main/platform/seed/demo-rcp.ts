/**
 * The demo tumour board (IdeoRCP, issue 12): an oncologist, a pathologist, a surgeon and a radiologist
 * at the Centre Hospitalier (their directory records in every data directory, like every demo account),
 * and with `--seed demo` the board of thoracic oncology: one meeting next week with three cases (the
 * demo patient's registered by demo.gp) and one two weeks ago whose minutes are in the demo patient's
 * DSP. Fixed records without the PRNG (so the generated data set is unchanged); dates relative to the
 * day the platform was seeded.
 */
import type { Appointment, CarePlan, Condition, DocumentReference, List, Observation, Task } from 'fhir/r4';
import { LOINC_SYSTEM } from '../../../src-shared/domain/dsp';
import {
  RCP_ALTERNATIVE_EXTENSION,
  RCP_CASE_EXTENSION,
  RCP_CODES,
  RCP_MEETING_EXTENSION,
  RCP_MINUTES_DOCUMENT_TYPE,
  RCP_SPECIALTY_PRESENT_EXTENSION,
  RCP_STAGING_CODES,
  RCP_SYSTEM,
  SPECIALTY_SYSTEM,
  type RcpStagingKind,
} from '../../../src-shared/domain/rcp';
import { DEMO_ACCOUNTS } from './demo-accounts';
import { minimalPdf } from './demo-dsp';
import type { SeedItem } from './generate';
import { professionalRecords } from './professional-records';

const HOSPITAL = 'demo-org-hospital';

export const RCP_DEMO = {
  upcomingMeeting: 'rcp-demo-upcoming',
  upcomingAgenda: 'rcp-demo-upcoming-agenda',
  pastMeeting: 'rcp-demo-past',
  pastAgenda: 'rcp-demo-past-agenda',
  /** The demo patient's case on next week's agenda (registered and presented by demo.gp). */
  demoPatientCase: 'rcp-demo-case-1',
  pastCase: 'rcp-demo-case-past',
  pastProposal: 'rcp-demo-proposal-past',
  pastMinutes: 'rcp-demo-minutes-past',
  coordinator: 'Practitioner/demo-secretary',
} as const;

const ONCOLOGIST = 'Practitioner/demo-oncologist';
const PATHOLOGIST = 'Practitioner/demo-pathologist';
const SURGEON = 'Practitioner/demo-surgeon';
const RADIOLOGIST = 'Practitioner/demo-radiologist';
const GP = 'Practitioner/demo-gp';

/** The board members' directory records (every data directory: their accounts always exist). */
export function* rcpProfessionals(): Generator<SeedItem> {
  for (const account of DEMO_ACCOUNTS) {
    if (!account.boardSpecialty) continue;
    const id = account.userRef.split('/')[1]!;
    const [given = '', family = ''] = account.displayName.replace(/^Dr /, '').split(' ');
    const specialty = { coding: [{ system: SPECIALTY_SYSTEM, ...account.boardSpecialty }] };
    yield* professionalRecords({
      id,
      name: { family, given: [given], prefix: ['Dr'] },
      address: [{ line: ['4, rue Nicolas Ernest Barblé'], city: 'Luxembourg', postalCode: 'L-1210', country: 'LU' }],
      specialty,
      role: { code: 'specialist', display: 'Médecin spécialiste' },
      organizationId: HOSPITAL,
      withEndpoint: true,
    });
  }
}

const DAY = 86_400_000;
/** 14:00 UTC, `days` from the day of `now`. */
const at = (now: number, days: number, hour = 14) =>
  new Date(Math.floor(now / DAY) * DAY + days * DAY + hour * 3_600_000).toISOString();
const ref = (reference: string) => ({ reference });
const meetingExt = (id: string) => ({ url: RCP_MEETING_EXTENSION, valueReference: ref(`Appointment/${id}`) });
const caseExt = (id: string) => ({ url: RCP_CASE_EXTENSION, valueReference: ref(`Task/${id}`) });

function meeting(
  id: string,
  agendaId: string,
  start: string,
  status: Appointment['status'],
  members: Array<[string, Appointment['participant'][number]['status']]>,
): Appointment & { id: string } {
  return {
    resourceType: 'Appointment',
    id,
    status,
    serviceType: [
      { coding: [{ system: RCP_SYSTEM, code: RCP_CODES.meeting, display: 'Réunion de concertation pluridisciplinaire' }] },
    ],
    specialty: [{ coding: [{ system: SPECIALTY_SYSTEM, code: 'oncology', display: 'Oncologie thoracique' }] }],
    description: 'RCP oncologie thoracique — CHL',
    start,
    end: new Date(Date.parse(start) + 2 * 3_600_000).toISOString(),
    supportingInformation: [ref(`List/${agendaId}`)],
    participant: [
      { actor: ref(RCP_DEMO.coordinator), type: [{ coding: [{ system: RCP_SYSTEM, code: 'coordinator' }] }], status: 'accepted' },
      ...members.map(([actor, answer]) => ({
        actor: ref(actor),
        type: [{ coding: [{ system: RCP_SYSTEM, code: 'member' }] }],
        status: answer,
      })),
    ],
  };
}

function agenda(id: string, meetingId: string, date: string, cases: string[]): List & { id: string } {
  return {
    resourceType: 'List',
    id,
    status: 'current',
    mode: 'working',
    title: 'Ordre du jour',
    code: { coding: [{ system: RCP_SYSTEM, code: RCP_CODES.agenda }] },
    date,
    extension: [meetingExt(meetingId)],
    entry: cases.map((c) => ({ item: ref(`Task/${c}`) })),
  };
}

interface CaseSpec {
  id: string;
  patient: string;
  presenter: string;
  meetingId: string;
  question: string;
  diagnosis: string;
  authoredOn: string;
  staging: Partial<Record<RcpStagingKind, string>>;
  status: Task['status'];
}

function* caseItems(spec: CaseSpec): Generator<SeedItem> {
  const conditionId = `${spec.id}-condition`;
  yield {
    createdBy: spec.presenter,
    resource: {
      resourceType: 'Task',
      id: spec.id,
      status: spec.status,
      intent: 'proposal',
      code: { coding: [{ system: RCP_SYSTEM, code: RCP_CODES.case, display: 'Dossier RCP' }] },
      description: spec.question,
      for: ref(`Patient/${spec.patient}`),
      focus: ref(`Condition/${conditionId}`),
      requester: ref(spec.presenter),
      owner: ref(spec.presenter),
      authoredOn: spec.authoredOn,
      extension: [meetingExt(spec.meetingId)],
    } satisfies Task & { id: string },
  };
  yield {
    createdBy: spec.presenter,
    resource: {
      resourceType: 'Condition',
      id: conditionId,
      extension: [caseExt(spec.id)],
      clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
      verificationStatus: {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }],
      },
      code: { text: spec.diagnosis },
      subject: ref(`Patient/${spec.patient}`),
      recordedDate: spec.authoredOn,
    } satisfies Condition & { id: string },
  };
  for (const [kind, value] of Object.entries(spec.staging) as Array<[RcpStagingKind, string]>) {
    yield {
      createdBy: spec.presenter,
      resource: {
        resourceType: 'Observation',
        id: `${spec.id}-${kind.toLowerCase()}`,
        extension: [caseExt(spec.id)],
        status: 'final',
        category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'survey' }] }],
        code: { coding: [{ system: LOINC_SYSTEM, code: RCP_STAGING_CODES[kind] }] },
        subject: ref(`Patient/${spec.patient}`),
        effectiveDateTime: spec.authoredOn,
        valueString: value,
      } satisfies Observation & { id: string },
    };
  }
}

/** Next week's meeting with 3 cases, and the meeting two weeks ago with its proposal and minutes in the demo DSP. */
export function* demoRcpBoards(now: number, thirdPatient: string | undefined): Generator<SeedItem> {
  const upcoming = at(now, 7);
  const past = at(now, -14);
  const upcomingCases: CaseSpec[] = [
    {
      id: RCP_DEMO.demoPatientCase,
      patient: 'demo-patient',
      presenter: GP,
      meetingId: RCP_DEMO.upcomingMeeting,
      question: 'Progression au scanner de contrôle : quelle stratégie de deuxième ligne ?',
      diagnosis: 'Adénocarcinome pulmonaire du lobe supérieur droit',
      authoredOn: at(now, -2, 9),
      staging: { t: 'cT2a', n: 'cN1', m: 'cM0', stageGroup: 'IIB', ecog: '1' },
      status: 'requested',
    },
    {
      id: 'rcp-demo-case-2',
      patient: 'demo-patient-2',
      presenter: ONCOLOGIST,
      meetingId: RCP_DEMO.upcomingMeeting,
      question: 'Nodule pulmonaire spiculé de 18 mm : biopsie ou résection d’emblée ?',
      diagnosis: 'Nodule pulmonaire suspect du lobe inférieur gauche',
      authoredOn: at(now, -3, 10),
      staging: { t: 'cT1b', n: 'cN0', m: 'cM0', ecog: '0' },
      status: 'requested',
    },
    ...(thirdPatient
      ? [
          {
            id: 'rcp-demo-case-3',
            patient: thirdPatient,
            presenter: SURGEON,
            meetingId: RCP_DEMO.upcomingMeeting,
            question: 'Après lobectomie : indication d’une chimiothérapie adjuvante ?',
            diagnosis: 'Carcinome épidermoïde pulmonaire opéré',
            authoredOn: at(now, -4, 11),
            staging: { t: 'pT2b', n: 'pN1', m: 'cM0', stageGroup: 'IIB', ecog: '1' },
            status: 'requested' as const,
          },
        ]
      : []),
  ];
  yield {
    createdBy: RCP_DEMO.coordinator,
    resource: meeting(RCP_DEMO.upcomingMeeting, RCP_DEMO.upcomingAgenda, upcoming, 'booked', [
      [ONCOLOGIST, 'needs-action'],
      [PATHOLOGIST, 'accepted'],
      [SURGEON, 'accepted'],
      [RADIOLOGIST, 'tentative'],
    ]),
  };
  yield {
    createdBy: RCP_DEMO.coordinator,
    resource: agenda(
      RCP_DEMO.upcomingAgenda,
      RCP_DEMO.upcomingMeeting,
      at(now, -1, 9),
      upcomingCases.map((c) => c.id),
    ),
  };
  for (const spec of upcomingCases) yield* caseItems(spec);

  // Two weeks ago: the demo patient's first presentation, its proposal, and its minutes in the DSP.
  yield {
    createdBy: RCP_DEMO.coordinator,
    resource: meeting(RCP_DEMO.pastMeeting, RCP_DEMO.pastAgenda, past, 'fulfilled', [
      [ONCOLOGIST, 'accepted'],
      [PATHOLOGIST, 'accepted'],
      [SURGEON, 'accepted'],
      [RADIOLOGIST, 'accepted'],
    ]),
  };
  yield {
    createdBy: RCP_DEMO.coordinator,
    resource: agenda(RCP_DEMO.pastAgenda, RCP_DEMO.pastMeeting, at(now, -15, 9), [RCP_DEMO.pastCase]),
  };
  yield* caseItems({
    id: RCP_DEMO.pastCase,
    patient: 'demo-patient',
    presenter: GP,
    meetingId: RCP_DEMO.pastMeeting,
    question: 'Masse pulmonaire découverte fortuitement : bilan et prise en charge initiale ?',
    diagnosis: 'Adénocarcinome pulmonaire du lobe supérieur droit',
    authoredOn: at(now, -20, 9),
    staging: { t: 'cT2a', n: 'cN1', m: 'cM0', stageGroup: 'IIB', ecog: '1' },
    status: 'completed',
  });
  const proposalText =
    'Lobectomie supérieure droite avec curage ganglionnaire, puis chimiothérapie adjuvante selon l’histologie.';
  yield {
    createdBy: ONCOLOGIST,
    resource: {
      resourceType: 'CarePlan',
      id: RCP_DEMO.pastProposal,
      status: 'active',
      intent: 'proposal',
      category: [{ coding: [{ system: RCP_SYSTEM, code: RCP_CODES.proposal, display: 'Proposition RCP' }] }],
      title: 'Proposition thérapeutique de la RCP',
      description: proposalText,
      subject: ref('Patient/demo-patient'),
      addresses: [ref(`Condition/${RCP_DEMO.pastCase}-condition`)],
      author: ref(ONCOLOGIST),
      contributor: [ref(ONCOLOGIST), ref(PATHOLOGIST), ref(SURGEON), ref(RADIOLOGIST)],
      created: past,
      extension: [
        caseExt(RCP_DEMO.pastCase),
        meetingExt(RCP_DEMO.pastMeeting),
        { url: RCP_ALTERNATIVE_EXTENSION, valueString: 'Radiothérapie stéréotaxique (patient récusant la chirurgie)' },
        ...['oncology', 'pathology', 'surgery', 'radiology'].map((code) => ({
          url: RCP_SPECIALTY_PRESENT_EXTENSION,
          valueCoding: { system: SPECIALTY_SYSTEM, code },
        })),
      ],
    } satisfies CarePlan & { id: string },
  };
  const pdf = minimalPdf([
    'Compte rendu de RCP - Oncologie thoracique - CHL',
    `Reunion du ${past.slice(0, 10)}`,
    'Presents : Dr Kremer (oncologie), Dr Feltgen (anatomie pathologique),',
    'Dr Schroeder (chirurgie thoracique), Dr Hansen (radiologie)',
    'Patient : Jean Reuter - presente par Dr Claude Weber',
    'Diagnostic : adenocarcinome pulmonaire du lobe superieur droit, cT2a cN1 cM0 (IIB), ECOG 1',
    `Proposition : ${proposalText.replace(/’/g, "'")}`,
    'Alternative discutee : radiotherapie stereotaxique',
  ]);
  yield {
    createdBy: ONCOLOGIST,
    resource: {
      resourceType: 'DocumentReference',
      id: RCP_DEMO.pastMinutes,
      status: 'current',
      docStatus: 'final',
      type: { coding: [{ system: LOINC_SYSTEM, code: RCP_MINUTES_DOCUMENT_TYPE, display: 'Consult note' }] },
      category: [{ coding: [{ system: RCP_SYSTEM, code: RCP_CODES.minutes, display: 'Compte rendu de RCP' }] }],
      subject: ref('Patient/demo-patient'),
      date: at(now, -14, 17),
      author: [ref(ONCOLOGIST)],
      custodian: ref(`Organization/${HOSPITAL}`),
      description: 'Compte rendu de RCP — oncologie thoracique',
      context: { related: [ref(`Task/${RCP_DEMO.pastCase}`), ref(`Appointment/${RCP_DEMO.pastMeeting}`)] },
      content: [
        {
          attachment: {
            contentType: 'application/pdf',
            data: pdf.toString('base64'),
            size: pdf.length,
            title: 'Compte rendu de RCP',
            creation: at(now, -14, 17),
          },
        },
      ],
    } satisfies DocumentReference & { id: string },
  };
}
