import type { MedicationRequest } from 'fhir/r4';
import { describe, expect, it } from 'vitest';
import {
  DOSE_REASON_SYSTEM,
  administrationOf,
  administrationProblems,
  doseId,
  expandDoses,
  prescriptionProblems,
  secondCheckOf,
  isVerified,
  timingProblems,
  withCorrectionReason,
  correctionReasonOf,
} from '../../../src-shared/domain/care';

const ID = /^[A-Za-z0-9\-.]{1,64}$/;

function prescription(
  repeat: NonNullable<NonNullable<MedicationRequest['dosageInstruction']>[number]['timing']>['repeat'],
  extra: Partial<MedicationRequest> = {},
): MedicationRequest {
  return {
    resourceType: 'MedicationRequest',
    id: 'mr-1',
    status: 'active',
    intent: 'order',
    subject: { reference: 'Patient/p1' },
    medicationCodeableConcept: { text: 'Paracétamol 1 g' },
    dosageInstruction: [{ timing: { repeat } }],
    ...extra,
  };
}

const local = (doses: { localDate: string; localTime: string }[]) => doses.map((d) => `${d.localDate} ${d.localTime}`);

describe('deterministic dose id', () => {
  it('is the same for the same prescription and instant, whichever way the instant is written', () => {
    const a = doseId('mr-1', '2026-03-29T06:00:00Z');
    expect(a).toBe('mr-1.20260329T0600Z');
    expect(doseId('mr-1', new Date('2026-03-29T08:00:00+02:00'))).toBe(a);
    expect(doseId('mr-1', '2026-03-29T06:00:00.000Z')).toBe(a);
  });

  it('differs by prescription and by minute, and is a FHIR id even for the longest request id', () => {
    expect(doseId('mr-2', '2026-03-29T06:00:00Z')).not.toBe(doseId('mr-1', '2026-03-29T06:00:00Z'));
    expect(doseId('mr-1', '2026-03-29T06:01:00Z')).not.toBe(doseId('mr-1', '2026-03-29T06:00:00Z'));
    const long = 'x'.repeat(64);
    const longer = 'x'.repeat(63) + 'y';
    expect(doseId(long, '2026-03-29T06:00:00Z')).toMatch(ID);
    expect(doseId(long, '2026-03-29T06:00:00Z')).not.toBe(doseId(longer, '2026-03-29T06:00:00Z'));
    expect(doseId('0b7c8a39-4a2f-4d69-9d1e-6a1f0c5d2e11', '2026-03-29T06:00:00Z')).toMatch(ID);
  });

  it('refuses an instant off the minute and a request id that is no FHIR id', () => {
    expect(() => doseId('mr-1', '2026-03-29T06:00:30Z')).toThrow(/whole minute/);
    expect(() => doseId('mr/1', '2026-03-29T06:00:00Z')).toThrow(/FHIR id/);
  });
});

