/**
 * The care records of one seeded patient (IdeoMed, issue 11), built from a fixed description — no PRNG, so the
 * README's demo stays true — and dated relative to "today": the episode of care, the care plan with its Tasks
 * and Goals, the medication plan (MedicationRequests with timing) and yesterday's round, D days of vital signs,
 * nursing notes, and a wound with its assessments and photo. Values follow smooth deterministic curves per
 * patient, with the abnormal values the description asks for, so charts and the handover have something to show.
 */
import type { FhirResource, MedicationRequest } from 'fhir/r4';
import {
  addDays,
  administrationOf,
  expandDoses,
  instantAt,
  localDateOf,
  nursingNoteObservation,
  vitalSignObservation,
  woundAssessmentObservation,
  woundCondition,
  type VitalMeasureId,
} from '../../../src-shared/domain/care';
import { LU_MATRICULE_SYSTEM } from '../../../src-shared/domain/fhir-sync';
import { SYSTEM_AUTHOR } from '../policy/principal';
import type { SeedItem } from './generate';

export interface MedicationSpec {
  name: string;
  /** Local clock times (HH:MM). */
  times: string[];
  /** Stopped this many days ago (a dose for it is refused: the demo of that rule). */
  stoppedDaysAgo?: number;
}

export interface CarePatientSpec {
  id: string;
  family: string;
  given: string;
  gender: 'male' | 'female';
  birthDate: string;
  matricule: string;
  address: { line: string; city: string; postalCode: string };
  organization: string;
  /** Who records their care (performer and creator of the records); the platform itself for a day centre. */
  carer: string;
  /** Written by a second carer on odd days (a colleague's records reach the other through $changes). */
  colleague?: string;
  glucose?: 'mass' | 'molar';
  pain?: boolean;
  /** Day (counted back from today) of a fever, flagged H. */
  feverDaysAgo?: number;
  medications: MedicationSpec[];
  tasks: string[];
  goals: string[];
  wound?: { site: string; description: string };
  /** Existing episode of care (the demo patient's): none is written. */
  episode?: string;
}

/** A 1×1 PNG: the demo's wound photo (the bytes are beside the point; the attachment path is not). */
const PHOTO_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

const NOTES = [
  'Patient(e) calme, bonne nuit. Toilette faite, peau intacte.',
  'Appétit diminué au petit-déjeuner, hydratation encouragée.',
  'Mobilisation au fauteuil avec aide, pas de douleur exprimée.',
  'Famille passée, patient(e) de bonne humeur. Traitement pris sans difficulté.',
];
const SOAP = {
  subjective: 'Se plaint de fatigue depuis hier.',
  objective: 'Constantes stables, pas de fièvre.',
  assessment: 'Fatigue sans signe de gravité.',
  plan: 'Surveillance des constantes au prochain passage.',
};

