/**
 * Deterministic generator of Luxembourg seed data: the demo accounts' own records, and in "demo"
 * mode a directory of organisations and professionals of every role, patients with valid matricules
 * and their DSP documents. Same options → same resources, on every machine.
 */
import { DEMO_CARE_DAYS, demoCareRecords, demoCareRelationships, demoCareStaff } from './demo-care';
import { libraryEditorRecords } from './demo-library';
import { demoSpaces } from './demo-spaces';
import { DESK_ROLE_SYSTEM, ORGANIZATION_ADMINISTRATOR_CODE } from '../../../src-shared/domain/directory';
import { LU_MATRICULE_SYSTEM } from '../../../src-shared/domain/fhir-sync';
import { makeMatricule } from '../../../src-shared/domain/matricule';
import type { Role } from '../../../src-shared/domain/roles';
import { buildConsent, consentId } from '../dsp/dsp-consents';
import { demoDspResources } from './demo-dsp';
import { dspDocument } from './dsp-document';
import { SYSTEM_AUTHOR } from '../policy/principal';
import { DEMO_ACCOUNTS, DEMO_PATIENT_MATRICULE, DEMO_PATIENT_2_MATRICULE } from './demo-accounts';
import { demoRcpBoards, rcpProfessionals } from './demo-rcp';
import {
  CARE_AIDE,
  COMMUNES,
  DOCUMENT_KINDS,
  FAMILY_NAMES,
  GENERAL_PRACTICE,
  GIVEN_NAMES,
  NURSING,
  SPECIALTIES,
  SPECIALTY_SYSTEM,
  STREETS,
  type Commune,
} from './luxembourg';
import { Prng } from './prng';
import { professionalRecords } from './professional-records';

export interface SeedOptions {
  mode: 'demo' | 'none';
  patients: number;
  docsPerPatient: number;
  /** PRNG seed; the default gives the documented demo data set. */
  seed?: number;
  /** IdeoMed bench: this many extra care-home residents (default 0)… */
  carePatients?: number;
  /** …with this many days of care records each (default 14, as the demo's patients). */
  careDays?: number;
  /** The day care records are dated from (default: now). */
  today?: Date;
}

export interface SeedItem {
  resource: fhir4.FhirResource & { id: string };
  /** Recorded as the creator (documents: their author), which puts them in that user's $changes scope. */
  createdBy: string;
}

const ROLE_SYSTEM = DESK_ROLE_SYSTEM;
const ORG_KIND_SYSTEM = 'https://esante.lu/fhir/CodeSystem/organization-kind';
/** Documents are dated within the 5 years before this fixed instant, so the data set does not depend on the clock. */
const DOCUMENT_EPOCH = Date.UTC(2025, 0, 1);

type OrgKind = 'gp-practice' | 'hospital' | 'home-care-network' | 'day-centre' | 'care-home' | 'laboratory';

interface OrgSpec {
  id: string;
  name: string;
  kind: OrgKind;
  city: string;
}

const ORG_KIND_DISPLAY: Record<OrgKind, string> = {
  'gp-practice': 'Cabinet de médecine générale',
  hospital: 'Hôpital',
  'home-care-network': 'Réseau de soins à domicile',
  'day-centre': 'Centre de jour pour personnes en situation de handicap',
  'care-home': 'Maison de soins',
  laboratory: "Laboratoire d'analyses médicales",
};

/** The demo accounts' organisations exist in every data directory. */
const DEMO_ORGS: OrgSpec[] = [
  { id: 'demo-org-practice', name: 'Cabinet médical Weber', kind: 'gp-practice', city: 'Luxembourg' },
  { id: 'demo-org-hospital', name: 'Centre Hospitalier de Luxembourg', kind: 'hospital', city: 'Luxembourg' },
  { id: 'demo-org-homecare', name: 'Réseau de soins à domicile Nordstad', kind: 'home-care-network', city: 'Ettelbruck' },
  { id: 'demo-org-carehome', name: 'Maison de soins Résidence Sauerdall', kind: 'care-home', city: 'Echternach' },
  { id: 'demo-org-daycentre', name: 'Centre de jour Am Bongert', kind: 'day-centre', city: 'Mersch' },
];

