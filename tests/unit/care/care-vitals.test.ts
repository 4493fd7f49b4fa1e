import type { Observation } from 'fhir/r4';
import { describe, expect, it } from 'vitest';
import {
  VITAL_MEASURES,
  careRecordProblems,
  flagOf,
  readVitalSign,
  vitalKindOf,
  vitalSignObservation,
  vitalSignProblems,
} from '../../../src-shared/domain/care';

const at = { patient: 'Patient/p1', effective: '2026-06-01T08:00:00+02:00' };

describe('vital signs (LOINC, UCUM, ranges)', () => {
  it('writes each kind with its LOINC code and UCUM unit, and reads it back with its flag', () => {
    const cases: [Parameters<typeof vitalSignObservation>[1], string, string][] = [
      [{ temperature: 38.2 }, '8310-5', 'Cel'],
      [{ pulse: 72 }, '8867-4', '/min'],
      [{ 'respiratory-rate': 16 }, '9279-1', '/min'],
      [{ spo2: 97 }, '59408-5', '%'],
      [{ weight: 71.4 }, '29463-7', 'kg'],
      [{ pain: 4 }, '72514-3', '{score}'],
      [{ 'glucose-mass': 142 }, '41653-7', 'mg/dL'],
      [{ 'glucose-molar': 7.9 }, '14743-9', 'mmol/L'],
    ];
    for (const [values, loinc, unit] of cases) {
      const observation = vitalSignObservation(at, values);
      expect(observation.code.coding![0]).toMatchObject({ system: 'http://loinc.org', code: loinc });
      expect(observation.valueQuantity).toMatchObject({ system: 'http://unitsofmeasure.org', code: unit });
      expect(observation.category![0]!.coding![0]!.code).toBe('vital-signs');
      expect(vitalSignProblems(observation)).toEqual([]);
      expect(readVitalSign(observation)!.readings[0]!.value).toBe(Object.values(values)[0]);
    }
    expect(vitalSignObservation(at, { spo2: 97 }).code.coding!.map((c) => c.code)).toEqual(['59408-5', '2708-6']);
    expect(readVitalSign(vitalSignObservation(at, { temperature: 38.2 }))!.readings[0]!.flag).toBe('H');
    expect(vitalSignObservation(at, { temperature: 38.2 }).interpretation![0]!.coding![0]!.code).toBe('H');
  });

  it('blood pressure is the 85354-9 panel with systolic 8480-6 and diastolic 8462-4 in mm[Hg]', () => {
    const bp = vitalSignObservation(at, { systolic: 150, diastolic: 85 });
    expect(bp.code.coding![0]!.code).toBe('85354-9');
    expect(bp.component!.map((c) => [c.code.coding![0]!.code, c.valueQuantity!.code])).toEqual([
      ['8480-6', 'mm[Hg]'],
      ['8462-4', 'mm[Hg]'],
    ]);
    expect(vitalSignProblems(bp)).toEqual([]);
    expect(readVitalSign(bp)!.readings.map((r) => [r.measure.id, r.flag])).toEqual([
      ['systolic', 'H'],
      ['diastolic', 'N'],
    ]);
    expect(vitalKindOf(bp)).toBe('blood-pressure');
  });

  it('flags against the normal range; weight has none', () => {
    expect(flagOf(VITAL_MEASURES.spo2, 91)).toBe('L');
    expect(flagOf(VITAL_MEASURES.spo2, 98)).toBe('N');
    expect(flagOf(VITAL_MEASURES['glucose-molar'], 12)).toBe('H');
    expect(flagOf(VITAL_MEASURES.weight, 300)).toBeUndefined();
  });

  it('refuses mmHG (not UCUM mm[Hg]), naming the component', () => {
    const bp = vitalSignObservation(at, { systolic: 130, diastolic: 80 });
    bp.component![0]!.valueQuantity!.code = 'mmHG';
    expect(vitalSignProblems(bp)).toEqual([
      expect.objectContaining({
        field: 'Observation.component[0].valueQuantity.code',
        rule: 'ucum-unit',
        params: { unit: 'mmHG', expected: 'mm[Hg]' },
      }),
    ]);
  });

  it('refuses a blood pressure without its components', () => {
    const bp = vitalSignObservation(at, { systolic: 130, diastolic: 80 });
    expect(vitalSignProblems({ ...bp, component: [bp.component![0]!] })).toEqual([
      expect.objectContaining({ field: 'Observation.component', rule: 'bp-components' }),
    ]);
    expect(
      vitalSignProblems({
        ...bp,
        component: undefined,
        valueQuantity: { value: 130, code: 'mm[Hg]', system: 'http://unitsofmeasure.org' },
      })[0],
    ).toMatchObject({
      rule: 'bp-components',
    });
    expect(vitalSignProblems(vitalSignObservation(at, { systolic: 70, diastolic: 80 }))[0]).toMatchObject({ rule: 'bp-order' });
  });

  it('refuses SpO2 of 120 % and a temperature of 60 °C (not plausible), naming the value', () => {
    expect(vitalSignProblems(vitalSignObservation(at, { spo2: 120 }))).toEqual([
      expect.objectContaining({
        field: 'Observation.valueQuantity.value',
        rule: 'plausible-range',
        params: expect.objectContaining({ value: 120, max: 100 }),
      }),
    ]);
    expect(vitalSignProblems(vitalSignObservation(at, { temperature: 60 }))[0]).toMatchObject({
      field: 'Observation.valueQuantity.value',
      rule: 'plausible-range',
    });
    expect(vitalSignProblems(vitalSignObservation(at, { pain: 4.5 }))[0]).toMatchObject({ rule: 'integer-score' });
  });

  it('refuses a glucose in the other code’s unit, a missing value, a vital-signs category without a known code', () => {
    const glucose = vitalSignObservation(at, { 'glucose-mass': 120 });
    glucose.valueQuantity!.code = 'mmol/L';
    expect(vitalSignProblems(glucose)[0]).toMatchObject({ rule: 'ucum-unit', params: { unit: 'mmol/L', expected: 'mg/dL' } });
    const empty = vitalSignObservation(at, { pulse: 70 });
    delete empty.valueQuantity;
    expect(vitalSignProblems(empty)[0]).toMatchObject({ rule: 'value-required' });
    expect(vitalSignProblems({ ...empty, dataAbsentReason: { text: 'refused' } })).toEqual([]);
    const unknown: Observation = { ...empty, code: { coding: [{ system: 'http://loinc.org', code: '0000-0' }] } };
    expect(vitalSignProblems(unknown)[0]).toMatchObject({ rule: 'vital-code' });
    expect(careRecordProblems({ ...unknown, category: [] } as Observation)).toEqual([]);
  });
});
