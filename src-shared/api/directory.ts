import { z } from 'zod';
import { defineMethod } from './contract';

const searchInput = z.object({ text: z.string().trim().min(2, 'at least 2 characters').max(100) }).strict();

export const practitionerHit = z.object({
  id: z.string(),
  name: z.string(),
  qualification: z.string().nullable(),
  city: z.string().nullable(),
});
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
  searchPractitioners: defineMethod(searchInput, results(practitionerHit)),
  searchPatients: defineMethod(searchInput, results(patientHit)),
};