const MORE_ORGS: OrgSpec[] = [
  { id: 'org-hospital-esch', name: 'Centre Hospitalier Emile Mayrisch', kind: 'hospital', city: 'Esch-sur-Alzette' },
  { id: 'org-hospital-kirchberg', name: 'Hôpitaux Robert Schuman', kind: 'hospital', city: 'Luxembourg' },
  { id: 'org-hospital-nord', name: 'Centre Hospitalier du Nord', kind: 'hospital', city: 'Ettelbruck' },
  { id: 'org-lab-central', name: 'Laboratoire Bio-Analyse Luxembourg', kind: 'laboratory', city: 'Luxembourg' },
  { id: 'org-lab-sud', name: 'Laboratoire Central du Sud', kind: 'laboratory', city: 'Differdange' },
  { id: 'org-homecare-sud', name: 'Soins à domicile Minett', kind: 'home-care-network', city: 'Dudelange' },
  ...[
    'Esch-sur-Alzette',
    'Differdange',
    'Dudelange',
    'Diekirch',
    'Wiltz',
    'Remich',
    'Grevenmacher',
    'Clervaux',
    'Vianden',
    'Mersch',
  ].map((city, i): OrgSpec => ({
    id: `org-practice-${String(i + 1).padStart(2, '0')}`,
    name: `Cabinet médical de ${city}`,
    kind: 'gp-practice',
    city,
  })),
];

const ROLE_DISPLAY: Record<Role, string> = {
  gp: 'Médecin généraliste',
  specialist: 'Médecin spécialiste',
  nurse: 'Infirmier·ère',
  'care-aide': 'Aide-soignant·e',
  secretary: 'Secrétaire médical·e',
  'facility-admin': "Administrateur·rice d'établissement",
  patient: 'Patient',
};

/** Which organisation kinds employ each professional role in the generated directory. */
const ROLE_ORG_KINDS: Record<Exclude<Role, 'patient'>, OrgKind[]> = {
  gp: ['gp-practice'],
  specialist: ['hospital', 'laboratory'],
  nurse: ['home-care-network', 'hospital', 'care-home'],
  'care-aide': ['care-home', 'day-centre', 'home-care-network'],
  secretary: ['gp-practice', 'hospital'],
  'facility-admin': ['care-home', 'day-centre', 'home-care-network'],
};

const ROLE_COUNTS: Record<Exclude<Role, 'patient'>, number> = {
  gp: 20,
  specialist: 24,
  nurse: 24,
  'care-aide': 12,
  secretary: 8,
  'facility-admin': 4,
};

class SeedGenerator {
  private readonly rng: Prng;
  private readonly communes = new Map(COMMUNES.map((c) => [c.name, c]));
  private readonly matricules = new Set<string>();

  constructor(seed: number) {
    this.rng = new Prng(seed);
  }

  address(city?: string): fhir4.Address {
    const commune: Commune = (city !== undefined ? this.communes.get(city) : undefined) ?? this.rng.pick(COMMUNES);
    const postal = this.rng.int(commune.postalCodes[0], commune.postalCodes[1]);
    return {
      use: 'work',
      line: [`${this.rng.int(1, 120)}, ${this.rng.pick(STREETS)}`],
      city: commune.name,
      postalCode: `L-${postal}`,
      country: 'LU',
    };
  }

  phone(): fhir4.ContactPoint {
    return {
      system: 'phone',
      value: `+352 ${this.rng.int(20, 29)} ${this.rng.int(10, 99)} ${this.rng.int(10, 99)} ${this.rng.int(10, 99)}`,
    };
  }

  person(): { family: string; given: string; gender: 'male' | 'female' } {
    const gender = this.rng.chance(0.5) ? 'male' : 'female';
    return { family: this.rng.pick(FAMILY_NAMES), given: this.rng.pick(GIVEN_NAMES[gender]), gender };
  }

