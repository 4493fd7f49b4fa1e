/**
 * The care records API (IdeoMed, issue 11): one schema pair per method. Inputs are checked here for
 * shape only; the clinical rules (units, components, plausible ranges, a reason for every dose not
 * given, no dose for a stopped prescription) are the core's, which names the field and the rule
 * (`ApiError.rule`) so the screen can say it in the user's language.
 */
import { z } from 'zod';
import { DOSE_OUTCOMES, DOSE_REASONS } from '../domain/care-medication';
import { SOAP_PARTS, WOUND_STAGES } from '../domain/care-records';
import { VITAL_KINDS } from '../domain/care-vitals';
import { followsFhirStringRule } from '../domain/fhir-string';
import { defineMethod } from './contract';

const id = z.string().min(1).max(64);
const instant = z.iso.datetime({ offset: true });
const day = z.iso.date();
/** Free clinical text: FHIR's string rule (no control characters but tab, CR and LF). */
const clinicalText = (max: number) =>
  z.string().max(max).refine(followsFhirStringRule, 'no control characters but tab, CR and LF');

/** The vital signs a nurse records, each with its FHIR vital-signs code on the wire. */
export const vitalKind = z.enum(VITAL_KINDS);

/** One measurement as typed: a blood pressure has its two components, every other kind a value. */
export const vitalInput = z
  .object({
    kind: vitalKind,
    value: z.number().finite().optional(),
    systolic: z.number().finite().optional(),
    diastolic: z.number().finite().optional(),
    /** UCUM, e.g. `Cel`, `mm[Hg]`, `/min`, `%`, `kg`, `{score}`, `mg/dL` or `mmol/L`. */
    unit: z.string().min(1).max(20),
  })
  .strict();
export type VitalInput = z.infer<typeof vitalInput>;

/** Where a value stands against its range: the flag a chart and the handover show. */
export const vitalFlag = z.enum(['normal', 'low', 'high']);

export const vitalPoint = z.object({
  id: z.string(),
  at: z.string(),
  value: z.number().nullable(),
  systolic: z.number().nullable(),
  diastolic: z.number().nullable(),
  unit: z.string(),
  flag: vitalFlag,
  pending: z.boolean(),
  /** This value corrects an earlier one (its reason), or was corrected. */
  correction: z.string().nullable(),
});
export type VitalPoint = z.infer<typeof vitalPoint>;

export const vitalSeries = z.object({
  kind: vitalKind,
  unit: z.string(),
  /** The normal range shaded on the chart (for a blood pressure: the systolic one; `low2/high2` the diastolic). */
  low: z.number().nullable(),
  high: z.number().nullable(),
  low2: z.number().nullable(),
  high2: z.number().nullable(),
  points: z.array(vitalPoint),
});
export type VitalSeries = z.infer<typeof vitalSeries>;

export const doseOutcome = z.enum(DOSE_OUTCOMES);
export const doseReason = z.enum(DOSE_REASONS);

/** A second person's check: asserted when recorded, verified only once that person countersigned. */
export const secondCheck = z.object({
  by: z.string(),
  byName: z.string().nullable(),
  state: z.enum(['asserted', 'countersigned']),
});

/** One scheduled dose of a shift's round. */
export const roundDose = z.object({
  /** Deterministic: the prescription and the scheduled instant (two nurses' records of it are one record). */
  doseId: z.string(),
  requestId: z.string(),
  patientId: z.string(),
  patientName: z.string(),
  medication: z.string(),
  dosage: z.string().nullable(),
  scheduledAt: z.string(),
  /** `due` and `overdue` until recorded. */
  state: z.enum(['due', 'overdue', ...DOSE_OUTCOMES]),
  reason: z.object({ code: doseReason.nullable(), text: z.string().nullable() }).nullable(),
  recordedBy: z.string().nullable(),
  recordedAt: z.string().nullable(),
  check: secondCheck.nullable(),
  pending: z.boolean(),
  /** A conflict waits for a decision on this dose (two records of it). */
  inConflict: z.boolean(),
});
export type RoundDose = z.infer<typeof roundDose>;

