/**
 * Vital signs as the FHIR R4 vital-signs profile writes them: a LOINC code, a UCUM unit, the
 * `vital-signs` category; blood pressure as a panel with its systolic and diastolic components.
 *
 * Two kinds of limit per measure: `plausible` (outside it, the value is a typing error or a broken
 * device — no living patient has an SpO2 of 120 % or a temperature of 60 °C — and the record is refused)
 * and `normal` (outside it, the value is recorded and flagged L or H, and the chart shades the range).
 */
import type { Observation, ObservationComponent, Quantity, Reference } from 'fhir/r4';
import {
  INTERPRETATION_SYSTEM,
  LOINC_SYSTEM,
  OBSERVATION_CATEGORY_SYSTEM,
  UCUM_SYSTEM,
  VITAL_SIGNS_CATEGORY,
  hasCoding,
  problem,
  type CareProblem,
} from './care-codes';

export const VITAL_KINDS = [
  'temperature',
  'blood-pressure',
  'pulse',
  'respiratory-rate',
  'spo2',
  'weight',
  'pain',
  'glucose',
] as const;
export type VitalKind = (typeof VITAL_KINDS)[number];

export const VITAL_MEASURE_IDS = [
  'temperature',
  'systolic',
  'diastolic',
  'pulse',
  'respiratory-rate',
  'spo2',
  'weight',
  'pain',
  'glucose-mass',
  'glucose-molar',
] as const;
export type VitalMeasureId = (typeof VITAL_MEASURE_IDS)[number];

export interface Range {
  min: number;
  max: number;
}

export interface VitalMeasure {
  id: VitalMeasureId;
  kind: VitalKind;
  /** The LOINC code written (and read). */
  loinc: string;
  /** Further LOINC codes read as this measure (written alongside `loinc` when `writeBoth`). */
  alsoLoinc?: string[];
  display: string;
  /** The UCUM code, exactly (case matters: `mm[Hg]`, never `mmHG`). */
  unit: string;
  /** How the unit is shown. */
  unitLabel: string;
  /** Outside: refused (rule `plausible-range`). */
  plausible: Range;
  /** Outside: flagged L or H. Weight has none (it is judged by its trend). */
  normal?: { low: number; high: number };
  /** Decimals worth entering and showing. */
  decimals: number;
  integer?: boolean;
}

const m = (measure: VitalMeasure) => measure;

/** Every measure, by id. LOINC codes as in the FHIR R4 vital-signs profile. */
export const VITAL_MEASURES: Record<VitalMeasureId, VitalMeasure> = {
  temperature: m({
    id: 'temperature',
    kind: 'temperature',
    loinc: '8310-5',
    display: 'Body temperature',
    unit: 'Cel',
    unitLabel: '°C',
    plausible: { min: 25, max: 45 },
    normal: { low: 36, high: 37.5 },
    decimals: 1,
  }),
  systolic: m({
    id: 'systolic',
    kind: 'blood-pressure',
    loinc: '8480-6',
    display: 'Systolic blood pressure',
    unit: 'mm[Hg]',
    unitLabel: 'mmHg',
    plausible: { min: 40, max: 300 },
    normal: { low: 90, high: 140 },
    decimals: 0,
  }),
  diastolic: m({
    id: 'diastolic',
    kind: 'blood-pressure',
    loinc: '8462-4',
    display: 'Diastolic blood pressure',
    unit: 'mm[Hg]',
    unitLabel: 'mmHg',
    plausible: { min: 20, max: 200 },
    normal: { low: 60, high: 90 },
    decimals: 0,
  }),
  pulse: m({
    id: 'pulse',
    kind: 'pulse',
    loinc: '8867-4',
    display: 'Heart rate',
    unit: '/min',
    unitLabel: '/min',
    plausible: { min: 20, max: 250 },
    normal: { low: 60, high: 100 },
    decimals: 0,
  }),
  'respiratory-rate': m({
    id: 'respiratory-rate',
    kind: 'respiratory-rate',
    loinc: '9279-1',
    display: 'Respiratory rate',
    unit: '/min',
    unitLabel: '/min',
    plausible: { min: 3, max: 80 },
    normal: { low: 12, high: 20 },
    decimals: 0,
  }),
  spo2: m({
    id: 'spo2',
    kind: 'spo2',
    // Pulse oximetry; the profile asks for 2708-6 beside it, so both are written and either is read.
    loinc: '59408-5',
    alsoLoinc: ['2708-6'],
    display: 'Oxygen saturation in Arterial blood by Pulse oximetry',
    unit: '%',
    unitLabel: '%',
    plausible: { min: 50, max: 100 },
    normal: { low: 95, high: 100 },
    decimals: 0,
  }),
  weight: m({
    id: 'weight',
    kind: 'weight',
    loinc: '29463-7',
    display: 'Body weight',
    unit: 'kg',
    unitLabel: 'kg',
    plausible: { min: 0.5, max: 400 },
    decimals: 1,
  }),
  pain: m({
    id: 'pain',
    kind: 'pain',
    loinc: '72514-3',
    display: 'Pain severity - 0-10 verbal numeric rating [Score] - Reported',
    unit: '{score}',
    unitLabel: '/10',
    plausible: { min: 0, max: 10 },
    normal: { low: 0, high: 3 },
    decimals: 0,
    integer: true,
  }),
  'glucose-mass': m({
    id: 'glucose-mass',
    kind: 'glucose',
    loinc: '41653-7',
    display: 'Glucose [Mass/volume] in Capillary blood by Glucometer',
    unit: 'mg/dL',
    unitLabel: 'mg/dL',
    plausible: { min: 10, max: 1000 },
    normal: { low: 70, high: 180 },
    decimals: 0,
  }),
  'glucose-molar': m({
    id: 'glucose-molar',
    kind: 'glucose',
    loinc: '14743-9',
    display: 'Glucose [Moles/volume] in Capillary blood by Glucometer',
    unit: 'mmol/L',
    unitLabel: 'mmol/L',
    plausible: { min: 0.5, max: 55 },
    normal: { low: 3.9, high: 10 },
    decimals: 1,
  }),
};

