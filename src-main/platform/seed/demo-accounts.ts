/**
 * One demo account per role, with fixed identifiers and credentials, seeded into every platform
 * data directory (also with `--seed none`). Tests, the README and the login screen's demo hints use them.
 * The one-time code is fixed: this is a mock of LuxTrust, not a second factor.
 */
import type { Role } from '../../../src-shared/domain/roles';

export interface DemoAccount {
  identifier: string;
  password: string;
  otp: string;
  role: Role;
  displayName: string;
  /** The directory record the account stands for. */
  userRef: string;
  /** Organisation the professional works at (none for the patient). */
  organizationId?: string;
  /**
   * The tumour board's physicians (issue 12): their specialty, and their directory records are written by
   * seed/demo-rcp.ts (fixed, without the PRNG) rather than by the generator.
   */
  boardSpecialty?: { code: string; display: string };
  /** Care staff added for IdeoMed (issue 11): their directory records are written by seed/demo-care.ts (fixed, no PRNG). */
  careStaff?: true;
}

const PASSWORD = 'Demo!2025';
const OTP = '123456';

export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  {
    identifier: 'demo.gp',
    password: PASSWORD,
    otp: OTP,
    role: 'gp',
    displayName: 'Dr Claude Weber',
    userRef: 'Practitioner/demo-gp',
    organizationId: 'demo-org-practice',
  },
  {
    identifier: 'demo.specialist',
    password: PASSWORD,
    otp: OTP,
    role: 'specialist',
    displayName: 'Dr Anne Schmit',
    userRef: 'Practitioner/demo-specialist',
    organizationId: 'demo-org-hospital',
  },
  {
    identifier: 'demo.nurse',
    password: PASSWORD,
    otp: OTP,
    role: 'nurse',
    displayName: 'Marie Hoffmann',
    userRef: 'Practitioner/demo-nurse',
    organizationId: 'demo-org-homecare',
  },
  {
    identifier: 'demo.careaide',
    password: PASSWORD,
    otp: OTP,
    role: 'care-aide',
    displayName: 'Luc Wagner',
    userRef: 'Practitioner/demo-care-aide',
    organizationId: 'demo-org-carehome',
  },
  {
    identifier: 'demo.secretary',
    password: PASSWORD,
    otp: OTP,
    role: 'secretary',
    displayName: 'Sophie Muller',
    userRef: 'Practitioner/demo-secretary',
    organizationId: 'demo-org-practice',
  },
  {
    identifier: 'demo.admin',
    password: PASSWORD,
    otp: OTP,
    role: 'facility-admin',
    displayName: 'Paul Thill',
    userRef: 'Practitioner/demo-facility-admin',
    organizationId: 'demo-org-daycentre',
  },
  {
    identifier: 'demo.patient',
    password: PASSWORD,
    otp: OTP,
    role: 'patient',
    displayName: 'Jean Reuter',
    userRef: 'Patient/demo-patient',
  },
  {
    // A second patient: what one patient may not see of another's records (DSP rule 5) is shown with two.
    identifier: 'demo.patient2',
    password: PASSWORD,
    otp: OTP,
    role: 'patient',
    displayName: 'Nathalie Weis',
    userRef: 'Patient/demo-patient-2',
  },
  {
    // The platform's editor of the public document library (issue 13): publishes, cares for no one.
    identifier: 'demo.editor',
    password: PASSWORD,
    otp: OTP,
    role: 'facility-admin',
    displayName: 'Elise Klein',
    userRef: 'Practitioner/demo-library-editor',
  },
  // The tumour board (IdeoRCP): an oncologist, a pathologist, a surgeon and a radiologist at the CHL.
  {
    identifier: 'demo.oncologist',
    password: PASSWORD,
    otp: OTP,
    role: 'specialist',
    displayName: 'Dr Hélène Kremer',
    userRef: 'Practitioner/demo-oncologist',
    organizationId: 'demo-org-hospital',
    boardSpecialty: { code: 'oncology', display: 'Oncologie' },
  },
  {
    identifier: 'demo.pathologist',
    password: PASSWORD,
    otp: OTP,
    role: 'specialist',
    displayName: 'Dr Marc Feltgen',
    userRef: 'Practitioner/demo-pathologist',
    organizationId: 'demo-org-hospital',
    boardSpecialty: { code: 'pathology', display: 'Anatomie pathologique' },
  },
  {
    identifier: 'demo.surgeon',
    password: PASSWORD,
    otp: OTP,
    role: 'specialist',
    displayName: 'Dr Tom Schroeder',
    userRef: 'Practitioner/demo-surgeon',
    organizationId: 'demo-org-hospital',
    boardSpecialty: { code: 'surgery', display: 'Chirurgie thoracique' },
  },
  {
    identifier: 'demo.radiologist',
    password: PASSWORD,
    otp: OTP,
    role: 'specialist',
    displayName: 'Dr Lea Hansen',
    userRef: 'Practitioner/demo-radiologist',
    organizationId: 'demo-org-hospital',
    boardSpecialty: { code: 'radiology', display: 'Radiologie' },
  },
  // IdeoMed (issue 11): the demo nurse's colleague in the home-care network, its planner (no care mandate: the
  // schedule only), and a nurse of the care home beside demo.careaide.
  {
    // The nurse colleague of the service mailbox (generate.ts writes her records), now with a login.
    identifier: 'demo.nurse2',
    password: PASSWORD,
    otp: OTP,
    role: 'nurse',
    displayName: 'Sandra Kremer',
    userRef: 'Practitioner/demo-nurse-2',
    organizationId: 'demo-org-homecare',
    careStaff: true,
  },
  {
    identifier: 'demo.planner',
    password: PASSWORD,
    otp: OTP,
    role: 'secretary',
    displayName: 'Julie Majerus',
    userRef: 'Practitioner/demo-planner',
    organizationId: 'demo-org-homecare',
    careStaff: true,
  },
  {
    identifier: 'demo.carenurse',
    password: PASSWORD,
    otp: OTP,
    role: 'nurse',
    displayName: 'Anne Goedert',
    userRef: 'Practitioner/demo-care-nurse',
    organizationId: 'demo-org-carehome',
    careStaff: true,
  },
];

/** Matricule of the demo patient (born 1966-03-13); a valid test vector of shared/testdata/matricules.json. */
export const DEMO_PATIENT_MATRICULE = '1966031366602';
/** Matricule of the second demo patient (born 1989-04-02); also a valid vector of the test data. */
export const DEMO_PATIENT_2_MATRICULE = '1989040208824';

/** The first demo account of a role (demo.patient for 'patient'). */
export function demoAccount(role: Role): DemoAccount {
  const account = DEMO_ACCOUNTS.find((a) => a.role === role);
  if (!account) throw new Error(`no demo account for role ${role}`);
  return account;
}
