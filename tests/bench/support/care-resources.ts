/**
 * The care records of a care home for the care bench (issue 11, acceptance 5): for each resident, a care plan,
 * four daily prescriptions, and per day three rounds of the eight vital signs, the four doses given and two
 * nursing notes — about 30 records a resident a day, so 120 residents × 90 days ≈ 325,000 records; and for
 * the first 12 residents, tomorrow's visit and a wound whose photo (incompressible bytes) is part of 40 MB.
 * Built with the shared vocabulary (src-shared/domain/care), deterministic by index: the same records every run.
 */
import type { Appointment, Binary, CarePlan, FhirResource, MedicationRequest } from 'fhir/r4';
import {
  addDays,
  administrationOf,
  instantAt,
  localDateOf,
  nursingNoteObservation,
  vitalSignObservation,
  woundAssessmentObservation,
  woundCondition,
  type VitalMeasureId,
} from '../../../src-shared/domain/care';
import { Prng } from '../../../src-main/platform/seed/prng';

export const ROUND_PATIENTS = 12;
export const PHOTO_BYTES_TOTAL = 40 * 1024 * 1024;
const DOSE_TIMES = ['08:00', '12:00', '18:00', '22:00'];
const ROUND_TIMES = ['08:00', '13:00', '19:00'];
const MEDICATIONS = ['Metformine 500 mg', 'Bisoprolol 5 mg', 'Paracétamol 1 g', 'Furosémide 40 mg'];

export const benchPatientId = (n: number) => `pat-${String(n).padStart(6, '0')}`;
export const photoId = (n: number) => `bench-photo-${n}`;

function vitalsAt(prng: Prng): Array<Partial<Record<VitalMeasureId, number>>> {
  const round = (v: number, d = 1) => Math.round(v * 10 ** d) / 10 ** d;
  return [
    { temperature: round(36 + prng.next() * 2.2) },
    { systolic: 100 + prng.int(0, 60), diastolic: 60 + prng.int(0, 30) },
    { pulse: 55 + prng.int(0, 50) },
    { 'respiratory-rate': 12 + prng.int(0, 10) },
    { spo2: 90 + prng.int(0, 10) },
    { weight: round(55 + prng.next() * 30) },
    { pain: prng.int(0, 6) },
    { 'glucose-mass': 80 + prng.int(0, 150) },
  ];
}

/** Every care record of resident `n` (1-based) over `days` days ending today, written by `author`. */
export function* residentRecords(
  n: number,
  days: number,
  author: string,
  today = localDateOf(new Date()),
): Generator<FhirResource & { id: string }> {
  const prng = new Prng(n * 7919);
  const patient = `Patient/${benchPatientId(n)}`;
  const subject = { reference: patient };
  const first = addDays(today, -days);
  yield {
    resourceType: 'CarePlan',
    id: `bench-plan-${n}`,
    status: 'active',
    intent: 'plan',
    title: 'Plan de soins',
    subject,
  } satisfies CarePlan & { id: string };
  const requests = MEDICATIONS.map((text, k): MedicationRequest & { id: string } => ({
    resourceType: 'MedicationRequest',
    id: `bench-mr-${n}-${k}`,
    status: 'active',
    intent: 'order',
    subject,
    medicationCodeableConcept: { text },
    authoredOn: instantAt(first, '00:00').toISOString(),
    dosageInstruction: [
      {
        text: '1 comprimé',
        timing: { repeat: { frequency: 1, period: 1, periodUnit: 'd', timeOfDay: [`${DOSE_TIMES[k]}:00`] } },
      },
    ],
  }));
  yield* requests;
  for (let d = 0; d < days; d++) {
    const day = addDays(first, d);
    for (const [r, time] of ROUND_TIMES.entries()) {
      const effective = instantAt(day, time).toISOString();
      for (const [v, values] of vitalsAt(prng).entries())
        yield {
          ...vitalSignObservation(
            { patient, effective, performer: [{ reference: author }], id: `bench-v-${n}-${d}-${r}-${v}` },
            values,
          ),
          id: `bench-v-${n}-${d}-${r}-${v}`,
        };
    }
    for (const request of requests) {
      const time = request.dosageInstruction![0]!.timing!.repeat!.timeOfDay![0]!.slice(0, 5);
      const scheduledAt = instantAt(day, time);
      const administration = administrationOf({
        request,
        scheduledAt,
        outcome: 'given',
        effective: scheduledAt.toISOString(),
        performer: author,
      });
      yield administration as typeof administration & { id: string };
    }
    for (const k of [0, 1])
      yield {
        ...nursingNoteObservation(
          {
            patient,
            effective: instantAt(day, k === 0 ? '10:00' : '20:00').toISOString(),
            author,
            id: `bench-note-${n}-${d}-${k}`,
          },
          {
            kind: 'free',
            text:
              k === 0 ? 'Toilette faite, bonne participation, pas de douleur signalée.' : 'Nuit calme, repas pris en totalité.',
          },
        ),
        id: `bench-note-${n}-${d}-${k}`,
      };
  }
  if (n <= ROUND_PATIENTS) {
    const tomorrow = addDays(today, 1);
    yield {
      resourceType: 'Appointment',
      id: `bench-visit-${n}`,
      status: 'booked',
      start: instantAt(tomorrow, `${String(7 + n).padStart(2, '0')}:00`).toISOString(),
      participant: [
        { actor: subject, status: 'accepted' },
        { actor: { reference: author }, status: 'accepted' },
      ],
    } satisfies Appointment & { id: string };
    yield {
      ...woundCondition({
        patient,
        id: `bench-wound-${n}`,
        onset: instantAt(first, '09:00').toISOString(),
        bodySite: 'Talon droit',
        description: 'Escarre',
      }),
      id: `bench-wound-${n}`,
    };
    const bytes = Buffer.alloc(Math.floor(PHOTO_BYTES_TOTAL / ROUND_PATIENTS / 4) * 4);
    for (let i = 0; i < bytes.length; i += 4) bytes.writeUInt32LE(prng.int(0, 0xffffffff) >>> 0, i);
    yield {
      resourceType: 'Binary',
      id: photoId(n),
      contentType: 'image/jpeg',
      data: bytes.toString('base64'),
      securityContext: subject,
    } satisfies Binary & { id: string };
    yield {
      ...woundAssessmentObservation(
        {
          patient,
          effective: instantAt(today, '09:00').toISOString(),
          author,
          wound: `Condition/bench-wound-${n}`,
          id: `bench-wa-${n}`,
        },
        { size: { length: 3, width: 2 }, stage: '2', photos: [`Binary/${photoId(n)}`] },
      ),
      id: `bench-wa-${n}`,
    };
  }
}
