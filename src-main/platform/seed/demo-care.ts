/**
 * IdeoMed's demo (issue 11), fixed records without the PRNG so the README's demo stays true, dated relative to
 * today:
 * - the Nordstad home-care network (demo.nurse, her colleague demo.nurse2, the planner demo.planner without a
 *   care mandate): the demo patient and 3 home patients, and tomorrow's round for demo.nurse;
 * - the Résidence Sauerdall care home (demo.careaide, demo.carenurse): 6 residents;
 * - the Am Bongert day centre (demo.admin works there, no care mandate: the schedule only; its nurse has no demo
 *   account): 2 guests and tomorrow's attendance;
 * each patient with an episode of care, a care plan (Tasks, Goals), a medication plan, 14 days of vital signs,
 * nursing notes, and one wound per organisation with its photo. `--care-patients N --care-days D` add N care-home
 * residents with D days of records each, for the bench.
 * The demo patient's relationships (the network's episode, his GP's care team) exist in every data directory.
 */
import { makeMatricule } from '../../../src-shared/domain/matricule';
import { SYSTEM_AUTHOR } from '../policy/principal';
import { DEMO_ACCOUNTS } from './demo-accounts';
import { carePatientRecords, roundAppointments, type CarePatientSpec, type MedicationSpec } from './care-patient-records';
import type { SeedItem } from './generate';
import { professionalRecords } from './professional-records';

export const DEMO_HOME_CARE_EPISODE = 'episode-demo-patient-homecare';
export const DEMO_CARE_TEAM = 'careteam-demo-patient';
/** Days of care records of every demo patient. */
export const DEMO_CARE_DAYS = 14;

const HOMECARE = 'Organization/demo-org-homecare';
const CAREHOME = 'Organization/demo-org-carehome';
const DAYCENTRE = 'Organization/demo-org-daycentre';
const NURSE = 'Practitioner/demo-nurse';
const NURSE_2 = 'Practitioner/demo-nurse-2';
const CARE_AIDE = 'Practitioner/demo-care-aide';
const CARE_NURSE = 'Practitioner/demo-care-nurse';
/** The day centre's nurse: no demo account (the centre's demo user is its administrator, demo.admin). */
const DAY_CENTRE_NURSE = 'Practitioner/demo-daycentre-nurse';

/** The home patients of demo.nurse's round (the demo patient first). */
export const DEMO_HOME_PATIENTS = ['demo-patient', 'hc-patient-1', 'hc-patient-2', 'hc-patient-3'] as const;
export const DEMO_CARE_HOME_RESIDENTS = [
  'ch-resident-1',
  'ch-resident-2',
  'ch-resident-3',
  'ch-resident-4',
  'ch-resident-5',
  'ch-resident-6',
] as const;
export const DEMO_DAY_CENTRE_GUESTS = ['dc-guest-1', 'dc-guest-2'] as const;

export function* demoCareRelationships(start: string): Generator<SeedItem> {
  yield {
    createdBy: SYSTEM_AUTHOR,
    resource: {
      resourceType: 'EpisodeOfCare',
      id: DEMO_HOME_CARE_EPISODE,
      status: 'active',
      type: [{ text: 'Soins à domicile' }],
      patient: { reference: 'Patient/demo-patient' },
      managingOrganization: { reference: HOMECARE },
      period: { start },
    },
  };
  yield {
    createdBy: SYSTEM_AUTHOR,
    resource: {
      resourceType: 'CareTeam',
      id: DEMO_CARE_TEAM,
      status: 'active',
      name: 'Équipe soignante de Jean Reuter',
      subject: { reference: 'Patient/demo-patient' },
      participant: [{ member: { reference: 'Practitioner/demo-gp' }, period: { start } }],
    },
  };
}

const ROLE_DISPLAY = { nurse: 'Infirmier·ère', secretary: 'Secrétaire' } as const;

/** The directory records of IdeoMed's demo staff (DemoAccount.careStaff): fixed, in every data directory. */
export function* demoCareStaff(): Generator<SeedItem> {
  const staff = [
    // demo.nurse2 is the service mailbox's colleague, whose records generate.ts writes already.
    ...DEMO_ACCOUNTS.filter((a) => a.careStaff && a.userRef !== NURSE_2),
    { userRef: DAY_CENTRE_NURSE, displayName: 'Carole Hoffmann', role: 'nurse', organizationId: 'demo-org-daycentre' },
  ];
  for (const account of staff) {
    const id = account.userRef.split('/')[1]!;
    const [given = '', family = ''] = account.displayName.split(' ');
    const role = account.role as keyof typeof ROLE_DISPLAY;
    yield* professionalRecords({
      id,
      name: { family, given: [given] },
      gender: 'female',
      role: { code: account.role, display: ROLE_DISPLAY[role] ?? account.role },
      organizationId: account.organizationId!, // every careStaff account names its organisation
      withEndpoint: false,
    });
  }
}