export const carePatient = z.object({
  id: z.string(),
  name: z.string(),
  birthDate: z.string().nullable(),
  organization: z.string().nullable(),
  /** Today's to-dos: open tasks, doses still to give today, and abnormal values of the last 24 h. */
  openTasks: z.number().int().nonnegative(),
  dosesDue: z.number().int().nonnegative(),
  dosesOverdue: z.number().int().nonnegative(),
  abnormal: z.number().int().nonnegative(),
  pending: z.number().int().nonnegative(),
});
export type CarePatient = z.infer<typeof carePatient>;

export const careTask = z.object({
  id: z.string(),
  patientId: z.string(),
  description: z.string(),
  status: z.string(),
  due: z.string().nullable(),
  pending: z.boolean(),
});

export const careNote = z.object({
  id: z.string(),
  at: z.string(),
  author: z.string().nullable(),
  kind: z.enum(['soap', 'free']),
  text: z.string().nullable(),
  soap: z.partialRecord(z.enum(SOAP_PARTS), z.string()).nullable(),
  pending: z.boolean(),
  /** This version corrects an earlier one: its reason (the earlier text stays in the record's history). */
  correction: z.string().nullable(),
});
export type CareNote = z.infer<typeof careNote>;

export const woundPhoto = z.object({
  /** `Binary/<id>` (or `Media/<id>`) as the assessment names it. */
  reference: z.string(),
  at: z.string(),
  /** Bytes on this device; null when not downloaded yet (offline before preparing). */
  bytes: z.number().int().nonnegative().nullable(),
  pending: z.boolean(),
});

export const wound = z.object({
  id: z.string(),
  site: z.string(),
  /** The measurements over time, oldest first. */
  description: z.string().nullable(),
  assessments: z.array(
    z.object({
      id: z.string(),
      at: z.string(),
      /** Centimetres. */
      length: z.number().nullable(),
      width: z.number().nullable(),
      depth: z.number().nullable(),
      stage: z.string().nullable(),
      pending: z.boolean(),
      photos: z.array(z.string()),
    }),
  ),
  photos: z.array(woundPhoto),
});

export const medicationLine = z.object({
  requestId: z.string(),
  medication: z.string(),
  dosage: z.string().nullable(),
  times: z.array(z.string()),
  status: z.string(),
});

export const careChart = z.object({
  patient: z.object({
    id: z.string(),
    name: z.string(),
    birthDate: z.string().nullable(),
    gender: z.string().nullable(),
    matricule: z.string().nullable(),
    episode: z.string().nullable(),
  }),
  carePlan: z
    .object({
      id: z.string(),
      title: z.string(),
      versionId: z.number().int().nonnegative(),
      description: z.string().nullable(),
      activities: z.array(z.string()),
      goals: z.array(z.string()),
      pending: z.boolean(),
    })
    .nullable(),
  tasks: z.array(careTask),
  notes: z.array(careNote),
  latestVitals: z.array(vitalPoint.extend({ kind: vitalKind })),
  wounds: z.array(wound),
  medications: z.array(medicationLine),
  pending: z.number().int().nonnegative(),
});
export type CareChart = z.infer<typeof careChart>;

export const roundVisit = z.object({
  patientId: z.string(),
  patientName: z.string(),
  start: z.string(),
  end: z.string().nullable(),
  address: z.string().nullable(),
  description: z.string().nullable(),
});
export type RoundVisit = z.infer<typeof roundVisit>;