  /** A birth date and a unique valid matricule for it. */
  matricule(): { birthDate: string; matricule: string } {
    const year = this.rng.int(1930, 2022);
    const month = this.rng.int(1, 12);
    const day = this.rng.int(1, new Date(Date.UTC(year, month, 0)).getUTCDate());
    let sequence = this.rng.int(0, 999);
    let matricule = makeMatricule(year, month, day, sequence);
    while (this.matricules.has(matricule)) {
      sequence = (sequence + 1) % 1000;
      matricule = makeMatricule(year, month, day, sequence);
    }
    this.matricules.add(matricule);
    return { birthDate: `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`, matricule };
  }

  *organization(spec: OrgSpec): Generator<SeedItem> {
    const address = this.address(spec.city);
    yield {
      createdBy: SYSTEM_AUTHOR,
      resource: {
        resourceType: 'Organization',
        id: spec.id,
        active: true,
        identifier: [{ system: 'https://esante.lu/fhir/NamingSystem/organization-id', value: spec.id.toUpperCase() }],
        type: [{ coding: [{ system: ORG_KIND_SYSTEM, code: spec.kind, display: ORG_KIND_DISPLAY[spec.kind] }] }],
        name: spec.name,
        telecom: [this.phone()],
        address: [address],
      },
    };
    yield {
      createdBy: SYSTEM_AUTHOR,
      resource: {
        resourceType: 'Location',
        id: `loc-${spec.id}`,
        status: 'active',
        name: spec.name,
        type: [
          {
            coding: [
              { system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code: spec.kind === 'hospital' ? 'HOSP' : 'OF' },
            ],
          },
        ],
        address,
        managingOrganization: { reference: `Organization/${spec.id}` },
      },
    };
    yield {
      createdBy: SYSTEM_AUTHOR,
      resource: {
        resourceType: 'Endpoint',
        id: `ep-${spec.id}`,
        status: 'active',
        name: `Messagerie sécurisée — ${spec.name}`,
        connectionType: { system: 'http://terminology.hl7.org/CodeSystem/endpoint-connection-type', code: 'direct-project' },
        managingOrganization: { reference: `Organization/${spec.id}` },
        payloadType: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/endpoint-payload-type', code: 'any' }] }],
        address: `mailto:contact@${spec.id}.esante.lu`,
      },
    };
  }

  *professional(
    id: string,
    role: Exclude<Role, 'patient'>,
    name: { family: string; given: string; gender: string; prefix?: string },
    org: OrgSpec,
    fixedSpecialty?: { code: string; display: string },
  ): Generator<SeedItem> {
    const specialty =
      fixedSpecialty ??
      (role === 'gp'
        ? GENERAL_PRACTICE
        : role === 'specialist'
          ? this.rng.pick(SPECIALTIES)
          : role === 'nurse'
            ? NURSING
            : role === 'care-aide'
              ? CARE_AIDE
              : undefined);
    const specialtyCode = specialty ? { coding: [{ system: SPECIALTY_SYSTEM, ...specialty }] } : undefined;
    yield* professionalRecords({
      id,
      name: { family: name.family, given: [name.given], ...(name.prefix ? { prefix: [name.prefix] } : {}) },
      gender: name.gender as 'male' | 'female',
      telecom: [this.phone()],
      address: [this.address(org.city)],
      ...(specialtyCode ? { specialty: specialtyCode } : {}),
      role: { code: role, display: ROLE_DISPLAY[role] },
      organizationId: org.id,
      withEndpoint: true,
    });
  }

  patient(
    id: string,
    name: { family: string; given: string; gender: string },
    identity: { birthDate: string; matricule: string },
    gp: string | undefined,
  ): SeedItem {
    return {
      createdBy: SYSTEM_AUTHOR,
      resource: {
        resourceType: 'Patient',
        id,
        active: true,
        identifier: [{ system: LU_MATRICULE_SYSTEM, value: identity.matricule }],
        name: [{ use: 'official', family: name.family, given: [name.given] }],
        gender: name.gender as 'male' | 'female',
        birthDate: identity.birthDate,
        telecom: [this.phone()],
        address: [{ ...this.address(), use: 'home' }],
        communication: [{ language: { coding: [{ system: 'urn:ietf:bcp:47', code: this.rng.pick(['lb', 'fr', 'de', 'pt']) }] } }],
        ...(gp ? { generalPractitioner: [{ reference: gp }] } : {}),
      },
    };
  }