describe('dose expansion in Europe/Luxembourg time', () => {
  it('keeps 08:00 and 20:00 on the wall clock across the spring transition (one dose each, none lost)', () => {
    const doses = expandDoses(
      prescription({ timeOfDay: ['08:00:00', '20:00:00'] }),
      new Date('2026-03-28T00:00:00Z'),
      new Date('2026-03-31T00:00:00Z'),
    );
    expect(local(doses)).toEqual([
      '2026-03-28 08:00',
      '2026-03-28 20:00',
      '2026-03-29 08:00',
      '2026-03-29 20:00',
      '2026-03-30 08:00',
      '2026-03-30 20:00',
    ]);
    expect(doses.map((d) => d.scheduledAt).slice(1, 4)).toEqual([
      '2026-03-28T19:00:00Z',
      '2026-03-29T06:00:00Z',
      '2026-03-29T18:00:00Z',
    ]);
  });

  it('spring: a dose at 02:30 (in the gap) happens once, at 03:30 CEST', () => {
    const doses = expandDoses(
      prescription({ timeOfDay: ['02:30:00'] }),
      new Date('2026-03-28T00:00:00Z'),
      new Date('2026-03-31T00:00:00Z'),
    );
    expect(local(doses)).toEqual(['2026-03-28 02:30', '2026-03-29 03:30', '2026-03-30 02:30']);
  });

  it('autumn: a dose at 02:30 (in the overlap) happens once, the first time the clock shows it', () => {
    const doses = expandDoses(
      prescription({ timeOfDay: ['02:30:00'] }),
      new Date('2026-10-24T00:00:00Z'),
      new Date('2026-10-27T00:00:00Z'),
    );
    expect(local(doses)).toEqual(['2026-10-24 02:30', '2026-10-25 02:30', '2026-10-26 02:30']);
    expect(doses[1]!.scheduledAt).toBe('2026-10-25T00:30:00Z');
    expect(new Set(doses.map((d) => d.doseId)).size).toBe(3);
  });

  it('every 8 hours counts elapsed time: across autumn the wall clock shifts, the interval does not', () => {
    const doses = expandDoses(
      prescription({ frequency: 1, period: 8, periodUnit: 'h', boundsPeriod: { start: '2026-10-24T06:00:00Z' } }),
      new Date('2026-10-24T00:00:00Z'),
      new Date('2026-10-26T00:00:00Z'),
    );
    const times = doses.map((d) => Date.parse(d.scheduledAt));
    expect(times.slice(1).map((t, i) => t - times[i]!)).toEqual(Array(times.length - 1).fill(8 * 3_600_000));
    // 06:00Z is 08:00 CEST before the change and 07:00 CET after it: the clock moves, the interval does not.
    expect(local(doses).slice(0, 4)).toEqual(['2026-10-24 08:00', '2026-10-24 16:00', '2026-10-25 00:00', '2026-10-25 07:00']);
  });

  it('reads `when` codes, "N times a day", weekdays, every other day and the bounds', () => {
    const from = new Date('2026-06-01T00:00:00Z'); // a Monday
    const to = new Date('2026-06-08T00:00:00Z');
    expect(local(expandDoses(prescription({ when: ['MORN', 'NIGHT'] }), from, new Date('2026-06-02T00:00:00Z')))).toEqual([
      '2026-06-01 08:00',
      '2026-06-01 22:00',
    ]);
    expect(
      local(expandDoses(prescription({ frequency: 3, period: 1, periodUnit: 'd' }), from, new Date('2026-06-02T00:00:00Z'))),
    ).toEqual(['2026-06-01 08:00', '2026-06-01 14:00', '2026-06-01 20:00']);
    expect(
      local(expandDoses(prescription({ dayOfWeek: ['mon', 'thu'], timeOfDay: ['09:00:00'], periodUnit: 'wk' }), from, to)),
    ).toEqual(['2026-06-01 09:00', '2026-06-04 09:00']);
    expect(
      local(
        expandDoses(
          prescription({
            period: 2,
            periodUnit: 'd',
            timeOfDay: ['08:00:00'],
            boundsPeriod: { start: '2026-06-02T00:00:00+02:00' },
          }),
          from,
          to,
        ),
      ),
    ).toEqual(['2026-06-02 08:00', '2026-06-04 08:00', '2026-06-06 08:00']);
    expect(
      local(
        expandDoses(
          prescription({
            timeOfDay: ['08:00:00'],
            boundsPeriod: { start: '2026-06-03T00:00:00+02:00', end: '2026-06-05T00:00:00+02:00' },
          }),
          from,
          to,
        ),
      ),
    ).toEqual(['2026-06-03 08:00', '2026-06-04 08:00']);
    expect(expandDoses(prescription({}, { dosageInstruction: [{ asNeededBoolean: true }] }), from, to)).toEqual([]);
  });

  it('names what it cannot expand', () => {
    expect(timingProblems(prescription({ timeOfDay: ['08:00:00'] }))).toEqual([]);
    expect(timingProblems(prescription({ when: ['PHS'] }))[0]).toMatchObject({
      rule: 'timing',
      field: 'MedicationRequest.dosageInstruction[0].timing.repeat.when[0]',
    });
    expect(timingProblems(prescription({ periodUnit: 'mo' }))[0]).toMatchObject({ rule: 'timing' });
  });
});

