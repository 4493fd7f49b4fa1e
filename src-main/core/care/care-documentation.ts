import { randomUUID } from 'node:crypto';
import type { Binary, CarePlan, Observation } from 'fhir/r4';
import type { Handover, VitalInput } from '../../../src-shared/api/care';
import {
  MAX_WOUND_CM,
  MEASURES_OF_KIND,
  VITAL_MEASURES,
  careRecordProblems,
  correctionReasonOf,
  handoverObservation,
  nursingNoteObservation,
  vitalSignObservation,
  vitalSignProblems,
  withCorrectionReason,
  woundAssessmentObservation,
  woundCondition,
  type CareProblem,
  type SoapPart,
  type VitalMeasureId,
  type WoundDimension,
  type WoundStage,
} from '../../../src-shared/domain/care';
import { blobExtensions } from '../../../src-shared/domain/attachments';
import { DeskError, RuleViolation } from '../../../src-shared/domain/errors';
import type { Store } from '../store';
import type { AttachmentQueue } from '../attachments';
import type { LocalWrites } from '../sync';
import { stripImageMetadata } from './image-metadata';

export interface NoteInput {
  kind: 'soap' | 'free';
  text?: string | undefined;
  soap?: Partial<Record<SoapPart, string | undefined>> | undefined;
}

export interface WoundInput {
  woundId?: string | undefined;
  bodySite?: string | undefined;
  description?: string | undefined;
  length?: number | undefined;
  width?: number | undefined;
  depth?: number | undefined;
  stage?: WoundStage | undefined;
  photo?: { contentType: 'image/jpeg' | 'image/png'; data: string } | undefined;
}

const DIMENSIONS: WoundDimension[] = ['length', 'width', 'depth'];

/** A problem found by the shared rules, as the typed error the screen words (field and rule). */
function violation(problem: CareProblem, field: string): RuleViolation {
  return new RuleViolation(field, problem.rule, problem.message);
}

/**
 * What a nurse documents (vital signs, nursing notes, wounds, the care plan), written to the cache and
 * the outbox in one transaction so it works offline and is shown as pending until the platform has it.
 * The shared rules (src-shared/domain/care-*) are checked before anything is queued: a value the platform
 * would refuse is refused here, naming the field and the rule, instead of waiting in the outbox to fail.
 * A recorded fact is corrected by a new version carrying its reason, never erased.
 */
export class CareDocumentation {
  constructor(
    private readonly store: Store,
    private readonly writes: LocalWrites,
    private readonly me: () => string,
    private readonly now: () => Date = () => new Date(),
    /** Photos travel through the attachment queue (content-addressed, resumable) when there is one. */
    private readonly attachments?: AttachmentQueue,
  ) {}

  /**
   * The handover as records colleagues see (not a time kept on this device): one handover Observation per patient
   * in the user's care, naming the abnormal values and notes it hands over — per patient, so each follows that
   * patient's care relationship on the platform like every care record. Its time opens the team's next window.
   */
  recordHandover(contents: Handover): { at: string; records: number } {
    const at = this.now().toISOString();
    const author = this.me();
    const handedOver = new Map<string, string[]>();
    for (const item of [...contents.abnormal, ...contents.notes])
      handedOver.set(item.patientId, [...(handedOver.get(item.patientId) ?? []), `Observation/${item.id}`]);
    const patients = this.store.care.patientIds();
    this.store.transaction(() => {
      for (const patientId of patients)
        this.writes.create(
          handoverObservation({ patient: `Patient/${patientId}`, effective: at, author }, '', handedOver.get(patientId) ?? []),
        );
    });
    return { at, records: patients.length };
  }

  /** One Observation per vital sign typed; all or none are queued. */
  addVitals(patientId: string, entries: VitalInput[], at?: string): string[] {
    const effective = at ?? this.now().toISOString();
    const kinds = new Set<string>();
    entries.forEach((entry, index) => {
      if (kinds.has(entry.kind)) throw new RuleViolation(`entries.${index}.kind`, 'duplicate', `${entry.kind} typed twice`);
      kinds.add(entry.kind);
    });
    const observations = entries.map((entry, index) => this.vitalObservation(patientId, entry, effective, `entries.${index}`));
    return this.store.transaction(() => observations.map((o) => this.writes.create(o).id));
  }

