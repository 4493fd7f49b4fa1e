/**
 * Nursing notes, wounds and the shift handover as FHIR R4 Observations (Observation is the care record a
 * nurse writes; DocumentReference belongs to the DSP), and their pure readers.
 *
 * - Nursing note: Observation, code LOINC 34746-8 "Nurse Note" plus CARE_RECORD_SYSTEM `nursing-note`; free text
 *   in valueString, or structured SOAP as four components (CARE_RECORD_SYSTEM subjective | objective |
 *   assessment | plan, valueString each).
 * - Wound: a Condition (category CARE_RECORD_SYSTEM `wound`, bodySite) that lives while the wound does; each
 *   assessment an Observation (code CARE_RECORD_SYSTEM `wound-assessment`, `focus` the Condition) with length,
 *   width, depth (LOINC 39126-8, 39125-0, 39127-6, cm), the stage (WOUND_STAGE_SYSTEM) and the photos
 *   (`derivedFrom` Media or Binary), so the evolution is the series of assessments.
 * - Handover: Observation code CARE_RECORD_SYSTEM `handover`, valueString the words handed over, `hasMember`
 *   the records it hands over; its effective time opens the next handover's window.
 */
import type { Condition, Observation, Reference, Task } from 'fhir/r4';
import {
  CARE_RECORD_SYSTEM,
  LOINC_SYSTEM,
  UCUM_SYSTEM,
  WOUND_STAGE_SYSTEM,
  codeIn,
  hasCoding,
  problem,
  type CareProblem,
} from './care-codes';
import { readVitalSign } from './care-vitals';

// ── Nursing notes ──

export const NURSE_NOTE_LOINC = '34746-8';
export const SOAP_PARTS = ['subjective', 'objective', 'assessment', 'plan'] as const;
export type SoapPart = (typeof SOAP_PARTS)[number];

export type NursingNoteContent = { kind: 'free'; text: string } | { kind: 'soap'; parts: Partial<Record<SoapPart, string>> };

export function isNursingNote(observation: Pick<Observation, 'code'>): boolean {
  return (
    hasCoding(observation.code, CARE_RECORD_SYSTEM, 'nursing-note') || hasCoding(observation.code, LOINC_SYSTEM, NURSE_NOTE_LOINC)
  );
}

export interface RecordInput {
  patient: string;
  effective: string;
  author: string; // Practitioner/<id>
  id?: string;
  encounter?: string;
}

function base(input: RecordInput): Omit<Observation, 'code'> {
  return {
    resourceType: 'Observation',
    ...(input.id ? { id: input.id } : {}),
    status: 'final',
    subject: { reference: input.patient },
    effectiveDateTime: input.effective,
    performer: [{ reference: input.author }],
    ...(input.encounter ? { encounter: { reference: input.encounter } } : {}),
  };
}

export function nursingNoteObservation(input: RecordInput, content: NursingNoteContent): Observation {
  const code = {
    coding: [
      { system: LOINC_SYSTEM, code: NURSE_NOTE_LOINC, display: 'Nurse Note' },
      { system: CARE_RECORD_SYSTEM, code: 'nursing-note' },
    ],
    text: 'Nursing note',
  };
  if (content.kind === 'free') return { ...base(input), code, valueString: content.text };
  return {
    ...base(input),
    code,
    component: SOAP_PARTS.filter((part) => content.parts[part]?.trim()).map((part) => ({
      code: { coding: [{ system: CARE_RECORD_SYSTEM, code: part }] },
      valueString: content.parts[part]!,
    })),
  };
}

export function nursingNoteOf(observation: Observation): NursingNoteContent | undefined {
  if (!isNursingNote(observation)) return undefined;
  if (observation.component?.length) {
    const parts: Partial<Record<SoapPart, string>> = {};
    for (const component of observation.component) {
      const part = codeIn(component.code, CARE_RECORD_SYSTEM);
      if ((SOAP_PARTS as readonly string[]).includes(part ?? '') && component.valueString)
        parts[part as SoapPart] = component.valueString;
    }
    return { kind: 'soap', parts };
  }
  return { kind: 'free', text: observation.valueString ?? '' };
}

export function nursingNoteProblems(observation: Observation): CareProblem[] {
  const content = nursingNoteOf(observation);
  if (!content) return [];
  const empty = content.kind === 'free' ? !content.text.trim() : !Object.values(content.parts).some((t) => t?.trim());
  return empty
    ? [
        problem(
          'Observation.valueString',
          'note-content',
          'Observation.valueString: a nursing note needs text (free, or one of S, O, A, P)',
        ),
      ]
    : [];
}