/** The blood pressure panel (its value is in its two components). */
export const BLOOD_PRESSURE_PANEL = { loinc: '85354-9', display: 'Blood pressure panel with all children optional' } as const;

/** The measures a kind records (blood pressure: two; glucose: one of two units). */
export const MEASURES_OF_KIND: Record<VitalKind, VitalMeasureId[]> = {
  temperature: ['temperature'],
  'blood-pressure': ['systolic', 'diastolic'],
  pulse: ['pulse'],
  'respiratory-rate': ['respiratory-rate'],
  spo2: ['spo2'],
  weight: ['weight'],
  pain: ['pain'],
  glucose: ['glucose-mass', 'glucose-molar'],
};

const SINGLE_MEASURES = VITAL_MEASURE_IDS.filter((id) => id !== 'systolic' && id !== 'diastolic').map((id) => VITAL_MEASURES[id]);

function loincCodes(concept: { coding?: { system?: string; code?: string }[] } | undefined): string[] {
  return (concept?.coding ?? []).filter((c) => c.system === LOINC_SYSTEM && typeof c.code === 'string').map((c) => c.code!);
}

function measureByCode(codes: string[], candidates: VitalMeasure[]): VitalMeasure | undefined {
  return candidates.find((measure) => codes.includes(measure.loinc) || measure.alsoLoinc?.some((c) => codes.includes(c)));
}

/** What an Observation records, read from its LOINC code: a vital-sign kind, or undefined for anything else. */
export function vitalKindOf(observation: Pick<Observation, 'code'>): VitalKind | undefined {
  const codes = loincCodes(observation.code);
  if (codes.includes(BLOOD_PRESSURE_PANEL.loinc)) return 'blood-pressure';
  return measureByCode(codes, SINGLE_MEASURES)?.kind;
}

export function isVitalSignsCategory(observation: Pick<Observation, 'category'>): boolean {
  return observation.category?.some((c) => hasCoding(c, OBSERVATION_CATEGORY_SYSTEM, 'vital-signs')) ?? false;
}

export type VitalFlag = 'L' | 'N' | 'H';

/** L, N or H against the measure's normal range (undefined when the measure has none). */
export function flagOf(measure: VitalMeasure, value: number): VitalFlag | undefined {
  if (!measure.normal) return undefined;
  if (value < measure.normal.low) return 'L';
  if (value > measure.normal.high) return 'H';
  return 'N';
}