/** What is on this device for one patient of the round, counted from the cache itself (never assumed). */
export const patientReadiness = z.object({
  patientId: z.string(),
  patientName: z.string(),
  pinned: z.boolean(),
  ready: z.boolean(),
  /** What is missing, when not ready: each a thing a nurse understands. */
  missing: z.array(z.enum(['identity', 'care-plan', 'medication-plan', 'dsp-content', 'photos', 'not-in-care'])),
  careRecords: z.number().int().nonnegative(),
  dspDocuments: z.number().int().nonnegative(),
  photos: z.number().int().nonnegative(),
  bytesOnDisk: z.number().int().nonnegative(),
});
export type PatientReadiness = z.infer<typeof patientReadiness>;

export const handover = z.object({
  since: z.string(),
  /** The last handover on record for the patients in the user's care (theirs or a colleague's), if any. */
  last: z.object({ at: z.string(), by: z.string(), byName: z.string() }).nullable(),
  openTasks: z.array(careTask.extend({ patientName: z.string() })),
  abnormal: z.array(vitalPoint.extend({ kind: vitalKind, patientId: z.string(), patientName: z.string() })),
  notes: z.array(careNote.extend({ patientId: z.string(), patientName: z.string() })),
  dosesNotGiven: z.array(roundDose),
});
export type Handover = z.infer<typeof handover>;

/** One nurse's record of a dose, in clinical words. */
export const doseRecordView = z.object({
  by: z.string().nullable(),
  outcome: doseOutcome.nullable(),
  at: z.string().nullable(),
  reason: z.object({ code: doseReason.nullable(), text: z.string().nullable() }).nullable(),
  check: secondCheck.nullable(),
});

/**
 * Two records of the same dose (two nurses offline): who recorded what, when, for which dose. A person decides —
 * keep the colleague's record, or replace it by this device's as a correction with its reason; never both.
 */
export const doseConflict = z.object({
  opId: z.string(),
  doseId: z.string(),
  patientId: z.string().nullable(),
  patientName: z.string().nullable(),
  medication: z.string(),
  scheduledAt: z.string().nullable(),
  mine: doseRecordView,
  /** Null when the platform refused without sending its version. */
  theirs: doseRecordView.nullable(),
  reason: z.string(),
});
export type DoseConflict = z.infer<typeof doseConflict>;

const soapInput = z
  .object({
    subjective: clinicalText(4000).optional(),
    objective: clinicalText(4000).optional(),
    assessment: clinicalText(4000).optional(),
    plan: clinicalText(4000).optional(),
  })
  .strict();
const noteInput = z
  .object({
    patientId: id,
    kind: z.enum(['soap', 'free']),
    text: clinicalText(20_000).optional(),
    soap: soapInput.optional(),
  })
  .strict();

const photoInput = z
  .object({
    contentType: z.enum(['image/jpeg', 'image/png']),
    /** Base64 of at most 10 MB. */
    data: z
      .string()
      .min(1)
      .max(Math.ceil((10 * 1024 * 1024) / 3) * 4, 'at most 10 MB')
      .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64'),
  })
  .strict();

const shift = z.enum(['morning', 'afternoon', 'night']);
export type Shift = z.infer<typeof shift>;

