import { randomUUID } from 'node:crypto';
import type { Binary, Consent, DocumentReference, Organization, Practitioner } from 'fhir/r4';
import type { DocumentContentUnavailable, DspDocumentSummary, DspPatient, RecentPatient } from '../../../src-shared/api';
import { CONFIDENTIALITY_SYSTEM, type Confidentiality } from '../../../src-shared/domain/confidentiality';
import { DeskError } from '../../../src-shared/domain/errors';
import { LOINC_SYSTEM, patientOfDocument } from '../../../src-shared/domain/dsp';
import { fetchPatientIdentities } from '../care/care-names';
import { blobExtensions, describeByteLimit, MAX_DOCUMENT_BYTES } from '../../../src-shared/domain/attachments';
import { binaryIdOf, type AttachmentQueue } from '../attachments';
import { displayNameOf } from '../messaging/directory-lookup';
import { PlatformError, type PlatformClient } from '../platform-client';
import { dspDocumentRowOf, type DspTimelineRow, type Store } from '../store';
import type { LocalWrites } from '../sync';

export interface NewDspDocument {
  type: string;
  title: string;
  confidentiality: Confidentiality;
  contentType: 'application/pdf' | 'text/plain';
  data: string;
}

export type OpenedDspDocument = DspDocumentSummary & {
  data: string | null;
  text: string | null;
  unavailable: DocumentContentUnavailable | null;
};

export interface DocumentFilter {
  patientId: string;
  type?: string | undefined;
  author?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  text?: string | undefined;
}

/**
 * Text content up to this size stays inline in its document, where the cache's full-text index reads it;
 * anything larger, and every PDF, travels as a blob through the attachment queue.
 */
const INLINE_TEXT_BYTES = 256 * 1024;

/** The order `localeCompare` gives, with the collator built once rather than per comparison. */
const byName = new Intl.Collator();

function patientIdOf(doc: DocumentReference): string | null {
  return patientOfDocument(doc)?.slice('Patient/'.length) ?? null;
}

export { patientDisplayName } from '../store';

/**
 * The DSP as this device holds it: the documents synced for the patients this professional may see,
 * and the writes (new document, correction, entered-in-error) that go through the outbox, so they
 * work offline and are shown as pending until the platform has them.
 */
