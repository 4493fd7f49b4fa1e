/**
 * The single declaration of what the platform supports: resource types, their search parameters,
 * required elements and value-set bindings. The router, the validator, the search indexer and the
 * CapabilityStatement all read this table, so /metadata cannot claim more (or less) than the server does.
 */
import { CONFIDENTIALITY_LEVELS, CONFIDENTIALITY_SYSTEM } from '../../../src-shared/domain/confidentiality';
import { LIBRARY_THEME_SYSTEM, LIBRARY_THEMES } from '../../../src-shared/domain/library';
import { ENDPOINT_OWNER_URL } from '../../../src-shared/domain/messaging';
import { RCP_CASE_EXTENSION } from '../../../src-shared/domain/rcp';

export type SearchParamType = 'token' | 'string' | 'reference' | 'date';

export interface SearchParamDef {
  name: string;
  type: SearchParamType;
  /** Element paths (see element-path.ts) whose values are indexed under this parameter. */
  paths: string[];
  /** Reference parameters: resource types a value may point to (others are not indexed). */
  targets?: string[];
  /** When set, `paths` are relative to each `extension` of the resource with this url. */
  extensionUrl?: string;
  documentation: string;
}

export interface CodeBinding {
  /** Path of a `code` string, or of a Coding / CodeableConcept when `system` is given. */
  path: string;
  valueSet: string;
  codes: readonly string[];
  /** For Coding / CodeableConcept: only codings of this system are checked against `codes`. */
  system?: string;
}

/**
 * - directory: the public professional directory, readable without a token (mCSD).
 * - public: the document library (issue 13), readable by anyone, published by the platform's editors.
 * - patient-data: anything about a patient; every access is audited (BALP).
 * - audit: written by the platform only.
 * - collaboration: messaging envelopes and groups (ciphertext or non-clinical).
 */
export type ResourceCategory = 'directory' | 'patient-data' | 'audit' | 'collaboration' | 'public';

export interface ResourceTypeDef {
  type: string;
  category: ResourceCategory;
  /**
   * Elements our profiles require beyond R4's own cardinalities (those, like Observation.code, are
   * checked against the StructureDefinitions by r4-structure.ts and need no entry here).
   */
  required: string[];
  bindings: CodeBinding[];
  search: SearchParamDef[];
  /** Paths of references that name the patient the resource is about (audit and access). */
  patientPaths: string[];
  /** False for types only the platform writes (AuditEvent). */
  clientWritable: boolean;
}

// Value sets (FHIR R4 required bindings, abridged to what the platform checks).
const vs = {
  gender: ['male', 'female', 'other', 'unknown'],
  eventStatus: ['preparation', 'in-progress', 'not-done', 'on-hold', 'stopped', 'completed', 'entered-in-error', 'unknown'],
  documentReferenceStatus: ['current', 'superseded', 'entered-in-error'],
  compositionStatus: ['preliminary', 'final', 'amended', 'entered-in-error'],
  observationStatus: ['registered', 'preliminary', 'final', 'amended', 'corrected', 'cancelled', 'entered-in-error', 'unknown'],
  endpointStatus: ['active', 'suspended', 'error', 'off', 'entered-in-error', 'test'],
  locationStatus: ['active', 'suspended', 'inactive'],
  taskStatus: [
    'draft',
    'requested',
    'received',
    'accepted',
    'rejected',
    'ready',
    'cancelled',
    'in-progress',
    'on-hold',
    'failed',
    'completed',
    'entered-in-error',
  ],
  taskIntent: [
    'unknown',
    'proposal',
    'plan',
    'order',
    'original-order',
    'reflex-order',
    'filler-order',
    'instance-order',
    'option',
  ],
  requestStatus: ['draft', 'active', 'on-hold', 'revoked', 'completed', 'entered-in-error', 'unknown'],
  carePlanIntent: ['proposal', 'plan', 'order', 'option'],
  consentStatus: ['draft', 'proposed', 'active', 'rejected', 'inactive', 'entered-in-error'],
  listStatus: ['current', 'retired', 'entered-in-error'],
  listMode: ['working', 'snapshot', 'changes'],
  encounterStatus: [
    'planned',
    'arrived',
    'triaged',
    'in-progress',
    'onleave',
    'finished',
    'cancelled',
    'entered-in-error',
    'unknown',
  ],
  appointmentStatus: [
    'proposed',
    'pending',
    'booked',
    'arrived',
    'fulfilled',
    'cancelled',
    'noshow',
    'entered-in-error',
    'checked-in',
    'waitlist',
  ],
  episodeStatus: ['planned', 'waitlist', 'active', 'onhold', 'finished', 'cancelled', 'entered-in-error'],
  careTeamStatus: ['proposed', 'active', 'suspended', 'inactive', 'entered-in-error'],
  goalLifecycle: [
    'proposed',
    'planned',
    'accepted',
    'active',
    'on-hold',
    'completed',
    'cancelled',
    'entered-in-error',
    'rejected',
  ],
  medicationStatementStatus: [
    'active',
    'completed',
    'entered-in-error',
    'intended',
    'stopped',
    'on-hold',
    'unknown',
    'not-taken',
  ],
  medicationAdminStatus: ['in-progress', 'not-done', 'on-hold', 'completed', 'entered-in-error', 'stopped', 'unknown'],
  medicationRequestStatus: ['active', 'on-hold', 'cancelled', 'completed', 'entered-in-error', 'stopped', 'draft', 'unknown'],
  medicationRequestIntent: [
    'proposal',
    'plan',
    'order',
    'original-order',
    'reflex-order',
    'filler-order',
    'instance-order',
    'option',
  ],
  clinicalImpressionStatus: ['in-progress', 'completed', 'entered-in-error'],
  auditAction: ['C', 'R', 'U', 'D', 'E'],
  auditOutcome: ['0', '4', '8', '12'],
  publicationStatus: ['draft', 'active', 'retired', 'unknown'],
  groupType: ['person', 'animal', 'practitioner', 'device', 'medication', 'substance'],
} as const;

