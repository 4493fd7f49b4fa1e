/**
 * The medication plan and round: which doses a MedicationRequest's timing schedules (expanded in
 * Europe/Luxembourg wall-clock time, across DST), the deterministic id of each scheduled dose, and what a
 * MedicationAdministration must say (outcome, reason, second-person check).
 *
 * Why a deterministic id: two nurses offline who both record the 08:00 dose of the same prescription write
 * the same MedicationAdministration id. The platform keeps the first and answers the second with a
 * conflict, so a dose is never recorded — or given — twice.
 */
import type { Dosage, Extension, MedicationAdministration, MedicationRequest, Reference, Timing } from 'fhir/r4';
import {
  ADMINISTRATION_PERFORMER_FUNCTION_SYSTEM,
  DOSE_OUTCOME_URL,
  DOSE_REASON_SYSTEM,
  DOSE_SCHEDULED_AT_URL,
  SECOND_CHECK_URL,
  codeIn,
  extensionOf,
  hasCoding,
  problem,
  type CareProblem,
} from './care-codes';
import { CARE_TIME_ZONE, addDays, dayOfWeekOf, daysBetween, instantAt, isLocalTime, localDateOf, localTimeOf } from './care-time';

// ── Deterministic dose id ──

const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;
const MAX_PLAIN_REQUEST_ID = 64 - 1 - 14; // "<request id>.<YYYYMMDD>T<HHMM>Z"