const PARACETAMOL: MedicationSpec = { name: 'Paracétamol 1 g', times: ['08:00', '20:00'] };
const METFORMIN: MedicationSpec = { name: 'Metformine 850 mg', times: ['08:00', '18:00'] };
const BISOPROLOL: MedicationSpec = { name: 'Bisoprolol 5 mg', times: ['08:00'] };
const FUROSEMIDE: MedicationSpec = { name: 'Furosémide 40 mg', times: ['08:00'] };
const INSULIN: MedicationSpec = { name: 'Insuline glargine 20 UI', times: ['21:00'] };
const ENOXAPARIN: MedicationSpec = { name: 'Énoxaparine 4000 UI', times: ['18:00'] };
const LEVOTHYROX: MedicationSpec = { name: 'Lévothyroxine 75 µg', times: ['07:00'] };
const AMOXICILLIN_STOPPED: MedicationSpec = { name: 'Amoxicilline 1 g', times: ['08:00', '14:00', '20:00'], stoppedDaysAgo: 3 };

type Base = Omit<CarePatientSpec, 'organization' | 'carer' | 'matricule' | 'tasks' | 'goals'> & {
  serial: number;
  tasks?: string[];
  goals?: string[];
};

const TASKS = [
  'Toilette complète et soins de bouche',
  'Surveillance des constantes et de la douleur',
  'Prévention des chutes : aide à la marche',
];
const GOALS = ['Maintenir l’autonomie pour les transferts', 'Absence de complication cutanée'];

const HOME: Base[] = [
  {
    id: 'hc-patient-1',
    family: 'Hansen',
    given: 'Gilbert',
    gender: 'male',
    birthDate: '1941-02-11',
    serial: 511,
    address: { line: '12, rue de la Gare', city: 'Ettelbruck', postalCode: 'L-9122' },
    glucose: 'mass',
    medications: [METFORMIN, INSULIN, AMOXICILLIN_STOPPED],
  },
  {
    id: 'hc-patient-2',
    family: 'Lentz',
    given: 'Marguerite',
    gender: 'female',
    birthDate: '1937-07-23',
    serial: 512,
    address: { line: '4, op der Lay', city: 'Diekirch', postalCode: 'L-9213' },
    pain: true,
    medications: [PARACETAMOL, ENOXAPARIN],
    wound: { site: 'jambe gauche, face interne', description: 'Ulcère veineux' },
  },
  {
    id: 'hc-patient-3',
    family: 'Thill',
    given: 'Roger',
    gender: 'male',
    birthDate: '1950-12-02',
    serial: 513,
    address: { line: '27, avenue Salentiny', city: 'Ettelbruck', postalCode: 'L-9080' },
    feverDaysAgo: 2,
    medications: [BISOPROLOL, FUROSEMIDE],
  },
];

const RESIDENTS: Base[] = [
  {
    id: 'ch-resident-1',
    family: 'Wagner',
    given: 'Irène',
    gender: 'female',
    birthDate: '1932-04-18',
    serial: 521,
    pain: true,
    medications: [PARACETAMOL, ENOXAPARIN],
    wound: { site: 'talon droit', description: 'Escarre de stade 2' },
  },
  {
    id: 'ch-resident-2',
    family: 'Schroeder',
    given: 'Nicolas',
    gender: 'male',
    birthDate: '1938-09-05',
    serial: 522,
    feverDaysAgo: 1,
    glucose: 'molar',
    medications: [METFORMIN, BISOPROLOL],
  },
  {
    id: 'ch-resident-3',
    family: 'Becker',
    given: 'Léonie',
    gender: 'female',
    birthDate: '1935-01-30',
    serial: 523,
    medications: [LEVOTHYROX, { ...FUROSEMIDE, stoppedDaysAgo: 5 }],
  },
  {
    id: 'ch-resident-4',
    family: 'Muller',
    given: 'Joseph',
    gender: 'male',
    birthDate: '1940-06-14',
    serial: 524,
    medications: [BISOPROLOL, PARACETAMOL],
  },
  {
    id: 'ch-resident-5',
    family: 'Kayser',
    given: 'Anne-Marie',
    gender: 'female',
    birthDate: '1929-11-08',
    serial: 525,
    pain: true,
    medications: [PARACETAMOL],
  },
  {
    id: 'ch-resident-6',
    family: 'Reding',
    given: 'Paul',
    gender: 'male',
    birthDate: '1944-03-27',
    serial: 526,
    glucose: 'mass',
    medications: [METFORMIN, INSULIN, LEVOTHYROX],
  },
].map((r) => ({ ...r, address: { line: '1, rue de la Sûre', city: 'Echternach', postalCode: 'L-6440' } }) as Base);

