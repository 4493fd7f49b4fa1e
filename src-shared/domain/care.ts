/**
 * The wire vocabulary of care records (IdeoMed, ARCHITECTURE §5, issue 11), shared by the client core and the
 * platform: code systems and extensions (care-codes), vital signs with their LOINC codes, UCUM units,
 * plausible limits and normal ranges (care-vitals), the medication plan and round — dose expansion in
 * Europe/Luxembourg time, deterministic dose ids, outcomes, reasons, the second-person check
 * (care-medication, care-time) — and nursing notes, wounds and the handover (care-records).
 *
 * `careRecordProblems` is the one check both sides run on a care record before it is written: the client to
 * word the refusal in the user's language before queueing, the platform to refuse it (4xx naming the field and
 * the rule) whoever sends it.
 */
import type { FhirResource, MedicationAdministration, Observation } from 'fhir/r4';
import type { CareProblem } from './care-codes';
import { administrationProblems } from './care-medication';
import { nursingNoteProblems, woundAssessmentProblems } from './care-records';
import { vitalSignProblems } from './care-vitals';

export * from './care-codes';
export * from './care-time';
export * from './care-vitals';
export * from './care-medication';
export * from './care-records';

/** The rules a care record breaks on its own (the platform adds those needing other records: the prescription). */
export function careRecordProblems(resource: FhirResource): CareProblem[] {
  switch (resource.resourceType) {
    case 'Observation': {
      const observation = resource as Observation;
      return [...vitalSignProblems(observation), ...nursingNoteProblems(observation), ...woundAssessmentProblems(observation)];
    }
    case 'MedicationAdministration':
      return administrationProblems(resource as MedicationAdministration);
    default:
      return [];
  }
}

/**
 * Care records that state a fact once recorded (a measure, a dose, a note): a new version corrects it and must
 * say why (CORRECTION_REASON_URL). Plans (CarePlan, Goal, Task, MedicationRequest…) change as work goes on.
 */
export const RECORDED_FACT_TYPES = ['Observation', 'MedicationAdministration', 'Procedure'] as const;
