/**
 * What the care index (migration 0150) keeps of a care record: its patient, its kind, the instant it is
 * about, and the few numbers a chart or a round needs, so the screens read an index range instead of
 * parsing records. Pure: reads a FHIR resource, touches nothing.
 */
import type {
  Appointment,
  CarePlan,
  Condition,
  Encounter,
  EpisodeOfCare,
  Goal,
  MedicationAdministration,
  MedicationRequest,
  Observation,
  Resource,
  Task,
} from 'fhir/r4';
import { isRcpRecord } from '../../../src-shared/domain/rcp';
import {
  isHandover,
  isNursingNote,
  isWound,
  isWoundAssessment,
  readVitalSign,
  scheduledAtOf,
  type VitalKind,
} from '../../../src-shared/domain/care';

export type CareIndexKind =
  | VitalKind
  | 'note'
  | 'wound'
  | 'wound-assessment'
  | 'handover'
  | 'medication'
  | 'administration'
  | 'task'
  | 'visit'
  | 'careplan'
  | 'goal'
  | 'episode';

export interface CareIndexRow {
  patientId: string;
  kind: CareIndexKind;
  at: string | null;
  status: string | null;
  num1: number | null;
  num2: number | null;
  unit: string | null;
  /** What the record belongs to: a prescription (administration), a wound (assessment, photo). */
  ref: string | null;
}

const patientIdOf = (reference: string | undefined): string | null =>
  reference?.startsWith('Patient/') ? reference.slice('Patient/'.length) : null;

function row(patient: string | undefined, kind: CareIndexKind, fields: Partial<Omit<CareIndexRow, 'patientId' | 'kind'>>) {
  const patientId = patientIdOf(patient);
  if (!patientId) return null;
  return {
    patientId,
    kind,
    at: fields.at ?? null,
    status: fields.status ?? null,
    num1: fields.num1 ?? null,
    num2: fields.num2 ?? null,
    unit: fields.unit ?? null,
    ref: fields.ref ?? null,
  };
}

function observationRow(o: Observation): CareIndexRow | null {
  const at = o.effectiveDateTime ?? o.effectivePeriod?.start ?? o.issued ?? null;
  const vital = readVitalSign(o);
  if (vital) {
    // Blood pressure: systolic in num1, diastolic in num2 (the panel's components, whatever their order).
    const first = vital.readings.find((r) => r.measure.id !== 'diastolic') ?? vital.readings[0]!;
    const diastolic = vital.readings.find((r) => r.measure.id === 'diastolic');
    return row(o.subject?.reference, vital.kind, {
      at,
      status: o.status,
      num1: first.measure.id === 'diastolic' ? null : first.value,
      num2: diastolic?.value ?? null,
      unit: first.measure.unit,
    });
  }
  if (isNursingNote(o)) return row(o.subject?.reference, 'note', { at, status: o.status });
  if (isHandover(o)) return row(o.subject?.reference, 'handover', { at, status: o.status });
  if (isWoundAssessment(o)) {
    return row(o.subject?.reference, 'wound-assessment', {
      at,
      status: o.status,
      ref: o.focus?.[0]?.reference ?? null,
    });
  }
  return null;
}

/** The index row of a care record, or null for anything the care screens do not list. */
export function careIndexRowOf(type: string, _id: string, resource: unknown): CareIndexRow | null {
  // A tumour board's case, staging or proposal is no care to-do or vital sign (the RCP index holds it).
  if (isRcpRecord(resource as Resource)) return null;
  switch (type) {
    case 'Observation':
      return observationRow(resource as Observation);
    case 'Condition': {
      const c = resource as Condition;
      return isWound(c)
        ? row(c.subject?.reference, 'wound', {
            at: c.recordedDate ?? c.onsetDateTime ?? null,
            status: c.clinicalStatus?.coding?.[0]?.code ?? null,
          })
        : null;
    }
    case 'MedicationRequest': {
      const r = resource as MedicationRequest;
      return row(r.subject?.reference, 'medication', { at: r.authoredOn ?? null, status: r.status });
    }
    case 'MedicationAdministration': {
      const a = resource as MedicationAdministration;
      return row(a.subject?.reference, 'administration', {
        at: scheduledAtOf(a) ?? a.effectiveDateTime ?? null,
        status: a.status,
        ref: a.request?.reference ?? null,
      });
    }
    case 'Task': {
      const t = resource as Task;
      return row(t.for?.reference, 'task', {
        at: t.executionPeriod?.end ?? t.executionPeriod?.start ?? t.authoredOn ?? null,
        status: t.status,
      });
    }
    case 'Appointment': {
      const a = resource as Appointment;
      const patient = a.participant?.find((p) => p.actor?.reference?.startsWith('Patient/'))?.actor?.reference;
      return row(patient, 'visit', { at: a.start ?? null, status: a.status });
    }
    case 'Encounter': {
      const e = resource as Encounter;
      return e.status === 'planned'
        ? row(e.subject?.reference, 'visit', { at: e.period?.start ?? null, status: e.status })
        : null;
    }
    case 'CarePlan': {
      const p = resource as CarePlan;
      return p.intent === 'proposal'
        ? null
        : row(p.subject?.reference, 'careplan', { at: p.period?.start ?? p.created ?? null, status: p.status });
    }
    case 'Goal': {
      const g = resource as Goal;
      return row(g.subject?.reference, 'goal', { at: g.startDate ?? null, status: g.lifecycleStatus });
    }
    case 'EpisodeOfCare': {
      const e = resource as EpisodeOfCare;
      return row(e.patient?.reference, 'episode', {
        at: e.period?.start ?? null,
        status: e.status,
        ref: e.managingOrganization?.reference ?? null,
      });
    }
    default:
      return null;
  }
}
