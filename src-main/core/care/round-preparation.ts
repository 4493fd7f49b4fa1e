import type { Appointment, Binary, DocumentReference, Encounter, Observation, Patient } from 'fhir/r4';
import type { PatientReadiness, RoundVisit } from '../../../src-shared/api/care';
import { addDays, instantAt, woundAssessmentOf } from '../../../src-shared/domain/care';
import { binaryIdOf, type AttachmentQueue } from '../attachments';
import { PlatformError, type PlatformClient } from '../platform-client';
import type { Store } from '../store';
import { CareNames, fetchPatientIdentities } from './care-names';
import { photoOnDevice } from './care-chart';

/**
 * Brings one attachment (`Binary/<id>`) onto this device; false when it could not (offline, refused).
 * The Binary record is read through the platform; bytes it holds inline come with it, bytes in a blob come
 * through the attachment queue (core/attachments), in resumable chunks, pinned as prefetched.
 */
export type AttachmentFetcher = (reference: string, client: PlatformClient) => Promise<boolean>;

export function binaryFetcher(store: Store, attachments?: AttachmentQueue): AttachmentFetcher {
  return async (reference, client) => {
    const binaryId = binaryIdOf(reference);
    if (!binaryId) return false;
    try {
      if (!store.resources.get('Binary', binaryId)) {
        const { resource } = await client.read<Binary>('Binary', binaryId);
        store.transaction(() => store.resources.upsert(resource));
      }
      // A Binary that points at a blob: its bytes come in resumable chunks, pinned for the round (never evicted).
      if (attachments && photoOnDevice(store, reference) === undefined) await attachments.prefetch([binaryId]);
      return photoOnDevice(store, reference) !== undefined;
    } catch (error) {
      if (error instanceof PlatformError && (error.isTransient || error.failure.kind === 'rejected')) return false;
      throw error;
    }
  };
}

/** The attachment a DSP document's content points at (`Binary/<id>`), if it is not inline. */
function documentAttachment(doc: DocumentReference): string | undefined {
  const attachment = doc.content?.[0]?.attachment;
  return attachment && attachment.data === undefined && attachment.url?.startsWith('Binary/') ? attachment.url : undefined;
}

/**
 * "Ma tournée" and "Préparer hors ligne": the visits of a day, and for each patient of the round, everything
 * the nurse needs on the road — DSP documents with their content, care records, wound photos — brought onto
 * this device and pinned. Readiness is counted from the cache itself after the fact, never assumed from what
 * was asked for: a patient whose photo did not arrive is said to be not ready, before she leaves.
 */
export class RoundPreparation {
  constructor(
    private readonly store: Store,
    private readonly fetchAttachment: AttachmentFetcher,
    private readonly now: () => Date = () => new Date(),
  ) {}

  visits(date: string): RoundVisit[] {
    const names = new CareNames(this.store);
    const from = instantAt(date, '00:00').toISOString();
    const to = instantAt(addDays(date, 1), '00:00').toISOString();
    return this.store.care
      .ofKind('visit', from, to)
      .filter((row) => row.status !== 'cancelled' && row.status !== 'noshow')
      .map((row) => {
        const visit = this.store.resources.get<Appointment | Encounter>(row.type, row.id)?.resource;
        const patient = this.store.resources.get<Patient>('Patient', row.patientId)?.resource;
        const address = patient?.address?.[0];
        return {
          patientId: row.patientId,
          patientName: names.patient(row.patientId),
          start: row.at ?? '',
          end: visit?.resourceType === 'Appointment' ? (visit.end ?? null) : (visit?.period?.end ?? null),
          address: address
            ? [address.line?.join(' '), [address.postalCode, address.city].filter(Boolean).join(' ')].filter(Boolean).join(', ')
            : null,
          description: visit?.resourceType === 'Appointment' ? (visit.description ?? null) : (visit?.type?.[0]?.text ?? null),
        };
      });
  }

  /** The distinct patients of a day's round, in visit order. */
  patientsOf(date: string): string[] {
    return [...new Set(this.visits(date).map((v) => v.patientId))];
  }

  /**
   * Pins the round's patients and fetches what the feed does not bring by itself: identities, DSP document
   * contents and wound photos. The caller syncs first (care records and documents come with the feed).
   */
  async prepare(date: string, client: PlatformClient): Promise<PatientReadiness[]> {
    const patients = this.patientsOf(date);
    this.store.transaction(() => patients.forEach((id) => this.store.care.pin(id, date, this.now())));
    const unnamed = patients.filter((id) => !this.store.resources.get('Patient', id));
    if (unnamed.length > 0) await fetchPatientIdentities(this.store, client, unnamed);
    for (const patientId of patients) {
      for (const reference of this.attachmentsOf(patientId)) {
        if (photoOnDevice(this.store, reference) === undefined) await this.fetchAttachment(reference, client);
      }
    }
    return this.readiness(date);
  }

  readiness(date: string): PatientReadiness[] {
    const names = new CareNames(this.store);
    return this.patientsOf(date).map((patientId) => this.readinessOf(patientId, names));
  }

  private readinessOf(patientId: string, names: CareNames): PatientReadiness {
    const missing: PatientReadiness['missing'] = [];
    const patient = this.store.resources.get('Patient', patientId);
    if (!patient) missing.push('identity');
    const care = this.store.care.footprint(patientId);
    // Care records reach this cache only under a care relationship (care team or episode): none, and the patient
    // is not in this professional's care (or the relationship ended and the records were purged).
    if (care.careRecords === 0) missing.push('not-in-care');
    if (this.store.care.ofPatient(patientId, ['careplan']).length === 0) missing.push('care-plan');
    const docs = this.store.care.dspFootprint(patientId);
    let attachmentBytes = 0;
    let dspMissing = false;
    for (const reference of this.documentAttachments(patientId)) {
      const bytes = photoOnDevice(this.store, reference);
      if (bytes === undefined) dspMissing = true;
      else attachmentBytes += bytes.length;
    }
    if (dspMissing) missing.push('dsp-content');
    let photos = 0;
    let photosMissing = false;
    for (const reference of this.photosOf(patientId)) {
      const bytes = photoOnDevice(this.store, reference);
      if (bytes === undefined) photosMissing = true;
      else {
        photos += 1;
        attachmentBytes += bytes.length;
      }
    }
    if (photosMissing) missing.push('photos');
    return {
      patientId,
      patientName: names.patient(patientId),
      pinned: this.store.care.isPinned(patientId),
      ready: missing.length === 0,
      missing,
      careRecords: care.careRecords,
      dspDocuments: docs.documents,
      photos,
      bytesOnDisk: care.careBytes + docs.bytes + attachmentBytes + (patient ? JSON.stringify(patient.resource).length : 0),
    };
  }

  private attachmentsOf(patientId: string): string[] {
    return [...this.documentAttachments(patientId), ...this.photosOf(patientId)];
  }

  private documentAttachments(patientId: string): string[] {
    return this.store.dspDocuments.timeline(patientId).flatMap((row) => {
      const doc = this.store.resources.get<DocumentReference>('DocumentReference', row.id)?.resource;
      const reference = doc && row.status === 'current' ? documentAttachment(doc) : undefined;
      return reference ? [reference] : [];
    });
  }

  private photosOf(patientId: string): string[] {
    return this.store.care.ofPatient(patientId, ['wound-assessment']).flatMap((row) => {
      const observation = this.store.resources.get<Observation>('Observation', row.id)?.resource;
      return (observation ? woundAssessmentOf(observation)?.photos : undefined)?.filter((p) => p.startsWith('Binary/')) ?? [];
    });
  }
}
