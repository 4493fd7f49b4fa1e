/**
 * Reading the tumour boards out of the cache: a meeting's participants with their directory names and
 * specialties, the cases on its agenda (agenda entries, then cases registered for it that the platform has
 * not yet put there), and the facts of a case (diagnosis, staging, proposal) from the RCP index
 * (migration 0160) — shared by the screens' views and the minutes.
 */
import type { Appointment, CarePlan, Condition, List, Observation, Patient, Practitioner, Task } from 'fhir/r4';
import type { RcpAnswer, RcpParticipantView, RcpStagingInput } from '../../../src-shared/api';
import {
  agendaOf,
  casesOnAgenda,
  participantsOf,
  RCP_ALTERNATIVE_EXTENSION,
  RCP_DISSENT_EXTENSION,
  RCP_SPECIALTY_PRESENT_EXTENSION,
  RCP_STAGING_CODES,
  SPECIALTY_SYSTEM,
  type RcpStagingKind,
} from '../../../src-shared/domain/rcp';
import { displayNameOf } from '../messaging/directory-lookup';
import { patientDisplayName, type Store } from '../store';
import type { IndexedRcpRecord } from '../store/rcp-index';

const STAGING_BY_CODE = new Map<string, RcpStagingKind>(
  Object.entries(RCP_STAGING_CODES).map(([kind, code]): [string, RcpStagingKind] => [code, kind as RcpStagingKind]),
);

export class RcpRecords {
  constructor(readonly store: Store) {}

  get<T extends fhir4.FhirResource>(reference: string | null | undefined): T | undefined {
    const [type, id] = reference?.split('/') ?? [];
    return type && id ? this.store.resources.get<T>(type, id)?.resource : undefined;
  }

  /** Written here and not yet acknowledged by the platform. */
  pending(reference: string): boolean {
    const [type, id] = reference.split('/');
    return this.store.resources.versionOf(type!, id!)?.versionId === 0 || this.store.outbox.unackedFor(reference).length > 0;
  }

  nameOf(reference: string | null | undefined): string | null {
    if (!reference) return null;
    return displayNameOf(this.get<Practitioner>(reference), reference);
  }

  patientName(reference: string | null | undefined): string {
    if (!reference) return '—';
    return patientDisplayName(this.get<Patient>(reference), reference.replace(/^Patient\//, ''));
  }

  specialtiesOf(reference: string): string[] {
    const practitioner = this.get<Practitioner>(reference);
    return (practitioner?.qualification ?? []).flatMap((q) =>
      (q.code.coding ?? []).flatMap((c) => (c.system === SPECIALTY_SYSTEM && c.code ? [c.code] : [])),
    );
  }

  participants(meeting: Appointment): RcpParticipantView[] {
    return participantsOf(meeting).map((p) => ({
      reference: p.actor,
      name: this.nameOf(p.actor) ?? p.actor,
      specialties: this.specialtiesOf(p.actor),
      role: p.role,
      answer: p.status as RcpAnswer,
    }));
  }

  agenda(meeting: Appointment): List | undefined {
    return this.get<List>(agendaOf(meeting));
  }

  /** "Task/<id>" of the cases of a meeting, in agenda order, then those registered for it and not yet on it. */
  caseRefs(meetingId: string, meeting: Appointment): string[] {
    const list = this.agenda(meeting);
    const onAgenda = list ? casesOnAgenda(list) : [];
    const registered = this.store.rcp
      .ofMeeting(`Appointment/${meetingId}`)
      .filter((r) => r.kind === 'case')
      .map((r) => `Task/${r.id}`);
    return [...new Set([...onAgenda, ...registered])];
  }

  /** The records of these cases from the index, grouped by case. */
  recordsByCase(caseRefs: readonly string[]): Map<string, IndexedRcpRecord[]> {
    const grouped = new Map<string, IndexedRcpRecord[]>(caseRefs.map((ref) => [ref, []]));
    for (const row of this.store.rcp.ofCases(caseRefs)) grouped.get(row.caseRef!)?.push(row);
    return grouped;
  }

  diagnosis(records: readonly IndexedRcpRecord[]): string | null {
    const row = records.find((r) => r.kind === 'condition');
    const condition = row ? this.get<Condition>(`Condition/${row.id}`) : undefined;
    return condition?.code?.text ?? condition?.code?.coding?.[0]?.display ?? null;
  }

  staging(records: readonly IndexedRcpRecord[]): RcpStagingInput {
    const staging: Record<string, string> = {};
    for (const row of records) {
      if (row.kind !== 'staging') continue;
      const observation = this.get<Observation>(`Observation/${row.id}`);
      const code = observation?.code.coding?.find((c) => STAGING_BY_CODE.has(c.code ?? ''))?.code;
      const kind = code ? STAGING_BY_CODE.get(code) : undefined;
      const value = observation?.valueString ?? observation?.valueCodeableConcept?.text;
      if (kind && value) staging[kind] = value;
    }
    return staging as RcpStagingInput;
  }

  /** The proposal made for a case at a meeting. */
  proposal(records: readonly IndexedRcpRecord[], meetingId: string): { row: IndexedRcpRecord; plan: CarePlan } | undefined {
    const row = records.find((r) => r.kind === 'proposal' && r.meetingRef === `Appointment/${meetingId}`);
    const plan = row ? this.get<CarePlan>(`CarePlan/${row.id}`) : undefined;
    return row && plan ? { row, plan } : undefined;
  }

  /** The current minutes of a case (the newest when several are cached). */
  currentMinutes(records: readonly IndexedRcpRecord[]): IndexedRcpRecord | undefined {
    return records
      .filter((r) => r.kind === 'minutes')
      .filter((r) => this.get<fhir4.DocumentReference>(`DocumentReference/${r.id}`)?.status === 'current')
      .sort((a, b) => (b.at ?? '').localeCompare(a.at ?? ''))[0];
  }

  task(reference: string): Task | undefined {
    return this.get<Task>(reference);
  }
}

/** "cT2a cN1 cM0 (IIB), ECOG 1". */
export function stagingText(staging: RcpStagingInput): string {
  const tnm = [staging.t, staging.n, staging.m].filter(Boolean).join(' ');
  const group = staging.stageGroup ? `(${staging.stageGroup})` : '';
  const ecog = staging.ecog !== undefined ? `ECOG ${staging.ecog}` : '';
  return [[tnm, group].filter(Boolean).join(' '), ecog].filter(Boolean).join(', ');
}

const strings = (plan: CarePlan, url: string) =>
  (plan.extension ?? []).flatMap((e) => (e.url === url && typeof e.valueString === 'string' ? [e.valueString] : []));

export function proposalFields(plan: CarePlan): {
  text: string;
  alternatives: string[];
  dissent: string;
  specialtiesPresent: string[];
} {
  return {
    text: plan.description ?? '',
    alternatives: strings(plan, RCP_ALTERNATIVE_EXTENSION),
    dissent: strings(plan, RCP_DISSENT_EXTENSION)[0] ?? '',
    specialtiesPresent: (plan.extension ?? []).flatMap((e) =>
      e.url === RCP_SPECIALTY_PRESENT_EXTENSION && e.valueCoding?.code ? [e.valueCoding.code] : [],
    ),
  };
}