function quantityProblems(quantity: Quantity | undefined, measure: VitalMeasure, field: string): CareProblem[] {
  if (quantity === undefined || typeof quantity.value !== 'number' || !Number.isFinite(quantity.value))
    return [problem(`${field}.value`, 'value-required', `${field}.value: ${measure.display} needs a numeric value`)];
  const problems: CareProblem[] = [];
  if (quantity.code !== measure.unit)
    problems.push(
      problem(
        `${field}.code`,
        'ucum-unit',
        `${field}.code: "${quantity.code ?? ''}" is not the UCUM unit of ${measure.display} (expected "${measure.unit}")`,
        { unit: quantity.code ?? '', expected: measure.unit },
      ),
    );
  else if (quantity.system !== UCUM_SYSTEM)
    problems.push(
      problem(`${field}.system`, 'ucum-unit', `${field}.system: a vital sign's unit is a UCUM code (system ${UCUM_SYSTEM})`, {
        unit: quantity.code,
        expected: measure.unit,
      }),
    );
  const value = quantity.value;
  if (measure.integer && !Number.isInteger(value))
    problems.push(
      problem(`${field}.value`, 'integer-score', `${field}.value: ${measure.display} is a whole number from 0 to 10`, { value }),
    );
  if (value < measure.plausible.min || value > measure.plausible.max)
    problems.push(
      problem(
        `${field}.value`,
        'plausible-range',
        `${field}.value: ${value} ${measure.unitLabel} is not a plausible ${measure.display} (${measure.plausible.min}–${measure.plausible.max} ${measure.unitLabel})`,
        { value, min: measure.plausible.min, max: measure.plausible.max, unit: measure.unitLabel, measure: measure.id },
      ),
    );
  return problems;
}

/**
 * The rules a vital-sign Observation breaks (none for an Observation that is not a vital sign: notes and
 * wounds have their own). A record that only states why the value is absent (`dataAbsentReason`) passes.
 */
export function vitalSignProblems(observation: Observation): CareProblem[] {
  const kind = vitalKindOf(observation);
  if (!kind) {
    return isVitalSignsCategory(observation)
      ? [
          problem(
            'Observation.code',
            'vital-code',
            'Observation.code: a vital sign needs its LOINC code (temperature 8310-5, blood pressure 85354-9, pulse 8867-4, …)',
          ),
        ]
      : [];
  }
  if (observation.dataAbsentReason && observation.valueQuantity === undefined && !observation.component?.length) return [];
  if (kind === 'blood-pressure') return bloodPressureProblems(observation);
  const measure = measureByCode(loincCodes(observation.code), SINGLE_MEASURES)!;
  return quantityProblems(observation.valueQuantity, measure, 'Observation.valueQuantity');
}

function bloodPressureProblems(observation: Observation): CareProblem[] {
  const components = observation.component ?? [];
  const index = (measure: VitalMeasure) =>
    components.findIndex((c) => measureByCode(loincCodes(c.code), [measure]) !== undefined);
  const systolic = index(VITAL_MEASURES.systolic);
  const diastolic = index(VITAL_MEASURES.diastolic);
  if (systolic < 0 || diastolic < 0) {
    const missing = [systolic < 0 ? 'systolic (8480-6)' : undefined, diastolic < 0 ? 'diastolic (8462-4)' : undefined].filter(
      Boolean,
    );
    return [
      problem(
        'Observation.component',
        'bp-components',
        `Observation.component: a blood pressure panel needs its systolic and diastolic components (missing ${missing.join(' and ')})`,
        { missing: missing.join(', ') },
      ),
    ];
  }
  const problems = [
    ...quantityProblems(
      components[systolic]!.valueQuantity,
      VITAL_MEASURES.systolic,
      `Observation.component[${systolic}].valueQuantity`,
    ),
    ...quantityProblems(
      components[diastolic]!.valueQuantity,
      VITAL_MEASURES.diastolic,
      `Observation.component[${diastolic}].valueQuantity`,
    ),
  ];
  const high = components[systolic]!.valueQuantity?.value;
  const low = components[diastolic]!.valueQuantity?.value;
  if (problems.length === 0 && high !== undefined && low !== undefined && high <= low)
    problems.push(
      problem(
        `Observation.component[${systolic}].valueQuantity.value`,
        'bp-order',
        `Observation.component[${systolic}].valueQuantity.value: systolic ${high} mm[Hg] must be above diastolic ${low} mm[Hg]`,
        { systolic: high, diastolic: low },
      ),
    );
  return problems;
}

export interface VitalReading {
  measure: VitalMeasure;
  value: number;
  flag: VitalFlag | undefined;
}

export interface VitalSign {
  kind: VitalKind;
  /** effectiveDateTime (or the period's start). */
  effective: string | undefined;
  readings: VitalReading[];
}