// ── Wounds ──

export const WOUND_STAGES = ['1', '2', '3', '4', 'unstageable', 'deep-tissue'] as const;
export type WoundStage = (typeof WOUND_STAGES)[number];
export const WOUND_DIMENSIONS = {
  length: { loinc: '39126-8', display: 'Length of Wound' },
  width: { loinc: '39125-0', display: 'Width of Wound' },
  depth: { loinc: '39127-6', display: 'Depth of Wound' },
} as const;
export type WoundDimension = keyof typeof WOUND_DIMENSIONS;
/** A wound dimension beyond this many centimetres is a typing error. */
export const MAX_WOUND_CM = 100;

export function isWound(condition: Pick<Condition, 'category'>): boolean {
  return condition.category?.some((c) => hasCoding(c, CARE_RECORD_SYSTEM, 'wound')) ?? false;
}

export function isWoundAssessment(observation: Pick<Observation, 'code'>): boolean {
  return hasCoding(observation.code, CARE_RECORD_SYSTEM, 'wound-assessment');
}

export function woundCondition(input: {
  patient: string;
  id?: string;
  onset: string;
  bodySite: string;
  description: string;
}): Condition {
  return {
    resourceType: 'Condition',
    ...(input.id ? { id: input.id } : {}),
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
    category: [{ coding: [{ system: CARE_RECORD_SYSTEM, code: 'wound', display: 'Wound' }] }],
    code: { text: input.description },
    bodySite: [{ text: input.bodySite }],
    subject: { reference: input.patient },
    onsetDateTime: input.onset,
  };
}

export interface WoundAssessment {
  /** Condition/<id> of the wound. */
  wound: string | undefined;
  effective: string | undefined;
  size: Partial<Record<WoundDimension, number>>;
  stage: WoundStage | undefined;
  /** Media/… or Binary/… references of the photos. */
  photos: string[];
}

export function woundAssessmentObservation(
  input: RecordInput & { wound: string },
  assessment: { size: Partial<Record<WoundDimension, number>>; stage?: WoundStage; photos?: string[]; note?: string },
): Observation {
  const dims = (Object.keys(WOUND_DIMENSIONS) as WoundDimension[]).filter((d) => assessment.size[d] !== undefined);
  return {
    ...base(input),
    code: {
      coding: [{ system: CARE_RECORD_SYSTEM, code: 'wound-assessment', display: 'Wound assessment' }],
      text: 'Wound assessment',
    },
    focus: [{ reference: input.wound }],
    component: [
      ...dims.map((d) => ({
        code: { coding: [{ system: LOINC_SYSTEM, code: WOUND_DIMENSIONS[d].loinc, display: WOUND_DIMENSIONS[d].display }] },
        valueQuantity: { value: assessment.size[d]!, unit: 'cm', system: UCUM_SYSTEM, code: 'cm' },
      })),
      ...(assessment.stage
        ? [
            {
              code: { coding: [{ system: CARE_RECORD_SYSTEM, code: 'wound-stage' }] },
              valueCodeableConcept: { coding: [{ system: WOUND_STAGE_SYSTEM, code: assessment.stage }] },
            },
          ]
        : []),
    ],
    ...(assessment.photos?.length ? { derivedFrom: assessment.photos.map((reference): Reference => ({ reference })) } : {}),
    ...(assessment.note ? { note: [{ text: assessment.note }] } : {}),
  };
}

export function woundAssessmentOf(observation: Observation): WoundAssessment | undefined {
  if (!isWoundAssessment(observation)) return undefined;
  const size: Partial<Record<WoundDimension, number>> = {};
  let stage: WoundStage | undefined;
  for (const component of observation.component ?? []) {
    for (const d of Object.keys(WOUND_DIMENSIONS) as WoundDimension[]) {
      if (
        hasCoding(component.code, LOINC_SYSTEM, WOUND_DIMENSIONS[d].loinc) &&
        typeof component.valueQuantity?.value === 'number'
      )
        size[d] = component.valueQuantity.value;
    }
    if (hasCoding(component.code, CARE_RECORD_SYSTEM, 'wound-stage')) {
      const code = codeIn(component.valueCodeableConcept, WOUND_STAGE_SYSTEM);
      if ((WOUND_STAGES as readonly string[]).includes(code ?? '')) stage = code as WoundStage;
    }
  }
  return {
    wound: observation.focus?.[0]?.reference,
    effective: observation.effectiveDateTime,
    size,
    stage,
    photos: (observation.derivedFrom ?? []).flatMap((r) => (r.reference ? [r.reference] : [])),
  };
}