  /** A corrected value: a new version of the same Observation, with its reason. */
  correctVital(id: string, entry: VitalInput, reason: string): string {
    const cached = this.cachedObservation(id);
    const subject = cached.resource.subject?.reference ?? '';
    const fresh = this.vitalObservation(
      subject.replace(/^Patient\//, ''),
      entry,
      cached.resource.effectiveDateTime ?? '',
      'entry',
    );
    const corrected = withCorrectionReason<Observation & { id: string }>({ ...fresh, id, status: 'amended' }, reason);
    this.writes.update(corrected, String(cached.versionId));
    return id;
  }

  addNote(patientId: string, note: NoteInput): string {
    const created = this.writes.create(this.noteObservation(patientId, note));
    this.store.care.discardDraft(patientId);
    return created.id;
  }

  correctNote(id: string, note: NoteInput, reason: string): string {
    const cached = this.cachedObservation(id);
    const patientId = (cached.resource.subject?.reference ?? '').replace(/^Patient\//, '');
    const next = withCorrectionReason<Observation & { id: string }>(
      { ...this.noteObservation(patientId, note), id, status: 'amended' },
      reason,
    );
    const effectiveDateTime = cached.resource.effectiveDateTime ?? next.effectiveDateTime!;
    this.writes.update({ ...next, effectiveDateTime }, String(cached.versionId));
    return id;
  }

  /**
   * The care plan's description edited on top of the version the nurse saw: a colleague's edit in between
   * comes back as a 412 and waits in the quarantine with both versions — never last-write-wins.
   */
  editCarePlan(id: string, baseVersion: number, description: string, reason: string): string {
    const cached = this.store.resources.get<CarePlan>('CarePlan', id);
    if (!cached) throw new DeskError('not_found', `no care plan ${id} on this device`, 'id');
    const base = cached.versionId === 0 ? baseVersion : cached.versionId;
    const plan = { ...cached.resource, id, description };
    const edited = reason.trim() ? withCorrectionReason(plan, reason.trim()) : plan;
    this.writes.update(edited, String(base));
    return id;
  }

  /**
   * A wound assessment (size, stage) and its photo. A new wound is a Condition (its site); each assessment an
   * Observation focused on it, naming its photo (`derivedFrom`), whose camera metadata (EXIF: place, device,
   * owner) is removed before anything is stored.
   */
  addWoundAssessment(patientId: string, input: WoundInput): { woundId: string; assessmentId: string; photo: string | null } {
    for (const dimension of DIMENSIONS) {
      const value = input[dimension];
      if (value !== undefined && (value < 0 || value > MAX_WOUND_CM))
        throw new RuleViolation(dimension, 'wound-size', `${dimension}: ${value} cm is not a wound size (0–${MAX_WOUND_CM} cm)`);
    }
    if (!input.woundId && !input.bodySite?.trim())
      throw new RuleViolation('bodySite', 'required', 'bodySite: a new wound needs its site');
    const now = this.now().toISOString();
    const patient = `Patient/${patientId}`;
    const photo = input.photo ? stripImageMetadata(Buffer.from(input.photo.data, 'base64'), input.photo.contentType) : null;
    const written = this.store.transaction(() => {
      let woundId = input.woundId;
      if (!woundId) {
        const site = input.bodySite!.trim();
        woundId = this.writes.create(
          woundCondition({ patient, onset: now, bodySite: site, description: input.description?.trim() || site }),
        ).id;
      } else if (!this.store.resources.get('Condition', woundId)) {
        throw new DeskError('not_found', `no wound ${woundId} on this device`, 'woundId');
      }
      // The photo is a Binary attached to the patient (securityContext), so the care relationship governs who reads
      // it. Its bytes go through the attachment queue: kept in the cache, uploaded in resumable chunks, and the
      // records naming it wait in the outbox until the platform has verified them.
      const binaryId = photo ? randomUUID() : null;
      const blob = photo && this.attachments ? this.attachments.stage(photo, input.photo!.contentType) : null;
      if (photo)
        this.writes.create<Binary>({
          resourceType: 'Binary',
          id: binaryId!,
          ...(blob ? { meta: { extension: blobExtensions(blob) } } : { data: photo.toString('base64') }),
          contentType: input.photo!.contentType,
          securityContext: { reference: patient },
        });
      const photoRef = binaryId ? `Binary/${binaryId}` : null;
      const size: Partial<Record<WoundDimension, number>> = {};
      for (const dimension of DIMENSIONS) if (input[dimension] !== undefined) size[dimension] = input[dimension];
      const assessment = woundAssessmentObservation(
        { patient, effective: now, author: this.me(), wound: `Condition/${woundId}` },
        { size, ...(input.stage ? { stage: input.stage } : {}), ...(photoRef ? { photos: [photoRef] } : {}) },
      );
      this.assertValid(assessment);
      const assessmentId = this.writes.create(assessment).id;
      if (blob) this.attachments!.holdWrites([`Binary/${binaryId}`, `Observation/${assessmentId}`], blob.sha256);
      return { woundId, assessmentId, photo: photoRef };
    });
    if (photo) this.attachments?.keepToBudget();
    return written;
  }

  /** The local draft of a patient's nursing note (kept in the encrypted cache until saved or discarded). */
  draft(patientId: string): NoteInput | null {
    return this.store.care.draft(patientId) as NoteInput | null;
  }

  saveDraft(patientId: string, note: NoteInput): void {
    this.store.care.saveDraft(patientId, note, this.now());
  }

  discardDraft(patientId: string): void {
    this.store.care.discardDraft(patientId);
  }

  private cachedObservation(id: string) {
    const cached = this.store.resources.get<Observation>('Observation', id);
    if (!cached) throw new DeskError('not_found', `no record ${id} on this device`, 'id');
    if (!correctionReasonOf(cached.resource) && cached.resource.status === 'entered-in-error')
      throw new DeskError('invalid_input', `record ${id} was entered in error`, 'id');
    return cached;
  }

  private vitalObservation(patientId: string, entry: VitalInput, effective: string, field: string): Observation {
    const measures = MEASURES_OF_KIND[entry.kind];
    const byUnit = measures.filter((id) => VITAL_MEASURES[id].unit === entry.unit);
    if (byUnit.length === 0) {
      const expected = [...new Set(measures.map((id) => VITAL_MEASURES[id].unit))].join(' or ');
      throw new RuleViolation(
        `${field}.unit`,
        'ucum-unit',
        `${field}.unit: "${entry.unit}" is not the UCUM unit of ${entry.kind} (expected ${expected})`,
      );
    }
    const values: Partial<Record<VitalMeasureId, number>> = {};
    if (entry.kind === 'blood-pressure') {
      if (entry.systolic === undefined || entry.diastolic === undefined) {
        const missing = entry.systolic === undefined ? 'systolic' : 'diastolic';
        throw new RuleViolation(
          `${field}.${missing}`,
          'bp-components',
          `${field}: a blood pressure needs its systolic and diastolic values`,
        );
      }
      values.systolic = entry.systolic;
      values.diastolic = entry.diastolic;
    } else {
      if (entry.value === undefined) throw new RuleViolation(`${field}.value`, 'value-required', `${field}.value: required`);
      values[byUnit[0]!] = entry.value;
    }
    const observation = vitalSignObservation(
      { patient: `Patient/${patientId}`, effective, performer: [{ reference: this.me() }] },
      values,
    );
    const [problem] = vitalSignProblems(observation);
    if (problem) {
      // The shared rule names the FHIR element; the screen knows the typed field.
      const component = /component\[(\d+)\]/.exec(problem.field);
      const measure = component ? (entry.kind === 'blood-pressure' && component[1] === '1' ? 'diastolic' : 'systolic') : 'value';
      throw violation(
        problem,
        problem.rule === 'ucum-unit'
          ? `${field}.unit`
          : entry.kind === 'blood-pressure'
            ? `${field}.${measure}`
            : `${field}.value`,
      );
    }
    return observation;
  }

  private noteObservation(patientId: string, note: NoteInput): Observation {
    const input = { patient: `Patient/${patientId}`, effective: this.now().toISOString(), author: this.me() };
    if (note.kind === 'free') {
      const text = note.text?.trim() ?? '';
      if (!text) throw new RuleViolation('text', 'note-content', 'text: a nursing note needs its text');
      return nursingNoteObservation(input, { kind: 'free', text });
    }
    const parts = Object.fromEntries(
      Object.entries(note.soap ?? {}).flatMap(([part, text]) => (text?.trim() ? [[part, text.trim()]] : [])),
    ) as Partial<Record<SoapPart, string>>;
    if (Object.keys(parts).length === 0)
      throw new RuleViolation('soap.subjective', 'note-content', 'soap: a SOAP note needs at least one of its parts');
    return nursingNoteObservation(input, { kind: 'soap', parts });
  }

  /** The shared rules, last: what the platform would refuse is refused here, before it is queued. */
  private assertValid(record: Observation): void {
    const [problem] = careRecordProblems(record);
    if (problem) throw violation(problem, problem.field);
  }
}