export class DspRecords {
  constructor(
    private readonly store: Store,
    private readonly writes: LocalWrites,
    private readonly attachments: AttachmentQueue,
    private readonly me: () => string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** "Mes patients", from the projection the cache maintains (migration 0120), by name. */
  patients(): DspPatient[] {
    return this.store.dspDocuments
      .patientList(this.me())
      .map((row) => ({
        id: row.patientId,
        name: row.name ?? row.patientId,
        matricule: row.matricule,
        birthDate: row.birthDate,
        documentCount: row.documents,
        access: row.authored && row.access.length === 0 ? [{ kind: 'author' as const, until: null }] : row.access,
      }))
      .sort((a, b) => byName.compare(a.name, b.name));
  }

  /**
   * Names for "Mes patients" (issue 15 item 7): the feed brings a patient's record with a right to
   * their DSP, and (from a fresh snapshot) for every DSP this professional wrote in; but a record the
   * cursor passed before the first document was written there is not sent again. Those identities are asked of the
   * patient directory (PDQm, open to every authenticated professional) and kept in the cache like any
   * synced record. Offline they wait for the next sync; returns how many were named.
   */
  async completePatientNames(client: PlatformClient): Promise<number> {
    const unnamed = this.store.dspDocuments
      .patientList(this.me())
      .filter((row) => row.name === null)
      .map((row) => row.patientId);
    return fetchPatientIdentities(this.store, client, unnamed);
  }

  /** Remembers that this professional opened a patient's DSP (for "recently opened" on the home screen). */
  opened(patientId: string): void {
    this.store.recentPatients.touch(patientId, this.now());
  }

  /** The DSPs opened last that this professional may still open, most recent first. */
  recent(limit: number): RecentPatient[] {
    const listed = new Map(this.patients().map((p) => [p.id, p.name]));
    return this.store.recentPatients
      .list(limit * 2)
      .flatMap(({ patientId, openedAt }) => {
        const name = listed.get(patientId);
        return name === undefined ? [] : [{ id: patientId, name, openedAt }];
      })
      .slice(0, limit);
  }

  /** A patient's DSP timeline, from the covering index alone (migration 0130): no document is parsed. */
  documents(filter: DocumentFilter): DspDocumentSummary[] {
    const matchingText = filter.text
      ? new Set(this.store.resources.search(filter.text, 5_000, 'DocumentReference').map((c) => c.id))
      : null;
    const author = filter.author?.toLowerCase();
    const names = new Map<string, string | null>(); // a DSP has hundreds of documents by a few authors
    return this.store.dspDocuments
      .timeline(filter.patientId)
      .filter((row) => !filter.type || row.type === filter.type)
      .filter((row) => !matchingText || matchingText.has(row.id))
      .map((row) => this.summaryOf(row, names))
      .filter((doc) => !author || `${doc.author ?? ''} ${doc.organization ?? ''}`.toLowerCase().includes(author))
      .filter((doc) => !filter.from || (doc.date ?? '') >= filter.from)
      .filter((doc) => !filter.to || (doc.date ?? '').slice(0, 10) <= filter.to)
      .sort((a, b) => (b.date ?? '').localeCompare(a.date ?? ''));
  }

  /**
   * A document and its content. The content is inline, or the blob of a separate Binary
   * (`attachment.url`): from the cache, or fetched by the attachment queue (resumable, progress
   * reported) through the Binary, which the platform authorises through its document. Offline, the
   * answer says it is not on this device yet.
   */
  async document(id: string): Promise<OpenedDspDocument> {
    const doc = this.store.resources.get<DocumentReference>('DocumentReference', id)?.resource;
    if (!doc) throw new DeskError('not_found', `no document ${id} on this device`, 'id');
    const row = dspDocumentRowOf(id, doc);
    if (!row) throw new DeskError('not_found', `document ${id} is not in a DSP`, 'id');
    const pending = this.store.resources.versionOf('DocumentReference', id)?.versionId === 0;
    const summary = this.summaryOf({ ...row, pending });
    const attachment = doc.content?.[0]?.attachment;
    const unavailable = (reason: DocumentContentUnavailable): OpenedDspDocument => ({
      ...summary,
      data: null,
      text: null,
      unavailable: reason,
    });
    if (!attachment) return unavailable('no-content');
    const contentType = attachment.contentType ?? '';
    const isText = contentType.startsWith('text/');
    if (!isText && contentType !== 'application/pdf') return unavailable('not-displayable');
    const binaryId = binaryIdOf(attachment.url);
    const bytes =
      attachment.data !== undefined
        ? Buffer.from(attachment.data, 'base64')
        : binaryId
          ? await this.attachments.bytesOf(binaryId)
          : undefined;
    if (bytes === undefined) return unavailable(attachment.url ? 'not-on-device' : 'no-content');
    return {
      ...summary,
      data: isText ? null : bytes.toString('base64'),
      text: isText ? bytes.toString('utf8') : null,
      unavailable: null,
    };
  }

  /**
   * A new document. Its content (a PDF, or text too large to keep inline) goes to the attachment queue
   * as a blob; the Binary naming it and the document are written in the same transaction, and their
   * outbox operations wait until the blob's upload completed — so the document is never confirmed
   * without its content. The 20 MiB limit is checked here, offline too, before anything is kept.
   */
  add(patientId: string, input: NewDspDocument, replaces?: string): string {
    // Whether this professional may write to this DSP is the platform's decision (the access table):
    // offline, the document waits in the outbox and a refusal comes back as a conflict to resolve.
    const me = this.me();
    const bytes = Buffer.from(input.data, 'base64');
    if (bytes.length > MAX_DOCUMENT_BYTES) {
      throw new DeskError('invalid_input', `data: a document holds at most ${describeByteLimit(MAX_DOCUMENT_BYTES)}`, 'data');
    }
    const id = randomUUID();
    const inline = input.contentType.startsWith('text/') && bytes.length <= INLINE_TEXT_BYTES;
    const creation = this.now().toISOString();
    const document = (attachment: DocumentReference['content'][number]['attachment']): DocumentReference => ({
      resourceType: 'DocumentReference',
      id,
      status: 'current',
      docStatus: 'final',
      type: { coding: [{ system: LOINC_SYSTEM, code: input.type }] },
      subject: { reference: `Patient/${patientId}` },
      date: creation,
      author: [{ reference: me }],
      description: input.title,
      securityLabel: [{ coding: [{ system: CONFIDENTIALITY_SYSTEM, code: input.confidentiality }] }],
      ...(replaces ? { relatesTo: [{ code: 'replaces', target: { reference: `DocumentReference/${replaces}` } }] } : {}),
      content: [{ attachment: { contentType: input.contentType, title: input.title, creation, ...attachment } }],
    });
    if (inline) return this.writes.create(document({ data: input.data })).id;
    const binaryId = randomUUID();
    this.store.transaction(() => {
      const blob = this.attachments.stage(bytes, input.contentType);
      // The document first: its Binary's securityContext must name a document the platform holds.
      this.writes.create(document({ url: `Binary/${binaryId}`, size: bytes.length }));
      this.writes.create<Binary>({
        resourceType: 'Binary',
        id: binaryId,
        meta: { extension: blobExtensions(blob) },
        contentType: input.contentType,
        securityContext: { reference: `DocumentReference/${id}` },
      });
      this.attachments.holdWrites([`DocumentReference/${id}`, `Binary/${binaryId}`], blob.sha256);
    });
    this.attachments.keepToBudget();
    return id;
  }

  correct(replaces: string, input: NewDspDocument): string {
    const old = this.store.resources.get<DocumentReference>('DocumentReference', replaces)?.resource;
    if (!old) throw new DeskError('not_found', `no document ${replaces} on this device`, 'replaces');
    const patientId = patientIdOf(old);
    if (!patientId) throw new DeskError('invalid_input', 'the document has no patient', 'replaces');
    return this.add(patientId, input, replaces);
  }

  markEnteredInError(id: string): string {
    const cached = this.store.resources.get<DocumentReference>('DocumentReference', id);
    if (!cached) throw new DeskError('not_found', `no document ${id} on this device`, 'id');
    if (!cached.resource.author?.some((a) => a.reference === this.me())) {
      throw new DeskError('forbidden', 'only the author may mark a document entered-in-error', 'id');
    }
    this.writes.update({ ...cached.resource, id, status: 'entered-in-error' }, String(cached.versionId));
    return id;
  }

  /** Redeems the presence code a patient gave at the visit; their DSP follows at the next sync. */
  async redeemPresenceCode(client: PlatformClient, patientId: string, code: string): Promise<{ until: string | null }> {
    try {
      const result = await client.write<Consent>({
        method: 'POST',
        url: `Patient/${patientId}/$redeem-presence-code`,
        body: { code },
        ifMatch: null,
        opId: randomUUID(),
      });
      return { until: result.resource.provision?.period?.end ?? null };
    } catch (error) {
      // The platform says no more than "wrong, used or expired" (a code must not be guessable by probing).
      if (error instanceof PlatformError && error.failure.kind === 'rejected' && error.failure.status === 403) {
        throw new DeskError('invalid_input', 'this presence code is wrong, already used or expired', 'code');
      }
      throw error;
    }
  }

  private nameOf(reference: string | null, names?: Map<string, string | null>): string | null {
    if (!reference) return null;
    const known = names?.get(reference);
    if (known !== undefined) return known;
    const [type, id] = reference.split('/');
    const resource = type && id ? this.store.resources.get<Practitioner | Organization>(type, id)?.resource : undefined;
    const name = displayNameOf(resource, reference);
    names?.set(reference, name);
    return name;
  }

  private summaryOf(row: Omit<DspTimelineRow, 'author'>, names?: Map<string, string | null>): DspDocumentSummary {
    return {
      id: row.id,
      patientId: row.patientId,
      type: row.type,
      title: row.title,
      date: row.date,
      author: this.nameOf(row.practitionerRef, names),
      organization: this.nameOf(row.organizationRef, names),
      confidentiality: row.confidentiality,
      status: row.status,
      contentType: row.contentType,
      pending: row.pending,
      mine: row.authors.includes(this.me()),
      replaces: row.replaces,
    };
  }
}
