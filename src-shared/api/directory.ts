import { z } from 'zod';
import { ROLES, type Role } from '../domain/roles';
import { defineMethod } from './contract';

const searchInput = z.object({ text: z.string().trim().min(2, 'at least 2 characters').max(100) }).strict();

export const practitionerHit = z.object({
  id: z.string(),
  name: z.string(),
  qualification: z.string().nullable(),
  city: z.string().nullable(),
  /** The role code of their first role (gp, specialist, nurse…), and where they hold it. */
  profession: z.string().nullable(),
  organization: z.string().nullable(),
});

const optionalText = (max: number) => z.string().trim().min(2, 'at least 2 characters').max(max).optional();
/** What the professional directory filters by; at least one criterion. */
export const practitionerCriteria = z
  .object({
    text: optionalText(100),
    profession: z.enum(ROLES.filter((r) => r !== 'patient') as [Role, ...Role[]]).optional(),
    specialty: z
      .string()
      .regex(/^[a-z0-9-]{1,64}$/, 'a specialty code')
      .optional(),
    city: optionalText(100),
    organization: z
      .string()
      .regex(/^[A-Za-z0-9.-]{1,64}$/, 'an organisation id')
      .optional(),
  })
  .strict()
  .refine((c) => Object.values(c).some((v) => v !== undefined), { message: 'at least one criterion', path: ['text'] });
export type PractitionerCriteria = z.infer<typeof practitionerCriteria>;

export const practitionerCard = practitionerHit.extend({
  reference: z.string(),
  address: z.string().nullable(),
  phone: z.string().nullable(),
  roles: z.array(
    z.object({ profession: z.string().nullable(), specialty: z.string().nullable(), organization: z.string().nullable() }),
  ),
  /** The fingerprint of their published messaging key, to compare with what they read out; null if none. */
  keyFingerprint: z.string().nullable(),
});
export type PractitionerCard = z.infer<typeof practitionerCard>;

export const directoryFacets = z.object({
  specialties: z.array(z.object({ code: z.string(), display: z.string() })),
  organizations: z.array(z.object({ id: z.string(), name: z.string(), city: z.string().nullable() })),
});
export type DirectoryFacets = z.infer<typeof directoryFacets>;
export const patientHit = z.object({
  id: z.string(),
  matricule: z.string().nullable(),
  family: z.string().nullable(),
  given: z.string().nullable(),
  birthDate: z.string().nullable(),
});
export type PractitionerHit = z.infer<typeof practitionerHit>;
export type PatientHit = z.infer<typeof patientHit>;

/** Online results come from the platform; offline ones from the cache, and say so. */
const results = <T extends z.ZodType>(hit: T) => z.object({ fromCache: z.boolean(), results: z.array(hit) });

export const directoryMethods = {
  searchPractitioners: defineMethod(practitionerCriteria, results(practitionerHit)),
  /** Choices for the filters (specialties, organisations), from what the cache knows. */
  facets: defineMethod(z.object({}).strict(), directoryFacets),
  practitioner: defineMethod(z.object({ id: z.string().min(1).max(64) }).strict(), practitionerCard),
  searchPatients: defineMethod(searchInput, results(patientHit)),
};