/** A deterministic wave per patient and measure: base ± amplitude, rounded to the measure's decimals. */
function wave(seed: number, day: number, base: number, amplitude: number, decimals: number): number {
  const value = base + amplitude * Math.sin(seed * 1.7 + day * 0.9) * Math.cos(seed * 0.3 + day * 0.4);
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

function seedOf(id: string): number {
  let h = 0;
  for (const c of id) h = (h * 31 + c.charCodeAt(0)) % 9973;
  return h;
}

export function carePatientRecords(spec: CarePatientSpec, today: Date, days: number): SeedItem[] {
  const items: SeedItem[] = [];
  const patient = `Patient/${spec.id}`;
  const todayLocal = localDateOf(today);
  const day = (back: number) => addDays(todayLocal, -back);
  const at = (back: number, time: string) => instantAt(day(back), time).toISOString();
  const push = (resource: FhirResource & { id: string }, createdBy = spec.carer) => items.push({ resource, createdBy });
  const seed = seedOf(spec.id);
  const author = (back: number) => (spec.colleague && back % 2 === 1 ? spec.colleague : spec.carer);
  const performer = (back: number) => (author(back) === SYSTEM_AUTHOR ? undefined : [{ reference: author(back) }]);

  push(
    {
      resourceType: 'Patient',
      id: spec.id,
      active: true,
      identifier: [{ system: LU_MATRICULE_SYSTEM, value: spec.matricule }],
      name: [{ use: 'official', family: spec.family, given: [spec.given] }],
      gender: spec.gender,
      birthDate: spec.birthDate,
      address: [
        { use: 'home', line: [spec.address.line], city: spec.address.city, postalCode: spec.address.postalCode, country: 'LU' },
      ],
    },
    SYSTEM_AUTHOR,
  );
  if (!spec.episode)
    push(
      {
        resourceType: 'EpisodeOfCare',
        id: `episode-${spec.id}`,
        status: 'active',
        type: [{ text: spec.organization === 'Organization/demo-org-homecare' ? 'Soins à domicile' : 'Prise en charge' }],
        patient: { reference: patient },
        managingOrganization: { reference: spec.organization },
        period: { start: at(Math.max(days, 60), '09:00') },
      },
      SYSTEM_AUTHOR,
    );

  // The care plan: its activities are Tasks, its goals Goals.
  const planId = `careplan-${spec.id}`;
  spec.goals.forEach((text, i) =>
    push({
      resourceType: 'Goal',
      id: `goal-${spec.id}-${i + 1}`,
      lifecycleStatus: 'active',
      description: { text },
      subject: { reference: patient },
      startDate: day(Math.min(days, 30)),
      target: [{ dueDate: addDays(todayLocal, 30) }],
    }),
  );
  spec.tasks.forEach((text, i) =>
    push({
      resourceType: 'Task',
      id: `task-${spec.id}-${i + 1}`,
      status: i === 0 ? 'in-progress' : 'requested',
      intent: 'order',
      code: { text },
      description: text,
      for: { reference: patient },
      basedOn: [{ reference: `CarePlan/${planId}` }],
      authoredOn: at(Math.min(days, 30), '09:30'),
      owner: { reference: spec.organization },
    }),
  );
  push({
    resourceType: 'CarePlan',
    id: planId,
    status: 'active',
    intent: 'plan',
    title: 'Plan de soins',
    category: [{ text: 'Soins infirmiers' }],
    subject: { reference: patient },
    period: { start: at(Math.min(days, 30), '09:00') },
    activity: spec.tasks.map((_, i) => ({ reference: { reference: `Task/task-${spec.id}-${i + 1}` } })),
    goal: spec.goals.map((_, i) => ({ reference: `Goal/goal-${spec.id}-${i + 1}` })),
  });

  // The medication plan, and yesterday's and this morning's doses.
  const requests: MedicationRequest[] = spec.medications.map((med, i) => ({
    resourceType: 'MedicationRequest',
    id: `mr-${spec.id}-${i + 1}`,
    status: med.stoppedDaysAgo === undefined ? 'active' : 'stopped',
    intent: 'order',
    medicationCodeableConcept: { text: med.name },
    subject: { reference: patient },
    authoredOn: at(Math.max(days, 30), '10:00'),
    dosageInstruction: [
      {
        text: `${med.name} à ${med.times.join(', ')}`,
        timing: {
          repeat: {
            timeOfDay: med.times.map((t) => `${t}:00`),
            boundsPeriod: {
              start: at(Math.max(days, 30), '00:00'),
              ...(med.stoppedDaysAgo !== undefined ? { end: at(med.stoppedDaysAgo, '00:00') } : {}),
            },
          },
        },
      },
    ],
  }));
  for (const request of requests) push(request as MedicationRequest & { id: string });
  if (spec.carer !== SYSTEM_AUTHOR) {
    const from = new Date(at(Math.min(days, 1), '00:00'));
    const until = today;
    let refused = false;
    for (const request of requests.filter((r) => r.status === 'active')) {
      for (const dose of expandDoses(request, from, until)) {
        const back = dose.localDate === todayLocal ? 0 : 1;
        // One refused dose per patient (yesterday's first), with its reason: the round shows both kinds.
        const refuse: boolean = !refused && back === 1;
        refused ||= refuse;
        push(
          administrationOf({
            request,
            scheduledAt: dose.scheduledAt,
            outcome: refuse ? 'refused' : 'given',
            effective: new Date(Date.parse(dose.scheduledAt) + 7 * 60_000).toISOString(),
            performer: author(back),
            ...(refuse ? { reason: { code: 'patient-refused', text: 'Refuse de prendre le comprimé, nausées.' } } : {}),
          }) as FhirResource & { id: string },
          author(back),
        );
      }
    }
  }

  // Vital signs: every morning (and the blood pressure again in the evening); weight weekly; glucose twice a day.
  const vital = (back: number, time: string, key: string, values: Partial<Record<VitalMeasureId, number>>) =>
    push(
      vitalSignObservation(
        {
          id: `vs-${spec.id}-${day(back)}-${time.replace(':', '')}-${key}`,
          patient,
          effective: at(back, time),
          ...(performer(back) ? { performer: performer(back)! } : {}),
        },
        values,
      ) as FhirResource & { id: string },
      author(back),
    );
  for (let back = days - 1; back >= 0; back--) {
    const fever = spec.feverDaysAgo === back;
    vital(back, '08:00', 'temp', { temperature: fever ? 38.6 : wave(seed, back, 36.8, 0.4, 1) });
    vital(back, '08:00', 'bp', { systolic: wave(seed + 1, back, 132, 14, 0), diastolic: wave(seed + 2, back, 78, 8, 0) });
    vital(back, '08:00', 'pulse', { pulse: wave(seed + 3, back, fever ? 96 : 74, 10, 0) });
    vital(back, '08:00', 'spo2', { spo2: Math.min(100, wave(seed + 4, back, 96, 2, 0)) });
    vital(back, '08:00', 'rr', { 'respiratory-rate': wave(seed + 5, back, 16, 3, 0) });
    if (spec.pain) vital(back, '08:00', 'pain', { pain: Math.max(0, Math.round(wave(seed + 6, back, 3, 2.5, 0))) });
    if (back % 7 === 0) vital(back, '07:30', 'weight', { weight: wave(seed + 7, back, 71, 1.5, 1) });
    if (spec.glucose) {
      const mass = spec.glucose === 'mass';
      for (const [time, base] of [
        ['07:30', 130],
        ['18:00', 165],
      ] as const) {
        const mgdl = wave(seed + 8, back + (time === '18:00' ? 0.5 : 0), base, 45, 0);
        vital(
          back,
          time,
          'glucose',
          mass ? { 'glucose-mass': mgdl } : { 'glucose-molar': Math.round((mgdl / 18.016) * 10) / 10 },
        );
      }
    }
    vital(back, '18:00', 'bp', { systolic: wave(seed + 9, back, 128, 12, 0), diastolic: wave(seed + 10, back, 76, 7, 0) });
    if (back % 3 === 0) {
      const input = { id: `note-${spec.id}-${day(back)}`, patient, effective: at(back, '10:15'), author: author(back) };
      if (author(back) !== SYSTEM_AUTHOR)
        push(
          nursingNoteObservation(
            input,
            (back / 3) % 2 === 0 ? { kind: 'free', text: NOTES[(seed + back) % NOTES.length]! } : { kind: 'soap', parts: SOAP },
          ) as FhirResource & { id: string },
          author(back),
        );
    }
  }

  // A wound: its condition, three assessments as it heals, and a photo with the latest.
  if (spec.wound) {
    const woundId = `wound-${spec.id}`;
    const start = Math.min(days - 1, 12);
    push(
      woundCondition({
        patient,
        id: woundId,
        onset: at(start + 2, '09:00'),
        bodySite: spec.wound.site,
        description: spec.wound.description,
      }) as FhirResource & { id: string },
    );
    const stages = [start, Math.floor(start / 2), 1].filter((b, i, all) => b >= 0 && all.indexOf(b) === i);
    stages.forEach((back, i) => {
      const photo = `photo-${spec.id}-wound-${i + 1}`;
      const withPhoto = i === stages.length - 1;
      if (withPhoto)
        push({
          resourceType: 'Binary',
          id: photo,
          contentType: 'image/png',
          securityContext: { reference: patient },
          data: PHOTO_PNG,
        });
      push(
        woundAssessmentObservation(
          {
            id: `woundassess-${spec.id}-${i + 1}`,
            patient,
            effective: at(back, '11:00'),
            author: author(back),
            wound: `Condition/${woundId}`,
          },
          {
            size: { length: 4.5 - i * 1.2, width: 3 - i * 0.8, depth: Math.max(0.1, 0.6 - i * 0.2) },
            stage: '2',
            ...(withPhoto ? { photos: [`Binary/${photo}`] } : {}),
            note: i === 0 ? 'Plaie fibrineuse, berges propres.' : 'Bourgeonnement, surface en diminution.',
          },
        ) as FhirResource & { id: string },
        author(back),
      );
    });
  }
  return items;
}

/**
 * Tomorrow's visits, every 40 minutes from 08:00: one Appointment per patient with `who` (a nurse, or the day
 * centre's Location) — who, when, where, and no clinical content (staff without a care mandate read them).
 */
export function roundAppointments(who: string, patients: string[], today: Date): SeedItem[] {
  const tomorrow = addDays(localDateOf(today), 1);
  return patients.map((patient, i) => {
    const start = instantAt(
      tomorrow,
      `${String(8 + Math.floor((i * 40) / 60)).padStart(2, '0')}:${String((i * 40) % 60).padStart(2, '0')}`,
    );
    return {
      createdBy: who.startsWith('Practitioner/') ? who : SYSTEM_AUTHOR,
      resource: {
        resourceType: 'Appointment',
        id: `round-${tomorrow}-${patient.split('/')[1]}`,
        status: 'booked',
        serviceType: [{ text: 'Soins à domicile' }],
        start: start.toISOString(),
        end: new Date(start.getTime() + 30 * 60_000).toISOString(),
        minutesDuration: 30,
        participant: [
          { actor: { reference: patient }, status: 'accepted' },
          { actor: { reference: who }, status: 'accepted' },
        ],
      },
    };
  });
}
