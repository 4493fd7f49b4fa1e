/** Professional and patient roles known to the platform (ARCHITECTURE §5). */
export const ROLES = [
  'gp', // médecin généraliste
  'specialist',
  'nurse',
  'care-aide',
  'secretary', // no care mandate: nothing of the DSP or of care records (schedules only)
  'facility-admin', // no care mandate: nothing of the DSP or of care records (schedules only)
  'patient', // DSP holder, used by the patient simulator
] as const;

export type Role = (typeof ROLES)[number];

/** Roles that hold a care mandate and may read clinical content when the access rules allow. */
export const CARE_ROLES: readonly Role[] = ['gp', 'specialist', 'nurse', 'care-aide'];

export function hasCareMandate(role: Role): boolean {
  return CARE_ROLES.includes(role);
}