  document(id: string, patientId: string, author: string, custodian: string): SeedItem {
    const kind = this.rng.pick(DOCUMENT_KINDS);
    const date = new Date(DOCUMENT_EPOCH - this.rng.int(0, 5 * 365) * 86_400_000 - this.rng.int(0, 86_399) * 1000).toISOString();
    const confidentiality = this.rng.chance(0.85) ? 'N' : this.rng.chance(0.8) ? 'R' : 'V';
    return { createdBy: author, resource: dspDocument({ id, patientId, kind, date, author, custodian, confidentiality }) };
  }

  *all(options: SeedOptions): Generator<SeedItem> {
    // Demo accounts and their organisations: always.
    for (const org of DEMO_ORGS) yield* this.organization(org);
    for (const account of DEMO_ACCOUNTS) {
      const [given = '', family = ''] = account.displayName.replace(/^Dr /, '').split(' ');
      // Patients are seeded below; an account of no organisation (the library's editor) by its own domain's seed;
      // the tumour board's physicians by demo-rcp.ts (fixed records, no PRNG draw).
      // IdeoMed's care staff by demo-care.ts (fixed records too).
      if (account.role === 'patient' || account.organizationId === undefined || account.boardSpecialty || account.careStaff)
        continue;
      const org = DEMO_ORGS.find((o) => o.id === account.organizationId)!;
      const gender = ['Anne', 'Marie', 'Sophie'].includes(given) ? 'female' : 'male';
      // The demo specialist is a cardiologist, so demos and tests can rely on one specialty.
      const specialty = account.role === 'specialist' ? SPECIALTIES.find((s) => s.code === 'cardiology') : undefined;
      yield* this.professional(
        account.userRef.split('/')[1]!,
        account.role,
        { family, given, gender, ...(account.displayName.startsWith('Dr ') ? { prefix: 'Dr' } : {}) },
        org,
        specialty,
      );
    }
    yield* serviceMailbox();
    yield* organizationAdministrators();
    yield* libraryEditorRecords();
    const demoGp = DEMO_ACCOUNTS.find((a) => a.role === 'gp')!.userRef;
    yield this.patient(
      'demo-patient',
      { family: 'Reuter', given: 'Jean', gender: 'male' },
      { birthDate: '1966-03-13', matricule: DEMO_PATIENT_MATRICULE },
      demoGp,
    );
    this.matricules.add(DEMO_PATIENT_MATRICULE);
    // Fixed (no PRNG draw), so every generated record after it stays as it was.
    yield {
      createdBy: SYSTEM_AUTHOR,
      resource: {
        resourceType: 'Patient',
        id: 'demo-patient-2',
        active: true,
        identifier: [{ system: LU_MATRICULE_SYSTEM, value: DEMO_PATIENT_2_MATRICULE }],
        name: [{ use: 'official', family: 'Weis', given: ['Nathalie'] }],
        gender: 'female',
        birthDate: '1989-04-02',
        address: [{ use: 'home', line: ['3, rue du Moulin'], city: 'Diekirch', postalCode: 'L-9240', country: 'LU' }],
      },
    };
    this.matricules.add(DEMO_PATIENT_2_MATRICULE);
    // The demo DSP's rights: the demo GP is the médecin référent, the demo nurse is in the trust circle
    // (normal documents only); the demo specialist has nothing (presence-code demos).
    yield dspConsent('referent', 'demo-patient', demoGp);
    yield dspConsent('trust-circle', 'demo-patient', 'Practitioner/demo-nurse');
    yield* demoCareRelationships(new Date(DOCUMENT_EPOCH).toISOString());
    yield* demoCareStaff();
    yield* rcpProfessionals();
    if (options.mode === 'none') return;

    // The directory.
    for (const org of MORE_ORGS) yield* this.organization(org);
    const allOrgs = [...DEMO_ORGS, ...MORE_ORGS];
    const professionals: Record<string, string[]> = {
      gp: [demoGp],
      specialist: ['Practitioner/demo-specialist'],
      nurse: ['Practitioner/demo-nurse'],
    };
    const employerOf = new Map<string, string>([[demoGp, 'demo-org-practice']]);
    for (const [role, count] of Object.entries(ROLE_COUNTS) as Array<[Exclude<Role, 'patient'>, number]>) {
      const orgs = allOrgs.filter((o) => ROLE_ORG_KINDS[role].includes(o.kind));
      for (let i = 1; i <= count; i++) {
        const id = `prac-${role}-${String(i).padStart(3, '0')}`;
        const org = orgs[(i - 1) % orgs.length]!;
        const person = this.person();
        const doctor = role === 'gp' || role === 'specialist';
        yield* this.professional(id, role, { ...person, ...(doctor ? { prefix: 'Dr' } : {}) }, org);
        (professionals[role] ??= []).push(`Practitioner/${id}`);
        employerOf.set(`Practitioner/${id}`, org.id);
      }
    }

    // Patients and their DSP documents (the demo patient first).
    const authors = [...professionals.gp!, ...professionals.specialist!, ...professionals.nurse!];
    const documentsOf = (patientId: string) => {
      const items: SeedItem[] = [];
      for (let d = 1; d <= options.docsPerPatient; d++) {
        const author = this.rng.pick(authors);
        items.push(
          this.document(
            `doc-${patientId}-${String(d).padStart(3, '0')}`,
            patientId,
            author,
            employerOf.get(author) ?? 'demo-org-hospital',
          ),
        );
      }
      return items;
    };
    // The demo patient: a document of each DSP type (fixed), then generated ones. The demo specialist
    // writes none of them (no access at all: presence-code demos).
    yield* demoDspResources('demo-patient');
    for (const item of documentsOf('demo-patient')) {
      const doc = item.resource as fhir4.DocumentReference;
      if (item.createdBy === 'Practitioner/demo-specialist') {
        item.createdBy = demoGp;
        doc.author = [{ reference: demoGp }];
      }
      yield item;
    }
    for (let p = 1; p <= options.patients; p++) {
      const id = `pat-${String(p).padStart(6, '0')}`;
      const person = this.person();
      const identity = this.matricule();
      const gp = this.rng.pick(professionals.gp!);
      yield this.patient(id, person, identity, gp);
      // The patient's GP is their médecin référent in the DSP.
      yield dspConsent('referent', id, gp);
      yield* documentsOf(id);
    }
    // The demo tumour board, last (fixed records: nothing generated before it moves); its third case is the first generated patient's.
    yield* demoRcpBoards(Date.now(), options.patients >= 1 ? 'pat-000001' : undefined);
    yield* demoSpaces(new Date(DOCUMENT_EPOCH).toISOString());
    // IdeoMed's demo (fixed, dated relative to today) and the bench's residents, last: nothing generated before them moves.
    yield* demoCareRecords({
      today: options.today ?? new Date(),
      takenMatricules: this.matricules,
      carePatients: options.carePatients ?? 0,
      careDays: options.careDays ?? DEMO_CARE_DAYS,
    });
  }
}