describe('administration of a dose', () => {
  const request = prescription({ timeOfDay: ['08:00:00'] });
  const base = {
    request,
    scheduledAt: '2026-06-01T06:00:00Z',
    effective: '2026-06-01T08:05:00+02:00',
    performer: 'Practitioner/n1',
  };

  it('given: completed, with the deterministic id, and no problem', () => {
    const admin = administrationOf({ ...base, outcome: 'given' });
    expect(admin.id).toBe('mr-1.20260601T0600Z');
    expect(admin.status).toBe('completed');
    expect(administrationProblems(admin)).toEqual([]);
    expect(prescriptionProblems(admin, request)).toEqual([]);
  });

  it.each(['held', 'refused', 'missed'] as const)('%s without a reason is refused, with one it passes', (outcome) => {
    const bare = administrationOf({ ...base, outcome });
    expect(bare.status).toBe('not-done');
    expect(administrationProblems(bare)).toEqual([
      expect.objectContaining({ field: 'MedicationAdministration.statusReason', rule: 'reason-required' }),
    ]);
    expect(administrationProblems(administrationOf({ ...base, outcome, reason: { code: 'patient-refused' } }))).toEqual([]);
    expect(administrationProblems(administrationOf({ ...base, outcome, reason: { text: 'dort profondément' } }))).toEqual([]);
    expect(administrationProblems(administrationOf({ ...base, outcome, reason: { code: 'other' } }))[0]).toMatchObject({
      rule: 'reason-required',
    });
  });

  it('a status that contradicts the outcome, an id not of the dose, a missing scheduled time are each named', () => {
    const given = administrationOf({ ...base, outcome: 'given' });
    expect(administrationProblems({ ...given, status: 'not-done' })[0]).toMatchObject({
      field: 'MedicationAdministration.status',
      rule: 'dose-outcome',
    });
    expect(administrationProblems({ ...given, id: 'random-id' })[0]).toMatchObject({
      field: 'MedicationAdministration.id',
      rule: 'dose-id',
    });
    expect(administrationProblems({ ...given, extension: given.extension!.slice(0, 1) })[0]).toMatchObject({
      rule: 'dose-scheduled-at',
    });
    expect(administrationProblems({ ...given, extension: [] }).map((p) => p.rule)).toContain('dose-outcome');
    expect(given.statusReason).toBeUndefined();
    expect(
      administrationOf({ ...base, outcome: 'refused', reason: { code: 'patient-refused' } }).statusReason![0]!.coding![0]!.system,
    ).toBe(DOSE_REASON_SYSTEM);
  });

  it('a dose for a stopped prescription, or at a time it does not schedule, is refused against the prescription', () => {
    const admin = administrationOf({ ...base, outcome: 'given' });
    expect(prescriptionProblems(admin, { ...request, status: 'stopped' })[0]).toMatchObject({ rule: 'prescription-not-active' });
    const off = administrationOf({ ...base, scheduledAt: '2026-06-01T07:00:00Z', outcome: 'given' });
    expect(prescriptionProblems(off, request)[0]).toMatchObject({ rule: 'dose-scheduled-at' });
  });

  it('a second-person check is asserted until the second person countersigns; only then is it verified', () => {
    const admin = administrationOf({ ...base, outcome: 'given', checkedBy: 'Practitioner/n2' });
    const check = secondCheckOf(admin);
    expect(check).toMatchObject({ state: 'asserted', verifier: 'Practitioner/n2' });
    expect(isVerified(check)).toBe(false);
    const signed = structuredClone(admin);
    signed.performer![1]!.extension![0]!.valueCode = 'countersigned';
    expect(isVerified(secondCheckOf(signed))).toBe(true);
    expect(secondCheckOf(administrationOf({ ...base, outcome: 'given' }))).toEqual({ state: 'none' });
    const nobody = structuredClone(admin);
    nobody.performer![1]!.actor = { display: 'a colleague' };
    expect(administrationProblems(nobody)[0]).toMatchObject({ rule: 'second-check' });
  });

  it('a correction carries its reason', () => {
    const admin = withCorrectionReason(administrationOf({ ...base, outcome: 'given' }), 'wrong time typed');
    expect(correctionReasonOf(admin)).toBe('wrong time typed');
    expect(correctionReasonOf(withCorrectionReason(admin, 'second fix'))).toBe('second fix');
    expect(admin.extension!.filter((e) => e.url.endsWith('correction-reason'))).toHaveLength(1);
  });
});