/** 64-bit FNV-1a as 16 hex digits: stable, dependency-free, enough to keep long request ids apart. */
function fnv1a64(text: string): string {
  let hash = 0xcbf29ce484222325n;
  // A FHIR id is ASCII, so its UTF-16 code units are its bytes.
  for (let i = 0; i < text.length; i++) {
    hash ^= BigInt(text.charCodeAt(i));
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return hash.toString(16).padStart(16, '0');
}

/** The scheduled instant as it enters a dose id and DOSE_SCHEDULED_AT_URL: UTC, whole minutes (`2026-03-29T06:00:00Z`). */
export function scheduledInstant(instant: Date | string): string {
  const date = typeof instant === 'string' ? new Date(instant) : instant;
  if (Number.isNaN(date.getTime())) throw new RangeError(`scheduled instant: "${String(instant)}" is not a date-time`);
  if (date.getTime() % 60_000 !== 0) throw new RangeError(`scheduled instant: ${date.toISOString()} is not on a whole minute`);
  return date.toISOString().replace('.000Z', 'Z');
}

/**
 * The id of the MedicationAdministration of one scheduled dose: `<request id>.<YYYYMMDD>T<HHMM>Z` (UTC), a valid
 * FHIR id (≤ 64 of [A-Za-z0-9.-]; a request id too long to fit is shortened and suffixed with its hash).
 */
export function doseId(requestId: string, scheduledAt: Date | string): string {
  if (!FHIR_ID.test(requestId)) throw new RangeError(`MedicationRequest.id: "${requestId}" is not a FHIR id`);
  const stamp = scheduledInstant(scheduledAt).replace(/[-:]/g, '').slice(0, 13) + 'Z'; // 20260329T0600Z
  const request = requestId.length <= MAX_PLAIN_REQUEST_ID ? requestId : `${requestId.slice(0, 32)}-${fnv1a64(requestId)}`;
  return `${request}.${stamp}`;
}

// ── Prescription status ──

/** A prescription takes doses while active (or on hold: a held dose is recorded against it). */
export function acceptsDoses(request: Pick<MedicationRequest, 'status'>): boolean {
  return request.status === 'active' || request.status === 'on-hold';
}

// ── Timing expansion ──

/** Clock times our schedules give FHIR's `when` codes (EventTiming), local time. */
export const EVENT_TIMES: Readonly<Record<string, string>> = {
  WAKE: '07:00',
  MORN: '08:00',
  'MORN.early': '07:00',
  'MORN.late': '10:00',
  CM: '08:00',
  ACM: '07:30',
  PCM: '08:30',
  NOON: '12:00',
  CD: '12:00',
  ACD: '11:30',
  PCD: '12:30',
  AFT: '14:00',
  'AFT.early': '13:00',
  'AFT.late': '16:00',
  EVE: '18:00',
  'EVE.early': '17:00',
  'EVE.late': '20:00',
  CV: '18:00',
  ACV: '17:30',
  PCV: '18:30',
  HS: '21:00',
  NIGHT: '22:00',
};

/** Clock times of "N times a day" when the timing names none. */
const TIMES_PER_DAY: Readonly<Record<number, string[]>> = {
  1: ['08:00'],
  2: ['08:00', '20:00'],
  3: ['08:00', '14:00', '20:00'],
  4: ['08:00', '12:00', '16:00', '20:00'],
};

export interface ScheduledDose {
  doseId: string;
  /** MedicationRequest/<id>. */
  request: string;
  /** UTC instant, whole minutes. */
  scheduledAt: string;
  /** Local calendar day and clock time (Europe/Luxembourg) — what the round shows. */
  localDate: string;
  localTime: string;
  /** Which dosageInstruction scheduled it. */
  dosageIndex: number;
  dosage: Dosage;
}

const hhmm = (time: string) => time.slice(0, 5);

/** The rules a prescription's timing breaks for expansion (empty: expandDoses understands every line). */
export function timingProblems(request: MedicationRequest): CareProblem[] {
  const problems: CareProblem[] = [];
  (request.dosageInstruction ?? []).forEach((dosage, i) => {
    const field = `MedicationRequest.dosageInstruction[${i}].timing`;
    if (dosage.asNeededBoolean || dosage.asNeededCodeableConcept) return;
    const repeat = dosage.timing?.repeat;
    if (!repeat) {
      problems.push(problem(field, 'timing', `${field}: a scheduled dosage needs timing.repeat (or asNeeded)`));
      return;
    }
    for (const [j, time] of (repeat.timeOfDay ?? []).entries()) {
      if (!isLocalTime(time) || !/^\d{2}:\d{2}(:00)?$/.test(time))
        problems.push(
          problem(`${field}.repeat.timeOfDay[${j}]`, 'timing', `${field}.repeat.timeOfDay[${j}]: "${time}" is not HH:MM[:00]`),
        );
    }
    for (const [j, when] of (repeat.when ?? []).entries()) {
      if (!(when in EVENT_TIMES))
        problems.push(
          problem(
            `${field}.repeat.when[${j}]`,
            'timing',
            `${field}.repeat.when[${j}]: "${when}" has no clock time in our schedules`,
          ),
        );
    }
    const unit = repeat.periodUnit ?? 'd';
    const named = (repeat.timeOfDay?.length ?? 0) + (repeat.when?.length ?? 0) > 0;
    if (unit === 'h' || unit === 'min') {
      if (!repeat.boundsPeriod?.start)
        problems.push(
          problem(
            `${field}.repeat.boundsPeriod.start`,
            'timing',
            `${field}.repeat.boundsPeriod.start: an every-N-hours timing counts from its start`,
          ),
        );
    } else if (unit === 'wk') {
      if (!repeat.dayOfWeek?.length)
        problems.push(
          problem(`${field}.repeat.dayOfWeek`, 'timing', `${field}.repeat.dayOfWeek: a weekly timing names its days`),
        );
    } else if (unit !== 'd') {
      problems.push(
        problem(`${field}.repeat.periodUnit`, 'timing', `${field}.repeat.periodUnit: "${unit}" is not scheduled (h, d or wk)`),
      );
    } else if (!named && !TIMES_PER_DAY[repeat.frequency ?? 1] && (repeat.frequency ?? 1) > 24) {
      problems.push(problem(`${field}.repeat.frequency`, 'timing', `${field}.repeat.frequency: at most 24 times a day`));
    }
  });
  return problems;
}

/** Local clock times of one day of a daily or weekly repeat. */
function clockTimes(repeat: NonNullable<Timing['repeat']>): string[] {
  const named = [
    ...(repeat.timeOfDay ?? []).map(hhmm),
    ...(repeat.when ?? []).flatMap((w) => (EVENT_TIMES[w] ? [EVENT_TIMES[w]] : [])),
  ];
  if (named.length > 0) return [...new Set(named)].sort();
  const frequency = repeat.frequency ?? 1;
  const fixed = TIMES_PER_DAY[frequency];
  if (fixed) return fixed;
  const step = Math.floor((24 * 60) / Math.min(frequency, 24));
  return Array.from({ length: Math.min(frequency, 24) }, (_, i) => {
    const minutes = (8 * 60 + i * step) % (24 * 60);
    return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
  }).sort();
}

function boundsOf(request: MedicationRequest, repeat: NonNullable<Timing['repeat']>): { start?: number; end?: number } {
  const start = repeat.boundsPeriod?.start ?? request.dispenseRequest?.validityPeriod?.start;
  const end = repeat.boundsPeriod?.end ?? request.dispenseRequest?.validityPeriod?.end;
  return {
    ...(start ? { start: Date.parse(start) } : {}),
    ...(end ? { end: Date.parse(end) } : {}),
  };
}

/**
 * The doses a prescription schedules in `[from, to)`, in time order, whatever its status (ask `acceptsDoses`
 * for that). Daily and weekly timings are wall-clock times in `timeZone` (08:00 stays 08:00 across DST; a time
 * in the spring gap moves forward, one in the autumn overlap happens once); every-N-hours timings count
 * elapsed time from their start. As-needed lines schedule nothing.
 */
export function expandDoses(request: MedicationRequest, from: Date, to: Date, timeZone = CARE_TIME_ZONE): ScheduledDose[] {
  if (!request.id) throw new RangeError('MedicationRequest.id: a dose is identified by its prescription');
  const byInstant = new Map<number, ScheduledDose>();
  const add = (ms: number, dosage: Dosage, dosageIndex: number) => {
    if (ms < from.getTime() || ms >= to.getTime() || byInstant.has(ms)) return;
    const at = new Date(ms);
    byInstant.set(ms, {
      doseId: doseId(request.id!, at),
      request: `MedicationRequest/${request.id}`,
      scheduledAt: scheduledInstant(at),
      localDate: localDateOf(at, timeZone),
      localTime: localTimeOf(at, timeZone),
      dosageIndex,
      dosage,
    });
  };
  (request.dosageInstruction ?? []).forEach((dosage, dosageIndex) => {
    if (dosage.asNeededBoolean || dosage.asNeededCodeableConcept) return;
    const repeat = dosage.timing?.repeat;
    if (!repeat) return;
    const bounds = boundsOf(request, repeat);
    const within = (ms: number) =>
      (bounds.start === undefined || ms >= bounds.start) && (bounds.end === undefined || ms < bounds.end);
    const unit = repeat.periodUnit ?? 'd';
    const period = Math.max(1, repeat.period ?? 1);
    if (unit === 'h' || unit === 'min') {
      if (bounds.start === undefined) return;
      const step = (period * (unit === 'h' ? 3_600_000 : 60_000)) / Math.max(1, repeat.frequency ?? 1);
      const first = bounds.start + Math.max(0, Math.ceil((from.getTime() - bounds.start) / step)) * step;
      for (let ms = first; ms < to.getTime() && within(ms); ms += step)
        add(Math.floor(ms / 60_000) * 60_000, dosage, dosageIndex);
      return;
    }
    if (unit !== 'd' && unit !== 'wk') return;
    const times = clockTimes(repeat);
    const firstDay = bounds.start !== undefined ? localDateOf(new Date(bounds.start), timeZone) : undefined;
    // One day either side: a local day's doses may fall outside its UTC day.
    const lastDay = addDays(localDateOf(to, timeZone), 1);
    for (let day = addDays(localDateOf(from, timeZone), -1); day <= lastDay; day = addDays(day, 1)) {
      if (repeat.dayOfWeek?.length && !repeat.dayOfWeek.includes(dayOfWeekOf(day))) continue;
      if (unit === 'd' && period > 1 && firstDay !== undefined && daysBetween(firstDay, day) % period !== 0) continue;
      if (unit === 'wk' && period > 1 && firstDay !== undefined && Math.floor(daysBetween(firstDay, day) / 7) % period !== 0)
        continue;
      for (const time of times) {
        const ms = instantAt(day, time, timeZone).getTime();
        if (within(ms)) add(ms, dosage, dosageIndex);
      }
    }
  });
  return [...byInstant.values()].sort((a, b) => a.scheduledAt.localeCompare(b.scheduledAt));
}

/** Whether the prescription's timing schedules a dose at that instant (asked of an administration's scheduled time). */
export function schedulesDoseAt(request: MedicationRequest, scheduledAt: string, timeZone = CARE_TIME_ZONE): boolean {
  const at = Date.parse(scheduledAt);
  if (Number.isNaN(at)) return false;
  return expandDoses(request, new Date(at), new Date(at + 60_000), timeZone).some((d) => Date.parse(d.scheduledAt) === at);
}

/** Whether every dosage line is "as needed": such doses have no schedule, the given time is their instant. */
export function isAsNeededOnly(request: MedicationRequest): boolean {
  const lines = request.dosageInstruction ?? [];
  return lines.length > 0 && lines.every((d) => d.asNeededBoolean || d.asNeededCodeableConcept);
}

// ── Administration ──

export const DOSE_OUTCOMES = ['given', 'held', 'refused', 'missed'] as const;
export type DoseOutcome = (typeof DOSE_OUTCOMES)[number];

/** MedicationAdministration.status of each outcome. */
export const STATUS_OF_OUTCOME: Record<DoseOutcome, 'completed' | 'not-done'> = {
  given: 'completed',
  held: 'not-done',
  refused: 'not-done',
  missed: 'not-done',
};

/** Why a dose was not given (DOSE_REASON_SYSTEM); `other` needs words in statusReason.text. */
export const DOSE_REASONS = [
  'patient-refused',
  'patient-asleep',
  'patient-absent',
  'nil-by-mouth',
  'vital-sign-out-of-range',
  'vomiting',
  'drug-unavailable',
  'prescriber-decision',
  'other',
] as const;
export type DoseReason = (typeof DOSE_REASONS)[number];

export function doseOutcomeOf(administration: MedicationAdministration): DoseOutcome | undefined {
  const code = extensionOf(administration.extension, DOSE_OUTCOME_URL)?.valueCode;
  return (DOSE_OUTCOMES as readonly string[]).includes(code ?? '') ? (code as DoseOutcome) : undefined;
}

export function scheduledAtOf(administration: MedicationAdministration): string | undefined {
  return extensionOf(administration.extension, DOSE_SCHEDULED_AT_URL)?.valueDateTime;
}

/** The prescription an administration follows (`MedicationRequest/<id>`). */
export function requestOf(administration: MedicationAdministration): string | undefined {
  const ref = administration.request?.reference;
  return ref?.startsWith('MedicationRequest/') ? ref : undefined;
}

/** The reason a dose was not given: its code (DOSE_REASON_SYSTEM) and free text. */
export function doseReasonOf(administration: MedicationAdministration): { code?: DoseReason; text?: string } {
  const reason = administration.statusReason?.[0];
  const code = codeIn(reason, DOSE_REASON_SYSTEM);
  const text = reason?.text?.trim();
  return {
    ...(code && (DOSE_REASONS as readonly string[]).includes(code) ? { code: code as DoseReason } : {}),
    ...(text ? { text } : {}),
  };
}

// ── Second-person check ──

export type SecondCheckState = 'asserted' | 'countersigned';
export type SecondCheck = { state: 'none' } | { state: SecondCheckState; verifier: string; performerIndex: number };

const isVerifier = (performer: NonNullable<MedicationAdministration['performer']>[number]) =>
  hasCoding(performer.function, ADMINISTRATION_PERFORMER_FUNCTION_SYSTEM, 'verifier');

/**
 * The second person's check of a dose: `asserted` when the nurse who gave it names who checked, `countersigned`
 * once that person confirmed it themselves. Only `countersigned` is a verified check; an asserted one must never
 * be shown as verified.
 */
export function secondCheckOf(administration: MedicationAdministration): SecondCheck {
  const index = (administration.performer ?? []).findIndex(isVerifier);
  if (index < 0) return { state: 'none' };
  const performer = administration.performer![index]!;
  const state = extensionOf(performer.extension, SECOND_CHECK_URL)?.valueCode === 'countersigned' ? 'countersigned' : 'asserted';
  return { state, verifier: performer.actor?.reference ?? '', performerIndex: index };
}

export function isVerified(check: SecondCheck): boolean {
  return check.state === 'countersigned';
}

/** Who gave (or did not give) the dose: the performer that is not the verifier. */
export function administeredBy(administration: MedicationAdministration): string | undefined {
  return administration.performer?.find((p) => !isVerifier(p))?.actor?.reference;
}

export interface AdministrationInput {
  request: MedicationRequest;
  scheduledAt: string | Date;
  outcome: DoseOutcome;
  /** When it was given (or the decision taken); FHIR dateTime. */
  effective: string;
  performer: string; // Practitioner/<id>
  reason?: { code?: DoseReason; text?: string };
  /** The second person who checked (asserted: the performer says so). */
  checkedBy?: string;
  note?: string;
}

/** The MedicationAdministration of one scheduled dose, with its deterministic id. */
export function administrationOf(input: AdministrationInput): MedicationAdministration {
  const scheduledAt = scheduledInstant(input.scheduledAt);
  const performer: NonNullable<MedicationAdministration['performer']> = [
    {
      actor: { reference: input.performer },
      function: { coding: [{ system: ADMINISTRATION_PERFORMER_FUNCTION_SYSTEM, code: 'performer' }] },
    },
  ];
  if (input.checkedBy)
    performer.push({
      actor: { reference: input.checkedBy },
      function: { coding: [{ system: ADMINISTRATION_PERFORMER_FUNCTION_SYSTEM, code: 'verifier' }] },
      extension: [{ url: SECOND_CHECK_URL, valueCode: 'asserted' }],
    });
  const reason = input.reason;
  const medication = input.request.medicationCodeableConcept
    ? { medicationCodeableConcept: input.request.medicationCodeableConcept }
    : { medicationReference: input.request.medicationReference as Reference };
  const extension: Extension[] = [
    { url: DOSE_OUTCOME_URL, valueCode: input.outcome },
    { url: DOSE_SCHEDULED_AT_URL, valueDateTime: scheduledAt },
  ];
  return {
    resourceType: 'MedicationAdministration',
    id: doseId(input.request.id!, scheduledAt),
    extension,
    status: STATUS_OF_OUTCOME[input.outcome],
    ...(input.outcome !== 'given' && reason && (reason.code || reason.text)
      ? {
          statusReason: [
            {
              ...(reason.code ? { coding: [{ system: DOSE_REASON_SYSTEM, code: reason.code }] } : {}),
              ...(reason.text ? { text: reason.text } : {}),
            },
          ],
        }
      : {}),
    ...medication,
    subject: input.request.subject,
    effectiveDateTime: input.effective,
    performer,
    request: { reference: `MedicationRequest/${input.request.id}` },
    ...(input.request.dosageInstruction?.[0]?.doseAndRate?.[0]?.doseQuantity
      ? { dosage: { dose: input.request.dosageInstruction[0].doseAndRate[0].doseQuantity } }
      : {}),
    ...(input.note ? { note: [{ text: input.note }] } : {}),
  };
}

/**
 * The rules an administration breaks on its own (the platform adds those that need the prescription:
 * `prescriptionProblems`). Outcome, status and reason agree; the id is the dose's.
 */
export function administrationProblems(administration: MedicationAdministration): CareProblem[] {
  const problems: CareProblem[] = [];
  const outcome = doseOutcomeOf(administration);
  if (!outcome) {
    problems.push(
      problem(
        `MedicationAdministration.extension(${DOSE_OUTCOME_URL})`,
        'dose-outcome',
        'MedicationAdministration.extension: a dose of the round says its outcome (given, held, refused or missed)',
      ),
    );
  } else if (administration.status !== 'entered-in-error' && administration.status !== STATUS_OF_OUTCOME[outcome]) {
    problems.push(
      problem(
        'MedicationAdministration.status',
        'dose-outcome',
        `MedicationAdministration.status: a ${outcome} dose has status "${STATUS_OF_OUTCOME[outcome]}", not "${administration.status}"`,
        { outcome, status: administration.status },
      ),
    );
  }
  if (outcome && outcome !== 'given') {
    const reason = doseReasonOf(administration);
    if (!reason.code && !reason.text)
      problems.push(
        problem(
          'MedicationAdministration.statusReason',
          'reason-required',
          `MedicationAdministration.statusReason: a ${outcome} dose needs its reason`,
          { outcome },
        ),
      );
    else if (reason.code === 'other' && !reason.text)
      problems.push(
        problem(
          'MedicationAdministration.statusReason.text',
          'reason-required',
          'MedicationAdministration.statusReason.text: the reason "other" needs words',
          { outcome },
        ),
      );
  }
  const request = requestOf(administration);
  if (!request)
    problems.push(
      problem(
        'MedicationAdministration.request',
        'dose-request',
        'MedicationAdministration.request: a dose names its MedicationRequest',
      ),
    );
  const scheduledAt = scheduledAtOf(administration);
  let scheduled: string | undefined;
  try {
    scheduled = scheduledAt === undefined ? undefined : scheduledInstant(scheduledAt);
  } catch {
    scheduled = undefined;
  }
  if (!scheduled)
    problems.push(
      problem(
        `MedicationAdministration.extension(${DOSE_SCHEDULED_AT_URL})`,
        'dose-scheduled-at',
        `MedicationAdministration.extension: the dose's scheduled instant (valueDateTime, whole minutes) is required${scheduledAt ? `, not "${scheduledAt}"` : ''}`,
      ),
    );
  if (request && scheduled) {
    const expected = doseId(request.slice('MedicationRequest/'.length), scheduled);
    if (administration.id !== undefined && administration.id !== expected)
      problems.push(
        problem(
          'MedicationAdministration.id',
          'dose-id',
          `MedicationAdministration.id: "${administration.id}" is not the id of the dose ${request} at ${scheduled} (expected "${expected}")`,
          { expected },
        ),
      );
  }
  const check = secondCheckOf(administration);
  if (check.state !== 'none' && !check.verifier.startsWith('Practitioner/'))
    problems.push(
      problem(
        `MedicationAdministration.performer[${check.performerIndex}].actor`,
        'second-check',
        `MedicationAdministration.performer[${check.performerIndex}].actor: a second-person check names the Practitioner who checked`,
      ),
    );
  return problems;
}

/** The rules an administration breaks against its prescription: stopped, or a time the timing does not schedule. */
export function prescriptionProblems(administration: MedicationAdministration, request: MedicationRequest): CareProblem[] {
  if (!acceptsDoses(request))
    return [
      problem(
        'MedicationAdministration.request',
        'prescription-not-active',
        `MedicationAdministration.request: MedicationRequest/${request.id} is ${request.status}: no dose can be recorded against it`,
        { status: request.status ?? '' },
      ),
    ];
  const scheduledAt = scheduledAtOf(administration);
  if (scheduledAt && !isAsNeededOnly(request) && !schedulesDoseAt(request, scheduledAt))
    return [
      problem(
        `MedicationAdministration.extension(${DOSE_SCHEDULED_AT_URL})`,
        'dose-scheduled-at',
        `MedicationAdministration.extension: MedicationRequest/${request.id} schedules no dose at ${scheduledAt}`,
        { scheduledAt },
      ),
    ];
  return [];
}
