/**
 * Code systems and extension URLs of care records (IdeoMed, ARCHITECTURE §5), and the shape of a broken rule.
 * Both the platform (which refuses) and the client (which checks before queueing, and words the refusal in the
 * user's language) read them from here.
 */
import type { CodeableConcept, Coding, Extension } from 'fhir/r4';

export { LOINC_SYSTEM } from './dsp';
export const UCUM_SYSTEM = 'http://unitsofmeasure.org';
export const SNOMED_SYSTEM = 'http://snomed.info/sct';
/** Observation.category of a vital sign (the FHIR vital-signs profile requires it). */
export const OBSERVATION_CATEGORY_SYSTEM = 'http://terminology.hl7.org/CodeSystem/observation-category';
export const VITAL_SIGNS_CATEGORY: Coding = { system: OBSERVATION_CATEGORY_SYSTEM, code: 'vital-signs', display: 'Vital Signs' };
/** Observation.interpretation: L (below the normal range), N, H (above). */
export const INTERPRETATION_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation';
/** MedicationAdministration.performer.function: performer | verifier | witness. */
export const ADMINISTRATION_PERFORMER_FUNCTION_SYSTEM = 'http://terminology.hl7.org/CodeSystem/med-admin-perform-function';

/** Our own codes where no standard one fits: the kind of a care record (nursing note, handover, wound…). */
export const CARE_RECORD_SYSTEM = 'https://esante.lu/fhir/CodeSystem/care-record';
/** Why a dose was not given (MedicationAdministration.statusReason). */
export const DOSE_REASON_SYSTEM = 'https://esante.lu/fhir/CodeSystem/dose-not-given-reason';
/** The outcome of a scheduled dose (given | held | refused | missed). */
export const DOSE_OUTCOME_SYSTEM = 'https://esante.lu/fhir/CodeSystem/dose-outcome';
/** Stage of a pressure injury (NPIAP): 1 | 2 | 3 | 4 | unstageable | deep-tissue. */
export const WOUND_STAGE_SYSTEM = 'https://esante.lu/fhir/CodeSystem/wound-stage';

/** MedicationAdministration extension (valueCode, DOSE_OUTCOME_SYSTEM): given | held | refused | missed. */
export const DOSE_OUTCOME_URL = 'https://esante.lu/fhir/StructureDefinition/dose-outcome';
/** MedicationAdministration extension (valueDateTime, UTC, whole minutes): the scheduled instant of the dose. */
export const DOSE_SCHEDULED_AT_URL = 'https://esante.lu/fhir/StructureDefinition/dose-scheduled-at';
/**
 * Extension on a MedicationAdministration.performer whose function is `verifier` (valueCode): `asserted` (the
 * performer says a second person checked) or `countersigned` (the second person confirmed it themselves).
 */
export const SECOND_CHECK_URL = 'https://esante.lu/fhir/StructureDefinition/second-check';
/**
 * Extension on any care record (valueString): why this version corrects the one before. A care record is
 * corrected by a new version carrying its reason, never erased.
 */
export const CORRECTION_REASON_URL = 'https://esante.lu/fhir/StructureDefinition/correction-reason';

/** A care rule a record breaks: the element (FHIRPath-like, e.g. `Observation.valueQuantity.code`) and the rule. */
export interface CareProblem {
  field: string;
  /** A stable code the UI translates (see CARE_RULES). */
  rule: CareRule;
  /** English, for the platform's OperationOutcome and logs; the UI words it from `rule` and `params`. */
  message: string;
  params?: Record<string, string | number>;
}

/** Every rule a care record can break, so the client can word each in French, German and English. */
export const CARE_RULES = [
  'vital-code', // an Observation of the vital-signs category without a known vital-sign code
  'ucum-unit', // the unit is not the UCUM code of that vital sign (e.g. mmHG for mm[Hg])
  'value-required', // no value (and no dataAbsentReason)
  'plausible-range', // a value no living patient has (SpO2 120 %, temperature 60 °C): refused
  'bp-components', // a blood pressure panel without both its systolic and diastolic components
  'bp-order', // systolic not above diastolic
  'integer-score', // a pain score that is not a whole number 0–10
  'dose-outcome', // no or unknown outcome, or a status that contradicts it
  'reason-required', // held, refused or missed without a reason
  'dose-id', // the administration's id is not the deterministic id of its dose
  'dose-scheduled-at', // no scheduled instant, or one the prescription's timing does not produce
  'dose-request', // no MedicationRequest named
  'prescription-not-active', // a dose for a stopped (cancelled, completed…) prescription
  'second-check', // a countersignature not written by the second person, or a check without a person
  'already-recorded', // a second record of the same dose (another nurse's, offline): a conflict, never a second dose
  'correction-reason', // a new version of a recorded fact without its reason
  'no-deletion', // care records are corrected, never erased
  'timing', // a timing the schedule cannot expand
  'wound-size', // a wound dimension not in cm, or out of range
  'note-content', // a nursing note with no text
] as const;
export type CareRule = (typeof CARE_RULES)[number];

export function problem(field: string, rule: CareRule, message: string, params?: CareProblem['params']): CareProblem {
  return params ? { field, rule, message, params } : { field, rule, message };
}

export function hasCoding(concept: CodeableConcept | undefined, system: string, code: string): boolean {
  return concept?.coding?.some((c) => c.system === system && c.code === code) ?? false;
}

export function codeIn(concept: CodeableConcept | undefined, system: string): string | undefined {
  return concept?.coding?.find((c) => c.system === system && typeof c.code === 'string')?.code;
}

export function extensionOf(extensions: Extension[] | undefined, url: string): Extension | undefined {
  return extensions?.find((e) => e.url === url);
}

/** The reason a version corrects the previous one, if it says. */
export function correctionReasonOf(resource: { extension?: Extension[] }): string | undefined {
  const value = extensionOf(resource.extension, CORRECTION_REASON_URL)?.valueString?.trim();
  return value ? value : undefined;
}

/** The care record with its correction reason set (replacing an earlier one). */
export function withCorrectionReason<T extends { extension?: Extension[] }>(resource: T, reason: string): T {
  const others = (resource.extension ?? []).filter((e) => e.url !== CORRECTION_REASON_URL);
  return { ...resource, extension: [...others, { url: CORRECTION_REASON_URL, valueString: reason }] };
}