/**
 * The demo service mailbox (issue 6): the nursing team of the home-care network, an Organization whose
 * members (Practitioners with a PractitionerRole there) a message to it reaches — the demo nurse and a
 * colleague. Fixed records without the PRNG, so the rest of the generated data set is unchanged.
 */
export const DEMO_MAILBOX = {
  organizationId: 'demo-org-homecare-nursing',
  name: 'Réseau Nordstad — équipe infirmière',
  members: ['Practitioner/demo-nurse', 'Practitioner/demo-nurse-2'],
} as const;

function* serviceMailbox(): Generator<SeedItem> {
  const item = (resource: SeedItem['resource']): SeedItem => ({ createdBy: SYSTEM_AUTHOR, resource });
  yield item({
    resourceType: 'Organization',
    id: DEMO_MAILBOX.organizationId,
    active: true,
    identifier: [
      { system: 'https://esante.lu/fhir/NamingSystem/organization-id', value: DEMO_MAILBOX.organizationId.toUpperCase() },
    ],
    type: [
      {
        coding: [
          { system: 'http://terminology.hl7.org/CodeSystem/organization-type', code: 'team', display: 'Organizational team' },
        ],
      },
    ],
    name: DEMO_MAILBOX.name,
    alias: ['Boîte de service soins infirmiers Nordstad'],
    partOf: { reference: 'Organization/demo-org-homecare' },
  });
  yield item({
    resourceType: 'Practitioner',
    id: 'demo-nurse-2',
    active: true,
    identifier: [{ system: 'https://esante.lu/fhir/NamingSystem/professional-code', value: 'PDEMONURSE2' }],
    name: [{ family: 'Kremer', given: ['Sandra'] }],
    gender: 'female',
    address: [{ use: 'work', line: ['12, avenue de la Gare'], city: 'Ettelbruck', postalCode: 'L-9005', country: 'LU' }],
    qualification: [{ code: { coding: [{ system: SPECIALTY_SYSTEM, ...NURSING }] } }],
  });
  yield item({
    resourceType: 'PractitionerRole',
    id: 'role-demo-nurse-2',
    active: true,
    practitioner: { reference: 'Practitioner/demo-nurse-2' },
    organization: { reference: 'Organization/demo-org-homecare' },
    location: [{ reference: 'Location/loc-demo-org-homecare' }],
    code: [{ coding: [{ system: ROLE_SYSTEM, code: 'nurse', display: ROLE_DISPLAY.nurse }] }],
    specialty: [{ coding: [{ system: SPECIALTY_SYSTEM, ...NURSING }] }],
  });
  for (const member of DEMO_MAILBOX.members) {
    const id = member.slice('Practitioner/'.length);
    yield item({
      resourceType: 'PractitionerRole',
      id: `role-${id}-mailbox`,
      active: true,
      practitioner: { reference: member },
      organization: { reference: `Organization/${DEMO_MAILBOX.organizationId}` },
      code: [{ coding: [{ system: ROLE_SYSTEM, code: 'nurse', display: ROLE_DISPLAY.nurse }] }],
    });
  }
}

