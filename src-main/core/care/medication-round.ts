import type { Dosage, MedicationAdministration, MedicationRequest } from 'fhir/r4';
import type { RoundDose, Shift } from '../../../src-shared/api/care';
import {
  SECOND_CHECK_URL,
  acceptsDoses,
  addDays,
  administeredBy,
  administrationOf,
  administrationProblems,
  doseId,
  doseOutcomeOf,
  doseReasonOf,
  expandDoses,
  instantAt,
  prescriptionProblems,
  scheduledInstant,
  secondCheckOf,
  type DoseOutcome,
  type DoseReason,
} from '../../../src-shared/domain/care';
import { DeskError, RuleViolation } from '../../../src-shared/domain/errors';
import type { Store } from '../store';
import type { LocalWrites } from '../sync';
import { CareNames } from './care-names';

/** A shift's local hours (Europe/Luxembourg): the night runs into the next day. */
const SHIFT_HOURS: Record<Shift, { start: string; end: string; nextDay: boolean }> = {
  morning: { start: '07:00', end: '15:00', nextDay: false },
  afternoon: { start: '15:00', end: '23:00', nextDay: false },
  night: { start: '23:00', end: '07:00', nextDay: true },
};

/** Expanded schedules kept (timing × window); the oldest goes first. */
const MAX_SCHEDULES = 2_000;

/** A dose not recorded this long after its time is overdue (highlighted on the round). */
export const OVERDUE_AFTER_MS = 60 * 60_000;

export interface AdministrationRecord {
  requestId: string;
  scheduledAt: string;
  outcome: DoseOutcome;
  reason?: { code: DoseReason; text?: string | undefined } | undefined;
  checkedBy?: string | undefined;
}

/** The instants a shift of a local day covers. */
export function shiftWindow(date: string, shift: Shift): { from: Date; to: Date } {
  const hours = SHIFT_HOURS[shift];
  return { from: instantAt(date, hours.start), to: instantAt(hours.nextDay ? addDays(date, 1) : date, hours.end) };
}

const FIELD_OF_RULE: Partial<Record<string, string>> = {
  'reason-required': 'reason',
  'prescription-not-active': 'requestId',
  'dose-scheduled-at': 'scheduledAt',
  'second-check': 'checkedBy',
};

/**
 * The medication round: every scheduled dose of a shift, expanded from the cached prescriptions in
 * Europe/Luxembourg time, with what was recorded for it; and the recording of a dose. A dose's record has
 * the dose's deterministic id, so two nurses' records of the same dose are one record and a conflict —
 * never two doses.
 */
export class MedicationRound {
  private readonly schedules = new Map<string, { scheduledAt: string; dosageIndex: number }[]>();

