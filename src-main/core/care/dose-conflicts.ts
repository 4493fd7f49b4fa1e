import type { MedicationAdministration, MedicationRequest } from 'fhir/r4';
import type { DoseConflict } from '../../../src-shared/api/care';
import {
  administeredBy,
  doseOutcomeOf,
  doseReasonOf,
  scheduledAtOf,
  secondCheckOf,
  withCorrectionReason,
} from '../../../src-shared/domain/care';
import { DeskError, RuleViolation } from '../../../src-shared/domain/errors';
import type { Store, QuarantineEntry } from '../store';
import type { LocalWrites, SyncEngine } from '../sync';
import { CareNames } from './care-names';
import { medicationName } from './medication-round';

const ENTITY_PREFIX = 'MedicationAdministration/';

function isAdministration(value: unknown): value is MedicationAdministration & { id: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { resourceType?: unknown }).resourceType === 'MedicationAdministration'
  );
}

/**
 * Two records of the same dose (two nurses recorded it offline; the dose id made them one record and the
 * platform kept the first): shown in clinical words — who, what, when, which dose — and decided by a person.
 * Keeping both is impossible by construction (one id), and keeping this device's replaces the colleague's
 * only as a correction with its reason, which the record's history keeps.
 */
export class DoseConflicts {
  constructor(
    private readonly store: Store,
    private readonly engine: () => SyncEngine,
    private readonly writes: LocalWrites,
  ) {}

  list(): DoseConflict[] {
    const names = new CareNames(this.store);
    return this.store.quarantine
      .list()
      .filter((entry) => entry.entityKey.startsWith(ENTITY_PREFIX) && isAdministration(entry.local))
      .map((entry) => this.describe(entry, names));
  }

  resolve(opId: string, keep: 'theirs' | 'mine', reason?: string): void {
    const entry = this.store.quarantine.get(opId);
    if (!entry || entry.resolvedAt !== null || !entry.entityKey.startsWith(ENTITY_PREFIX) || !isAdministration(entry.local))
      throw new DeskError('not_found', `no open dose conflict ${opId}`, 'opId');
    const mine = entry.local;
    const theirs = isAdministration(entry.server) ? entry.server : null;
    if (keep === 'mine' && theirs && !reason?.trim())
      throw new RuleViolation('reason', 'correction-reason', 'reason: replacing a colleague’s record of a dose needs its reason');
    this.store.transaction(() => {
      // Either way this device's write leaves the queue and the platform's record is what the cache shows…
      this.engine().resolveConflict(opId, 'theirs');
      // …and keeping mine is a new version of that one record, saying why: the colleague's stays in its history.
      if (keep === 'mine') {
        if (theirs?.meta?.versionId)
          this.writes.update(withCorrectionReason({ ...mine, meta: undefined }, reason!.trim()), theirs.meta.versionId);
        else this.writes.create({ ...mine, meta: undefined });
      }
    });
  }

  private describe(entry: QuarantineEntry, names: CareNames): DoseConflict {
    const mine = entry.local as MedicationAdministration;
    const theirs = isAdministration(entry.server) ? entry.server : null;
    const patientRef = mine.subject?.reference;
    const patientId = patientRef?.startsWith('Patient/') ? patientRef.slice('Patient/'.length) : null;
    const requestId = mine.request?.reference?.replace(/^MedicationRequest\//, '');
    const request = requestId ? this.store.resources.get<MedicationRequest>('MedicationRequest', requestId)?.resource : undefined;
    const view = (record: MedicationAdministration) => {
      const by = administeredBy(record);
      const reason = doseReasonOf(record);
      const check = secondCheckOf(record);
      return {
        by: by ? (names.practitioner(by) ?? by) : null,
        outcome: doseOutcomeOf(record) ?? null,
        at: record.effectiveDateTime ?? null,
        reason: reason.code || reason.text ? { code: reason.code ?? null, text: reason.text ?? null } : null,
        check:
          check.state === 'none' ? null : { by: check.verifier, byName: names.practitioner(check.verifier), state: check.state },
      };
    };
    return {
      opId: entry.opId,
      doseId: entry.entityKey.slice(ENTITY_PREFIX.length),
      patientId,
      patientName: patientId ? names.patient(patientId) : null,
      medication: request
        ? medicationName(request)
        : medicationName(mine as Pick<MedicationRequest, 'medicationCodeableConcept'>),
      scheduledAt: scheduledAtOf(mine) ?? null,
      mine: view(mine),
      theirs: theirs ? view(theirs) : null,
      reason: entry.reason,
    };
  }
}