/**
 * Who administers each demo organisation, and so grants its memberships (ARCHITECTURE §5 Directory):
 * the demo GP his practice, the demo specialist the hospital, the demo facility administrator the
 * home-care network (and its nursing team's mailbox), the care home and the day centre. Fixed records.
 */
export const DEMO_ORGANIZATION_ADMINISTRATORS: ReadonlyArray<readonly [organizationId: string, practitioner: string]> = [
  ['demo-org-practice', 'Practitioner/demo-gp'],
  ['demo-org-hospital', 'Practitioner/demo-specialist'],
  ['demo-org-homecare', 'Practitioner/demo-facility-admin'],
  [DEMO_MAILBOX.organizationId, 'Practitioner/demo-facility-admin'],
  ['demo-org-carehome', 'Practitioner/demo-facility-admin'],
  ['demo-org-daycentre', 'Practitioner/demo-facility-admin'],
];

function* organizationAdministrators(): Generator<SeedItem> {
  for (const [organizationId, practitioner] of DEMO_ORGANIZATION_ADMINISTRATORS) {
    yield {
      createdBy: SYSTEM_AUTHOR,
      resource: {
        resourceType: 'PractitionerRole',
        id: `admin-${organizationId}`,
        active: true,
        practitioner: { reference: practitioner },
        organization: { reference: `Organization/${organizationId}` },
        code: [{ coding: [{ system: DESK_ROLE_SYSTEM, code: ORGANIZATION_ADMINISTRATOR_CODE, display: 'Administrateur' }] }],
      },
    };
  }
}

/** A DSP right declared by the patient (dsp/dsp-consents.ts), dated at the seed's fixed instant. */
function dspConsent(kind: 'referent' | 'trust-circle', patientId: string, actorRef: string): SeedItem {
  return {
    createdBy: `Patient/${patientId}`,
    resource: buildConsent({
      id: consentId(kind, patientId, kind === 'referent' ? undefined : actorRef),
      kind,
      patientRef: `Patient/${patientId}`,
      active: true,
      actorRef,
      dateTime: new Date(DOCUMENT_EPOCH).toISOString(),
    }) as fhir4.Consent & { id: string },
  };
}

export function generateSeed(options: SeedOptions): Generator<SeedItem> {
  return new SeedGenerator(options.seed ?? 20250101).all(options);
}