export const careMethods = {
  /** Residents or home patients in this professional's care, with today's to-dos. */
  patients: defineMethod(z.object({}).strict(), z.array(carePatient)),
  chart: defineMethod(z.object({ patientId: id }).strict(), careChart),
  /** One vital sign over a period (days or weeks), with its range for shading. */
  vitals: defineMethod(z.object({ patientId: id, kind: vitalKind, from: day, to: day }).strict(), vitalSeries),
  addVitals: defineMethod(
    z.object({ patientId: id, at: instant.optional(), entries: z.array(vitalInput).min(1).max(VITAL_KINDS.length) }).strict(),
    z.object({ ids: z.array(z.string()) }),
  ),
  /** A correction is a new version with its reason; the old value stays in the record's history. */
  correctVital: defineMethod(
    z.object({ id, entry: vitalInput, reason: clinicalText(500).pipe(z.string().trim().min(1)) }).strict(),
    z.object({ id: z.string() }),
  ),
  noteDraft: defineMethod(z.object({ patientId: id }).strict(), noteInput.omit({ patientId: true }).nullable()),
  /** Keeps unsaved note text on this device (encrypted), until saved or discarded. */
  saveNoteDraft: defineMethod(noteInput, z.object({})),
  discardNoteDraft: defineMethod(z.object({ patientId: id }).strict(), z.object({})),
  addNote: defineMethod(noteInput, z.object({ id: z.string() })),
  correctNote: defineMethod(
    noteInput.omit({ patientId: true }).extend({ id, reason: clinicalText(500).pipe(z.string().trim().min(1)) }),
    z.object({ id: z.string() }),
  ),
  /** The medication round of a shift (Europe/Luxembourg time): one row per scheduled dose. */
  round: defineMethod(z.object({ date: day, shift, patientId: id.optional() }).strict(), z.array(roundDose)),
  recordAdministration: defineMethod(
    z
      .object({
        requestId: id,
        scheduledAt: instant,
        outcome: doseOutcome,
        /** Required for every outcome but `given`: a coded reason, with words for `other`. */
        reason: z
          .object({ code: doseReason, text: clinicalText(500).optional() })
          .strict()
          .optional(),
        /** The colleague who checked with the nurse (`Practitioner/…`): asserted until they countersign. */
        checkedBy: z.string().max(100).optional(),
      })
      .strict(),
    z.object({ doseId: z.string() }),
  ),
  doseConflicts: defineMethod(z.object({}).strict(), z.array(doseConflict)),
  resolveDoseConflict: defineMethod(
    z
      .object({
        opId: z.string().min(1).max(128),
        keep: z.enum(['theirs', 'mine']),
        /** Required to keep this device's record: it replaces the colleague's as a correction. */
        reason: clinicalText(500).optional(),
      })
      .strict(),
    z.object({}),
  ),
  countersign: defineMethod(z.object({ doseId: id }).strict(), z.object({ doseId: z.string() })),
  editCarePlan: defineMethod(
    z
      .object({ id, baseVersion: z.number().int().nonnegative(), description: clinicalText(4000), reason: clinicalText(500) })
      .strict(),
    z.object({ id: z.string() }),
  ),
  addWoundAssessment: defineMethod(
    z
      .object({
        patientId: id,
        woundId: id.optional(),
        /** A new wound: where, and what it is. */
        bodySite: clinicalText(200).optional(),
        description: clinicalText(200).optional(),
        /** Centimetres. */
        length: z.number().finite().optional(),
        width: z.number().finite().optional(),
        depth: z.number().finite().optional(),
        stage: z.enum(WOUND_STAGES).optional(),
        photo: photoInput.optional(),
      })
      .strict(),
    z.object({ woundId: z.string(), assessmentId: z.string(), photo: z.string().nullable() }),
  ),
  /** A wound photo's bytes (base64) from this device, or null when not here yet. */
  photo: defineMethod(
    z.object({ reference: z.string().regex(/^Binary\/[A-Za-z0-9\-.]{1,64}$/) }).strict(),
    z.object({ contentType: z.string(), data: z.string() }).nullable(),
  ),
  /** "Ma tournée": the visits of a day (tomorrow by default on the screen). */
  visits: defineMethod(z.object({ date: day }).strict(), z.array(roundVisit)),
  /** Pins every patient of the day's round and brings what they need onto this device; readiness after. */
  prepareRound: defineMethod(z.object({ date: day }).strict(), z.array(patientReadiness)),
  readiness: defineMethod(z.object({ date: day }).strict(), z.array(patientReadiness)),
  /** Open tasks, abnormal values, notes and doses not given since the last handover (or `since`). */
  handover: defineMethod(z.object({ since: instant.optional() }).strict(), handover),
  /** Records the handover, one record per patient in the user's care, that colleagues receive at their next sync. */
  completeHandover: defineMethod(z.object({}).strict(), z.object({ at: z.string(), records: z.number().int().nonnegative() })),
};