const code = (path: string, valueSet: string, codes: readonly string[]): CodeBinding => ({ path, valueSet, codes });

/** The DSP document types (LOINC), ARCHITECTURE §5 / issue 5. */
export const DSP_DOCUMENT_TYPE_CODES = [
  '60591-5',
  '11502-2',
  '18842-5',
  '18748-4',
  '57833-6',
  '34746-8',
  '11488-4',
  '18776-5',
] as const;
export { LOINC_SYSTEM } from '../../../src-shared/domain/dsp';
import { LOINC_SYSTEM } from '../../../src-shared/domain/dsp';

const confidentiality = (path: string): CodeBinding => ({
  path,
  valueSet: 'http://terminology.hl7.org/ValueSet/v3-ConfidentialityClassification',
  codes: CONFIDENTIALITY_LEVELS,
  system: CONFIDENTIALITY_SYSTEM,
});

const token = (name: string, paths: string[], documentation: string): SearchParamDef => ({
  name,
  type: 'token',
  paths,
  documentation,
});
const string = (name: string, paths: string[], documentation: string): SearchParamDef => ({
  name,
  type: 'string',
  paths,
  documentation,
});
const date = (name: string, paths: string[], documentation: string): SearchParamDef => ({
  name,
  type: 'date',
  paths,
  documentation,
});
const reference = (name: string, paths: string[], targets: string[], documentation: string): SearchParamDef => ({
  name,
  type: 'reference',
  paths,
  targets,
  documentation,
});

/** `patient` + `subject` pair that most clinical resources share. */
const patientAndSubject = (path: string): SearchParamDef[] => [
  reference('patient', [path], ['Patient'], 'The patient the resource is about'),
  reference('subject', [path], ['Patient', 'Group'], 'Who or what the resource is about'),
];

const status = (codes: readonly string[], valueSet: string): { binding: CodeBinding; param: SearchParamDef } => ({
  binding: code('status', valueSet, codes),
  param: token('status', ['status'], 'Status of the resource'),
});

/** A clinical (patient-data) type with the usual subject/status shape. */
function clinical(
  type: string,
  options: {
    subjectPath?: string;
    statusCodes?: readonly string[];
    statusValueSet?: string;
    required?: string[];
    bindings?: CodeBinding[];
    search?: SearchParamDef[];
  },
): ResourceTypeDef {
  const subjectPath = options.subjectPath ?? 'subject';
  const st = options.statusCodes ? status(options.statusCodes, options.statusValueSet ?? `${type}-status`) : undefined;
  return {
    type,
    category: 'patient-data',
    required: options.required ?? [],
    bindings: [...(st ? [st.binding] : []), ...(options.bindings ?? [])],
    search: [...patientAndSubject(subjectPath), ...(st ? [st.param] : []), ...(options.search ?? [])],
    patientPaths: [subjectPath],
    clientWritable: true,
  };
}