  constructor(
    private readonly store: Store,
    private readonly writes: LocalWrites,
    private readonly me: () => string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The doses of a shift, in time order then by patient; `patientId` narrows it to one patient's. */
  doses(date: string, shift: Shift, patientId?: string): RoundDose[] {
    const { from, to } = shiftWindow(date, shift);
    return this.dosesBetween(from, to, patientId);
  }

  /** The doses scheduled in [from, to), with what was recorded for each. */
  dosesBetween(from: Date, to: Date, patientId?: string): RoundDose[] {
    const now = this.now().getTime();
    const names = new CareNames(this.store);
    const conflicts = new Set(
      this.store.quarantine
        .list()
        .filter((q) => q.entityKey.startsWith('MedicationAdministration/'))
        .map((q) => q.entityKey.slice('MedicationAdministration/'.length)),
    );
    const pending = this.store.outbox.entitiesWithUnacked();
    // One read for the prescriptions and one for the doses already recorded in the window (the care index).
    const requests = this.store.care
      .recordsOfKind<MedicationRequest>('medication')
      .filter(
        ({ resource }) =>
          (patientId === undefined || resource.subject?.reference === `Patient/${patientId}`) && acceptsDoses(resource),
      );
    const recordedDoses = new Map(
      this.store.care
        .recordsOfKind<MedicationAdministration>('administration', { from: from.toISOString(), to: to.toISOString() })
        .map(({ id, resource }) => [id, resource]),
    );
    const rows: RoundDose[] = [];
    for (const { id: requestId, resource: request } of requests) {
      const doses = this.scheduleOf(request, from, to);
      if (doses.length === 0) continue;
      const requestPatient = request.subject?.reference?.replace(/^Patient\//, '') ?? '';
      const patientName = names.patient(requestPatient);
      const medication = medicationName(request);
      for (const dose of doses) {
        // A dose's record is indexed at its scheduled instant (care-extracts), so the window's read holds it.
        const recorded = recordedDoses.get(dose.doseId);
        const outcome = recorded ? doseOutcomeOf(recorded) : undefined;
        const check = recorded ? secondCheckOf(recorded) : { state: 'none' as const };
        const reason = recorded ? doseReasonOf(recorded) : {};
        const recordedBy = recorded ? administeredBy(recorded) : undefined;
        rows.push({
          doseId: dose.doseId,
          requestId,
          patientId: requestPatient,
          patientName,
          medication,
          dosage: dose.dosage.text ?? null,
          scheduledAt: dose.scheduledAt,
          state: outcome ?? (Date.parse(dose.scheduledAt) + OVERDUE_AFTER_MS < now ? 'overdue' : 'due'),
          reason: reason.code || reason.text ? { code: reason.code ?? null, text: reason.text ?? null } : null,
          recordedBy: recordedBy ? names.practitioner(recordedBy) : null,
          recordedAt: recorded?.effectiveDateTime ?? null,
          check:
            check.state === 'none'
              ? null
              : { by: check.verifier, byName: names.practitioner(check.verifier), state: check.state },
          pending: pending.has(`MedicationAdministration/${dose.doseId}`),
          inConflict: conflicts.has(dose.doseId),
        });
      }
    }
    return rows.sort((a, b) => a.scheduledAt.localeCompare(b.scheduledAt) || a.patientName.localeCompare(b.patientName));
  }

  /**
   * Records the outcome of one scheduled dose. Refused here, naming the field and the rule: a dose not given
   * without its reason, a stopped prescription, a time the prescription does not schedule, and a dose this
   * device already knows recorded (a second record would be a second dose).
   */
  record(input: AdministrationRecord): string {
    const request = this.store.resources.get<MedicationRequest>('MedicationRequest', input.requestId)?.resource;
    if (!request) throw new DeskError('not_found', `no prescription ${input.requestId} on this device`, 'requestId');
    let scheduledAt: string;
    try {
      scheduledAt = scheduledInstant(input.scheduledAt);
    } catch {
      throw new RuleViolation('scheduledAt', 'dose-scheduled-at', 'scheduledAt: a dose is scheduled on a whole minute');
    }
    if (input.outcome !== 'given' && !input.reason)
      throw new RuleViolation('reason', 'reason-required', `reason: a ${input.outcome} dose needs its reason`);
    if (input.checkedBy !== undefined && input.checkedBy === this.me())
      throw new RuleViolation('checkedBy', 'second-check', 'checkedBy: the second check is another person’s');
    const administration = administrationOf({
      request,
      scheduledAt,
      outcome: input.outcome,
      effective: this.now().toISOString(),
      performer: this.me(),
      ...(input.reason ? { reason: input.reason } : {}),
      ...(input.checkedBy ? { checkedBy: input.checkedBy } : {}),
    });
    const [problem] = [...prescriptionProblems(administration, request), ...administrationProblems(administration)];
    if (problem) throw new RuleViolation(FIELD_OF_RULE[problem.rule] ?? problem.field, problem.rule, problem.message);
    const existing = this.store.resources.get<MedicationAdministration>('MedicationAdministration', administration.id!);
    if (existing) {
      const by = administeredBy(existing.resource);
      throw new RuleViolation(
        'scheduledAt',
        'already-recorded',
        `scheduledAt: this dose was already recorded${by ? ` by ${new CareNames(this.store).practitioner(by) ?? by}` : ''}`,
      );
    }
    // Created at the dose's own id: if a colleague recorded it offline too, the platform keeps the first and
    // this one waits in the quarantine with both (see doseConflicts).
    this.writes.create(administration as MedicationAdministration & { id: string });
    return administration.id!;
  }

  /** The second person confirms, on their own session, the check the nurse asserted: only then is it verified. */
  countersign(id: string): string {
    const cached = this.store.resources.get<MedicationAdministration>('MedicationAdministration', id);
    if (!cached) throw new DeskError('not_found', `no dose record ${id} on this device`, 'doseId');
    const check = secondCheckOf(cached.resource);
    if (check.state === 'none')
      throw new RuleViolation('doseId', 'second-check', 'doseId: no second check was asserted on this dose');
    if (check.verifier !== this.me())
      throw new RuleViolation('doseId', 'second-check', 'doseId: only the person named as the second check countersigns');
    if (check.state === 'countersigned') return id;
    const performer = [...(cached.resource.performer ?? [])];
    performer[check.performerIndex] = {
      ...performer[check.performerIndex]!,
      extension: [{ url: SECOND_CHECK_URL, valueCode: 'countersigned' }],
    };
    this.writes.update({ ...cached.resource, id, performer }, String(cached.versionId));
    return id;
  }

  /**
   * The doses a prescription schedules in [from, to). The expansion (wall-clock times in Europe/Luxembourg across
   * DST) depends only on the timing and validity, not on the prescription, and a care home's prescriptions share a
   * handful of timings (08:00, 12:00…): it is computed once per timing and window and kept (bounded), so a round
   * over 120 residents expands a few timings, not 500 prescriptions, and a refetch after each dose costs nothing.
   */
  private scheduleOf(
    request: MedicationRequest,
    from: Date,
    to: Date,
  ): { doseId: string; scheduledAt: string; dosage: Dosage }[] {
    const lines = request.dosageInstruction ?? [];
    const key = JSON.stringify([
      lines.map((d) => [d.timing, d.asNeededBoolean, d.asNeededCodeableConcept]),
      request.dispenseRequest?.validityPeriod,
      from.getTime(),
      to.getTime(),
    ]);
    let schedule = this.schedules.get(key);
    if (!schedule) {
      const timingOnly: MedicationRequest = {
        resourceType: 'MedicationRequest',
        id: 'schedule',
        status: 'active',
        intent: 'order',
        subject: {},
        dosageInstruction: lines.map((d) => ({
          ...(d.timing ? { timing: d.timing } : {}),
          ...(d.asNeededBoolean !== undefined ? { asNeededBoolean: d.asNeededBoolean } : {}),
          ...(d.asNeededCodeableConcept ? { asNeededCodeableConcept: d.asNeededCodeableConcept } : {}),
        })),
        ...(request.dispenseRequest ? { dispenseRequest: request.dispenseRequest } : {}),
      };
      schedule = expandDoses(timingOnly, from, to).map((d) => ({ scheduledAt: d.scheduledAt, dosageIndex: d.dosageIndex }));
      if (this.schedules.size >= MAX_SCHEDULES) this.schedules.delete(this.schedules.keys().next().value!);
      this.schedules.set(key, schedule);
    }
    return schedule.map((d) => ({
      doseId: doseId(request.id!, d.scheduledAt),
      scheduledAt: d.scheduledAt,
      dosage: lines[d.dosageIndex]!,
    }));
  }

  /** The dose id of a prescription's dose (what the screens and tests name a dose by). */
  static doseIdOf(requestId: string, scheduledAt: string): string {
    return doseId(requestId, scheduledAt);
  }
}

/** The medication as a nurse reads it on the round. */
export function medicationName(request: Pick<MedicationRequest, 'medicationCodeableConcept' | 'medicationReference'>): string {
  const concept = request.medicationCodeableConcept;
  return (
    concept?.text ??
    concept?.coding?.find((c) => c.display)?.display ??
    request.medicationReference?.display ??
    concept?.coding?.[0]?.code ??
    '?'
  );
}