const GUESTS: Base[] = [
  {
    id: 'dc-guest-1',
    family: 'Weis',
    given: 'Tom',
    gender: 'male',
    birthDate: '1979-05-19',
    serial: 531,
    medications: [LEVOTHYROX],
    wound: { site: 'avant-bras droit', description: 'Plaie cutanée après chute' },
  },
  {
    id: 'dc-guest-2',
    family: 'Faber',
    given: 'Sandra',
    gender: 'female',
    birthDate: '1985-10-03',
    serial: 532,
    pain: true,
    medications: [PARACETAMOL],
  },
].map((g) => ({ ...g, address: { line: '9, rue Lohr', city: 'Mersch', postalCode: 'L-7545' } }) as Base);

/** A valid matricule from the birth date, unique among those already seeded (the serial moves on past a taken one). */
function matriculeOf(birthDate: string, serial: number, taken: Set<string>): string {
  const [y, m, d] = birthDate.split('-').map(Number) as [number, number, number];
  for (let s = serial; ; s = (s + 1) % 1000) {
    const matricule = makeMatricule(y, m, d, s);
    if (!taken.has(matricule)) {
      taken.add(matricule);
      return matricule;
    }
  }
}

function spec(
  base: Base,
  organization: string,
  carer: string,
  colleague: string | undefined,
  taken: Set<string>,
): CarePatientSpec {
  return {
    ...base,
    organization,
    carer,
    ...(colleague ? { colleague } : {}),
    matricule: matriculeOf(base.birthDate, base.serial, taken),
    tasks: base.tasks ?? TASKS.slice(0, 2 + (base.serial % 2)),
    goals: base.goals ?? GOALS,
  };
}

export interface DemoCareOptions {
  today: Date;
  /** Matricules already given to seeded patients (kept unique). */
  takenMatricules: Set<string>;
  carePatients: number;
  careDays: number;
}

export function* demoCareRecords(options: DemoCareOptions): Generator<SeedItem> {
  const { today, takenMatricules } = options;
  const days = DEMO_CARE_DAYS;
  // The demo patient exists already (with his episode): only his records.
  const demo = carePatientRecords(
    {
      id: 'demo-patient',
      family: 'Reuter',
      given: 'Jean',
      gender: 'male',
      birthDate: '1966-03-13',
      matricule: '',
      address: { line: '', city: '', postalCode: '' },
      organization: HOMECARE,
      carer: NURSE,
      colleague: NURSE_2,
      episode: DEMO_HOME_CARE_EPISODE,
      pain: true,
      medications: [BISOPROLOL, PARACETAMOL],
      tasks: ['Pansement et surveillance de la cicatrice', 'Surveillance des constantes et de la douleur'],
      goals: ['Cicatrisation sans infection'],
    },
    today,
    days,
  );
  yield* demo.filter((item) => item.resource.resourceType !== 'Patient');
  for (const base of HOME) yield* carePatientRecords(spec(base, HOMECARE, NURSE, NURSE_2, takenMatricules), today, days);
  yield* roundAppointments(
    NURSE,
    DEMO_HOME_PATIENTS.map((id) => `Patient/${id}`),
    today,
  );
  for (const base of RESIDENTS)
    yield* carePatientRecords(spec(base, CAREHOME, CARE_NURSE, CARE_AIDE, takenMatricules), today, days);
  for (const base of GUESTS)
    yield* carePatientRecords(spec(base, DAYCENTRE, DAY_CENTRE_NURSE, undefined, takenMatricules), today, days);

  // The bench: N more residents of the care home, D days each.
  for (let i = 1; i <= options.carePatients; i++) {
    const n = String(i).padStart(6, '0');
    const template = RESIDENTS[i % RESIDENTS.length]!;
    const year = 1925 + (i % 30);
    const birthDate = `${year}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`;
    yield* carePatientRecords(
      spec(
        {
          ...template,
          id: `care-resident-${n}`,
          family: `${template.family}-${n}`,
          birthDate,
          serial: i % 1000,
          wound: undefined,
        },
        CAREHOME,
        CARE_NURSE,
        CARE_AIDE,
        takenMatricules,
      ),
      today,
      options.careDays,
    );
  }
}