const addressCity = (path = 'address') => string('address-city', [`${path}.city`], 'Locality (commune) of the address');
const nameParam = string('name', ['name'], 'Any part of the name');
const identifierParam = token('identifier', ['identifier'], 'An identifier (system|value)');
const activeParam = token('active', ['active'], 'Whether the record is in active use');
/** The tumour-board case a Condition, staging Observation or proposal belongs to (rcp-case extension). */
const rcpCase: SearchParamDef = {
  ...reference('rcp-case', ['valueReference'], ['Task'], 'The tumour-board case (IdeoRCP) the record belongs to'),
  extensionUrl: RCP_CASE_EXTENSION,
};

export const RESOURCE_TYPES: readonly ResourceTypeDef[] = [
  // ── Public professional directory (mCSD) ──
  {
    type: 'Practitioner',
    category: 'directory',
    required: ['name'],
    bindings: [code('gender', 'http://hl7.org/fhir/ValueSet/administrative-gender', vs.gender)],
    search: [
      nameParam,
      string('family', ['name.family'], 'Family name'),
      string('given', ['name.given'], 'Given name'),
      identifierParam,
      addressCity(),
      activeParam,
      token('qualification', ['qualification.code'], 'Qualification (specialty diploma)'),
    ],
    patientPaths: [],
    clientWritable: true,
  },
  {
    type: 'PractitionerRole',
    category: 'directory',
    required: ['practitioner'],
    bindings: [],
    search: [
      reference('practitioner', ['practitioner'], ['Practitioner'], 'The practitioner holding the role'),
      reference('organization', ['organization'], ['Organization'], 'The organisation the role is held at'),
      reference('location', ['location'], ['Location'], 'Where the role is practised'),
      token('specialty', ['specialty'], 'Specialty of the role'),
      token('role', ['code'], 'Role code (gp, nurse…)'),
      identifierParam,
      activeParam,
    ],
    patientPaths: [],
    clientWritable: true,
  },
  {
    type: 'Organization',
    category: 'directory',
    required: ['name'],
    bindings: [],
    search: [
      string('name', ['name', 'alias'], 'Name or alias of the organisation'),
      identifierParam,
      token('type', ['type'], 'Kind of organisation (practice, hospital, laboratory…)'),
      addressCity(),
      reference('partof', ['partOf'], ['Organization'], 'Parent organisation'),
      activeParam,
    ],
    patientPaths: [],
    clientWritable: true,
  },
  {
    type: 'Location',
    category: 'directory',
    required: ['name'],
    bindings: [code('status', 'http://hl7.org/fhir/ValueSet/location-status', vs.locationStatus)],
    search: [
      string('name', ['name', 'alias'], 'Name of the location'),
      addressCity(),
      reference('organization', ['managingOrganization'], ['Organization'], 'Organisation responsible for the location'),
      token('type', ['type'], 'Kind of location'),
      token('status', ['status'], 'Status of the location'),
      identifierParam,
    ],
    patientPaths: [],
    clientWritable: true,
  },
  {
    type: 'Endpoint',
    category: 'directory',
    required: [],
    bindings: [code('status', 'http://hl7.org/fhir/ValueSet/endpoint-status', vs.endpointStatus)],
    search: [
      string('name', ['name'], 'Name of the endpoint'),
      reference('organization', ['managingOrganization'], ['Organization'], 'Organisation managing the endpoint'),
      token('connection-type', ['connectionType'], 'Protocol of the endpoint'),
      token('status', ['status'], 'Status of the endpoint'),
      identifierParam,
      {
        ...reference(
          'owner',
          ['valueReference'],
          ['Practitioner'],
          'The professional a published OpenPGP key belongs to (endpoint-owner extension)',
        ),
        extensionUrl: ENDPOINT_OWNER_URL,
      },
    ],
    patientPaths: [],
    clientWritable: true,
  },
  // ── Patient directory (PDQm): authenticated only ──
  {
    type: 'Patient',
    category: 'patient-data',
    required: ['name', 'birthDate'],
    bindings: [code('gender', 'http://hl7.org/fhir/ValueSet/administrative-gender', vs.gender)],
    search: [
      identifierParam,
      nameParam,
      string('family', ['name.family'], 'Family name'),
      string('given', ['name.given'], 'Given name'),
      date('birthdate', ['birthDate'], 'Date of birth'),
      token('gender', ['gender'], 'Administrative gender'),
      addressCity(),
      reference(
        'general-practitioner',
        ['generalPractitioner'],
        ['Practitioner', 'PractitionerRole', 'Organization'],
        'Médecin référent',
      ),
      activeParam,
    ],
    patientPaths: [],
    clientWritable: true,
  },
  // ── DSP documents (MHD) ──
  clinical('DocumentReference', {
    statusCodes: vs.documentReferenceStatus,
    statusValueSet: 'http://hl7.org/fhir/ValueSet/document-reference-status',
    required: ['subject'],
    bindings: [
      code('docStatus', 'http://hl7.org/fhir/ValueSet/composition-status', vs.compositionStatus),
      confidentiality('securityLabel'),
      confidentiality('meta.security'),
      {
        path: 'type',
        valueSet: 'https://esante.lu/fhir/ValueSet/dsp-document-type',
        codes: DSP_DOCUMENT_TYPE_CODES,
        system: LOINC_SYSTEM,
      },
    ],
    search: [
      token('type', ['type'], 'Kind of document'),
      token('category', ['category'], 'Categorisation of the document'),
      date('date', ['date'], 'When the document reference was created'),
      reference(
        'author',
        ['author'],
        ['Practitioner', 'PractitionerRole', 'Organization', 'Patient'],
        'Who authored the document',
      ),
      identifierParam,
      token('security-label', ['securityLabel'], 'Confidentiality level (N, R, V)'),
      reference('relatesto', ['relatesTo.target'], ['DocumentReference'], 'Document this one replaces or amends'),
    ],
  }),
  {
    type: 'Binary',
    category: 'patient-data',
    required: [],
    bindings: [],
    search: [],
    patientPaths: [],
    clientWritable: true,
  },
  clinical('List', {
    statusCodes: vs.listStatus,
    statusValueSet: 'http://hl7.org/fhir/ValueSet/list-status',
    bindings: [code('mode', 'http://hl7.org/fhir/ValueSet/list-mode', vs.listMode)],
    search: [
      token('code', ['code'], 'What the list is for'),
      date('date', ['date'], 'When the list was prepared'),
      reference('item', ['entry.item'], ['Task'], 'An entry of the list (a tumour-board case on an agenda)'),
    ],
  }),
  clinical('Consent', {
    subjectPath: 'patient',
    statusCodes: vs.consentStatus,
    statusValueSet: 'http://hl7.org/fhir/ValueSet/consent-state-codes',
    required: ['patient'],
    search: [
      token('category', ['category'], 'Kind of consent'),
      reference(
        'actor',
        ['provision.actor.reference'],
        ['Practitioner', 'PractitionerRole', 'Organization', 'CareTeam'],
        'Who the consent applies to',
      ),
      date('period', ['provision.period'], 'When the consent applies'),
    ],
  }),
  // ── IdeoMed care records ──
  clinical('EpisodeOfCare', {
    subjectPath: 'patient',
    statusCodes: vs.episodeStatus,
    statusValueSet: 'http://hl7.org/fhir/ValueSet/episode-of-care-status',
    search: [reference('organization', ['managingOrganization'], ['Organization'], 'Organisation caring for the patient')],
  }),
  clinical('CareTeam', {
    statusCodes: vs.careTeamStatus,
    statusValueSet: 'http://hl7.org/fhir/ValueSet/care-team-status',
    required: ['subject'],
    search: [
      reference(
        'participant',
        ['participant.member'],
        ['Practitioner', 'PractitionerRole', 'Organization', 'Patient'],
        'A member of the team',
      ),
    ],
  }),
  clinical('CarePlan', {
    statusCodes: vs.requestStatus,
    statusValueSet: 'http://hl7.org/fhir/ValueSet/request-status',
    bindings: [code('intent', 'http://hl7.org/fhir/ValueSet/care-plan-intent', vs.carePlanIntent)],
    search: [
      token('intent', ['intent'], 'proposal | plan | order | option'),
      token('category', ['category'], 'Kind of plan'),
      rcpCase,
    ],
  }),
  clinical('Goal', {
    bindings: [code('lifecycleStatus', 'http://hl7.org/fhir/ValueSet/goal-status', vs.goalLifecycle)],
    search: [token('lifecycle-status', ['lifecycleStatus'], 'Lifecycle status of the goal')],
  }),
  clinical('Condition', {
    search: [token('code', ['code'], 'Condition code'), token('category', ['category'], 'Kind of condition'), rcpCase],
  }),
  clinical('Encounter', {
    statusCodes: vs.encounterStatus,
    statusValueSet: 'http://hl7.org/fhir/ValueSet/encounter-status',
    required: ['subject'],
    search: [
      date('date', ['period'], 'When the encounter took place'),
      token('class', ['class'], 'Classification of the encounter'),
    ],
  }),
  clinical('Observation', {
    statusCodes: vs.observationStatus,
    statusValueSet: 'http://hl7.org/fhir/ValueSet/observation-status',
    required: ['subject'],
    search: [
      token('code', ['code'], 'What was observed'),
      token('category', ['category'], 'Kind of observation (vital-signs…)'),
      date('date', ['effective[x]'], 'Clinically relevant time'),
      reference('encounter', ['encounter'], ['Encounter'], 'Encounter during which it was made'),
      rcpCase,
    ],
  }),
  clinical('MedicationStatement', {
    statusCodes: vs.medicationStatementStatus,
    statusValueSet: 'http://hl7.org/fhir/ValueSet/medication-statement-status',
    search: [date('effective', ['effective[x]'], 'When the medication was taken')],
  }),
  clinical('MedicationRequest', {
    statusCodes: vs.medicationRequestStatus,
    statusValueSet: 'http://hl7.org/fhir/ValueSet/medicationrequest-status',
    bindings: [code('intent', 'http://hl7.org/fhir/ValueSet/medicationrequest-intent', vs.medicationRequestIntent)],
    search: [
      token('intent', ['intent'], 'proposal | plan | order …'),
      date('authoredon', ['authoredOn'], 'When the prescription was written'),
    ],
  }),
  clinical('MedicationAdministration', {
    statusCodes: vs.medicationAdminStatus,
    statusValueSet: 'http://hl7.org/fhir/ValueSet/medication-admin-status',
    search: [
      date('effective-time', ['effective[x]'], 'When the administration took place'),
      reference('request', ['request'], ['MedicationRequest'], 'The prescription the dose follows'),
    ],
  }),
  // A photo (a wound's) whose bytes are a Binary: Media.content.url names it.
  clinical('Media', {
    statusCodes: vs.eventStatus,
    statusValueSet: 'http://hl7.org/fhir/ValueSet/event-status',
    search: [date('created', ['created[x]'], 'When the photo was taken')],
  }),
  clinical('Procedure', {
    statusCodes: vs.eventStatus,
    statusValueSet: 'http://hl7.org/fhir/ValueSet/event-status',
    search: [token('code', ['code'], 'Procedure code'), date('date', ['performed[x]'], 'When the procedure was performed')],
  }),
  clinical('Task', {
    subjectPath: 'for',
    statusCodes: vs.taskStatus,
    statusValueSet: 'http://hl7.org/fhir/ValueSet/task-status',
    bindings: [code('intent', 'http://hl7.org/fhir/ValueSet/task-intent', vs.taskIntent)],
    search: [
      reference('owner', ['owner'], ['Practitioner', 'PractitionerRole', 'Organization', 'CareTeam'], 'Who is responsible'),
      token('code', ['code'], 'Kind of task'),
      date('authored-on', ['authoredOn'], 'When the task was created'),
    ],
  }),
  // ── IdeoRCP ──
  clinical('Appointment', {
    subjectPath: 'participant.actor',
    statusCodes: vs.appointmentStatus,
    statusValueSet: 'http://hl7.org/fhir/ValueSet/appointmentstatus',
    search: [
      reference('actor', ['participant.actor'], ['Practitioner', 'PractitionerRole', 'Location', 'Patient'], 'A participant'),
      date('date', ['start'], 'Start of the appointment'),
      token('service-type', ['serviceType'], 'Kind of appointment (a tumour board: rcp)'),
    ],
  }),
  clinical('ClinicalImpression', {
    statusCodes: vs.clinicalImpressionStatus,
    statusValueSet: 'http://hl7.org/fhir/ValueSet/clinicalimpression-status',
    search: [date('date', ['date'], 'When the assessment was documented')],
  }),
  // ── Audit (BALP) ──
  {
    type: 'AuditEvent',
    category: 'audit',
    required: [],
    bindings: [
      code('action', 'http://hl7.org/fhir/ValueSet/audit-event-action', vs.auditAction),
      code('outcome', 'http://hl7.org/fhir/ValueSet/audit-event-outcome', vs.auditOutcome),
    ],
    search: [
      reference('patient', ['entity.what'], ['Patient'], 'The patient whose data was accessed'),
      reference('agent', ['agent.who'], ['Practitioner', 'PractitionerRole', 'Patient'], 'Who acted'),
      reference('entity', ['entity.what'], [], 'What was accessed'),
      date('date', ['recorded'], 'When the event was recorded'),
      token('action', ['action'], 'C | R | U | D | E'),
      token('outcome', ['outcome'], '0 success, 4 minor failure, 8 serious failure'),
      token('type', ['type'], 'Kind of event'),
    ],
    patientPaths: ['entity.what'],
    clientWritable: false,
  },
  // ── Messaging envelopes and collaborative space ──
  {
    // A message envelope: routing and ciphertext references only (issue 6; rules in messaging/message-rules.ts).
    type: 'Communication',
    category: 'collaboration',
    required: [],
    bindings: [code('status', 'http://hl7.org/fhir/ValueSet/event-status', vs.eventStatus)],
    search: [
      reference('sender', ['sender'], ['Practitioner'], 'Who sent the message'),
      reference(
        'recipient',
        ['recipient'],
        ['Practitioner', 'Organization'],
        'Who it was addressed to (a Practitioner or a service mailbox Organization)',
      ),
      token('status', ['status'], 'Status of the message'),
      date('sent', ['sent'], 'When it was sent'),
    ],
    patientPaths: [],
    clientWritable: true,
  },
  // ── The public document library (issue 13; rules in library/library-policy.ts) ──
  {
    type: 'Library',
    category: 'public',
    required: ['title', 'topic'],
    bindings: [
      code('status', 'http://hl7.org/fhir/ValueSet/publication-status', vs.publicationStatus),
      {
        path: 'topic',
        valueSet: 'https://esante.lu/fhir/ValueSet/library-theme',
        codes: LIBRARY_THEMES,
        system: LIBRARY_THEME_SYSTEM,
      },
    ],
    search: [
      string('title', ['title'], 'Title (French)'),
      // Full text: every language's title and summary (the translations are nested extensions).
      string(
        'text',
        ['title', 'description', 'extension.extension.valueString'],
        'Title and summary, in French, German or English',
      ),
      token('topic', ['topic'], 'Theme'),
      token('status', ['status'], 'active (current edition) or retired (superseded)'),
      date('date', ['date'], 'Date of the edition'),
    ],
    patientPaths: [],
    clientWritable: true,
  },
  {
    type: 'Group',
    category: 'collaboration',
    required: [],
    bindings: [code('type', 'http://hl7.org/fhir/ValueSet/group-type', vs.groupType)],
    search: [
      string('name', ['name'], 'Name of the group'),
      token('type', ['type'], 'Kind of members'),
      reference('member', ['member.entity'], ['Practitioner', 'PractitionerRole', 'Patient', 'Organization'], 'A member'),
      reference(
        'managing-entity',
        ['managingEntity'],
        ['Practitioner', 'PractitionerRole', 'Organization'],
        'Who manages the group',
      ),
    ],
    patientPaths: [],
    clientWritable: true,
  },
];

const BY_TYPE = new Map(RESOURCE_TYPES.map((def) => [def.type, def]));

export function resourceTypeDef(type: string): ResourceTypeDef | undefined {
  return BY_TYPE.get(type);
}

export function isSupportedType(type: string): boolean {
  return BY_TYPE.has(type);
}

/** Result and control parameters accepted on every search (besides the declared ones). */
export const COMMON_SEARCH_PARAMS: readonly SearchParamDef[] = [
  token('_id', ['id'], 'Logical id of the resource'),
  date('_lastUpdated', ['meta.lastUpdated'], 'When the resource last changed on the server'),
];

export const SORTABLE = ['_id', '_lastUpdated'] as const;
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;