/** The values of a vital-sign Observation with their flags (undefined when it is no vital sign or has no value). */
export function readVitalSign(observation: Observation): VitalSign | undefined {
  const kind = vitalKindOf(observation);
  if (!kind) return undefined;
  const readings: VitalReading[] = [];
  const read = (measure: VitalMeasure | undefined, quantity: Quantity | undefined) => {
    if (measure && typeof quantity?.value === 'number' && quantity.code === measure.unit)
      readings.push({ measure, value: quantity.value, flag: flagOf(measure, quantity.value) });
  };
  if (kind === 'blood-pressure') {
    for (const component of observation.component ?? [])
      read(
        measureByCode(loincCodes(component.code), [VITAL_MEASURES.systolic, VITAL_MEASURES.diastolic]),
        component.valueQuantity,
      );
  } else {
    read(measureByCode(loincCodes(observation.code), SINGLE_MEASURES), observation.valueQuantity);
  }
  if (readings.length === 0) return undefined;
  return { kind, effective: observation.effectiveDateTime ?? observation.effectivePeriod?.start, readings };
}

function quantity(measure: VitalMeasure, value: number): Quantity {
  return { value, unit: measure.unitLabel, system: UCUM_SYSTEM, code: measure.unit };
}

function codeOf(measure: VitalMeasure) {
  const codings = [measure.loinc, ...(measure.alsoLoinc ?? [])].map((code, i) => ({
    system: LOINC_SYSTEM,
    code,
    ...(i === 0 ? { display: measure.display } : {}),
  }));
  return { coding: codings, text: measure.display };
}

function interpretation(flags: (VitalFlag | undefined)[]) {
  const worst = flags.includes('H') ? 'H' : flags.includes('L') ? 'L' : flags.includes('N') ? 'N' : undefined;
  return worst ? [{ coding: [{ system: INTERPRETATION_SYSTEM, code: worst }] }] : undefined;
}

export interface VitalSignInput {
  patient: string; // Patient/<id>
  effective: string; // FHIR dateTime
  performer?: Reference[];
  encounter?: string;
  id?: string;
}

/**
 * A vital-sign Observation as both sides write it. `values` holds one number per measure of the kind
 * (blood pressure: systolic and diastolic; glucose: the one of the unit chosen). It does not check plausibility:
 * `vitalSignProblems` does, on the client before queueing and on the platform before storing.
 */
export function vitalSignObservation(input: VitalSignInput, values: Partial<Record<VitalMeasureId, number>>): Observation {
  const entries = (Object.entries(values) as [VitalMeasureId, number][]).filter(([, v]) => v !== undefined);
  if (entries.length === 0) throw new RangeError('values: no measure given');
  const measures = entries.map(([id]) => VITAL_MEASURES[id]);
  const kind = measures[0]!.kind;
  if (measures.some((x) => x.kind !== kind)) throw new RangeError('values: measures of different vital signs');
  const base: Observation = {
    resourceType: 'Observation',
    ...(input.id ? { id: input.id } : {}),
    status: 'final',
    category: [{ coding: [VITAL_SIGNS_CATEGORY] }],
    code: { coding: [] },
    subject: { reference: input.patient },
    effectiveDateTime: input.effective,
    ...(input.performer ? { performer: input.performer } : {}),
    ...(input.encounter ? { encounter: { reference: input.encounter } } : {}),
  };
  const flags = entries.map(([id, value]) => flagOf(VITAL_MEASURES[id], value));
  const interpreted = interpretation(flags);
  if (kind === 'blood-pressure') {
    const component: ObservationComponent[] = entries.map(([id, value]) => ({
      code: codeOf(VITAL_MEASURES[id]),
      valueQuantity: quantity(VITAL_MEASURES[id], value),
    }));
    return {
      ...base,
      code: {
        coding: [{ system: LOINC_SYSTEM, code: BLOOD_PRESSURE_PANEL.loinc, display: BLOOD_PRESSURE_PANEL.display }],
        text: 'Blood pressure',
      },
      component,
      ...(interpreted ? { interpretation: interpreted } : {}),
    };
  }
  const [id, value] = entries[0]!;
  return {
    ...base,
    code: codeOf(VITAL_MEASURES[id]),
    valueQuantity: quantity(VITAL_MEASURES[id], value),
    ...(interpreted ? { interpretation: interpreted } : {}),
  };
}