export function woundAssessmentProblems(observation: Observation): CareProblem[] {
  if (!isWoundAssessment(observation)) return [];
  const problems: CareProblem[] = [];
  (observation.component ?? []).forEach((component, i) => {
    const dimension = (Object.keys(WOUND_DIMENSIONS) as WoundDimension[]).find((d) =>
      hasCoding(component.code, LOINC_SYSTEM, WOUND_DIMENSIONS[d].loinc),
    );
    if (!dimension) return;
    const q = component.valueQuantity;
    const field = `Observation.component[${i}].valueQuantity`;
    if (q?.code !== 'cm' || q.system !== UCUM_SYSTEM)
      problems.push(
        problem(`${field}.code`, 'wound-size', `${field}.code: a wound's ${dimension} is in UCUM "cm"`, { dimension }),
      );
    else if (typeof q.value !== 'number' || q.value < 0 || q.value > MAX_WOUND_CM)
      problems.push(
        problem(`${field}.value`, 'wound-size', `${field}.value: a wound's ${dimension} is 0–${MAX_WOUND_CM} cm`, {
          dimension,
          max: MAX_WOUND_CM,
        }),
      );
  });
  if (!observation.focus?.some((f) => f.reference?.startsWith('Condition/')))
    problems.push(
      problem('Observation.focus', 'wound-size', 'Observation.focus: a wound assessment names its wound (Condition)'),
    );
  return problems;
}

/** The largest wound photo the platform accepts (a phone photo, EXIF stripped, is far smaller). */
export const MAX_CARE_PHOTO_BYTES = 10 * 1024 * 1024;

// ── Handover ──

export function isHandover(observation: Pick<Observation, 'code'>): boolean {
  return hasCoding(observation.code, CARE_RECORD_SYSTEM, 'handover');
}

/**
 * The handover of one patient, as a record the colleagues caring for them receive (one per patient, so the care
 * relationship governs it like any care record). `words` may be empty: the handed-over records say it.
 */
export function handoverObservation(input: RecordInput, words: string, handedOver: string[]): Observation {
  return {
    ...base(input),
    code: { coding: [{ system: CARE_RECORD_SYSTEM, code: 'handover', display: 'Shift handover' }], text: 'Shift handover' },
    ...(words.trim() ? { valueString: words.trim() } : {}),
    ...(handedOver.length ? { hasMember: handedOver.map((reference) => ({ reference })) } : {}),
  };
}

/** The instant the last handover of these was made (the start of the next one's window), if any. */
export function lastHandoverAt(observations: readonly Observation[]): string | undefined {
  return observations
    .filter(isHandover)
    .map((o) => o.effectiveDateTime)
    .filter((t): t is string => typeof t === 'string')
    .sort((a, b) => Date.parse(a) - Date.parse(b))
    .at(-1);
}

export interface HandoverContents {
  /** Tasks not yet done (requested, accepted, in progress, on hold…). */
  openTasks: Task[];
  /** Vital signs since the last handover with a value outside its normal range. */
  abnormal: Observation[];
  /** Nursing notes since the last handover. */
  notes: Observation[];
}

const CLOSED_TASK = new Set(['completed', 'cancelled', 'failed', 'entered-in-error', 'rejected']);

/** What a handover passes on: open tasks, abnormal values and notes since `since` (the last handover; all when undefined). */
export function handoverContents(
  records: { tasks: readonly Task[]; observations: readonly Observation[] },
  since?: string,
): HandoverContents {
  const after = since === undefined ? -Infinity : Date.parse(since);
  const recent = records.observations.filter((o) => {
    const at = o.effectiveDateTime ?? o.effectivePeriod?.start;
    return at !== undefined && Date.parse(at) > after && o.status !== 'entered-in-error';
  });
  const byTime = (a: Observation, b: Observation) => (a.effectiveDateTime ?? '').localeCompare(b.effectiveDateTime ?? '');
  return {
    openTasks: records.tasks.filter((t) => !CLOSED_TASK.has(t.status)),
    abnormal: recent.filter((o) => readVitalSign(o)?.readings.some((r) => r.flag === 'H' || r.flag === 'L')).sort(byTime),
    notes: recent.filter(isNursingNote).sort(byTime),
  };
}
