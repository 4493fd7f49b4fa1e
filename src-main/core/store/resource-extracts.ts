import type { Consent, DocumentReference, HumanName, Patient, Practitioner } from 'fhir/r4';
import type { DspPatient } from '../../../src-shared/api';
import type { Confidentiality } from '../../../src-shared/domain/confidentiality';
import { confidentialityOf, dspKindOf, LOINC_SYSTEM } from '../../../src-shared/domain/dsp';
import { LU_MATRICULE_SYSTEM } from '../../../src-shared/domain/fhir-sync';
import { checkMatricule } from '../../../src-shared/domain/matricule';

/** The minimum every cached resource has; the rest of its JSON is kept as the platform sent it. */
export interface FhirResourceLike {
  resourceType: string;
  id?: string;
  meta?: { versionId?: string; lastUpdated?: string };
}

export interface PatientRow {
  id: string;
  matricule: string | null;
  family: string | null;
  given: string | null;
  birthDate: string | null;
}

export interface PractitionerRow {
  id: string;
  name: string | null;
  specialty: string | null;
  city: string | null;
}

/** Fields whose string values are worth finding by typing; narrative HTML and base64 data are not. */
const SEARCHABLE_KEYS = new Set([
  'family',
  'given',
  'prefix',
  'text',
  'display',
  'title',
  'description',
  'name',
  'city',
  'value',
  'birthDate',
  'alias',
]);
const SKIPPED_KEYS = new Set(['div', 'data', 'url', 'reference', 'system', 'meta']);
const MAX_SEARCH_TEXT = 8_000;

/** The text a resource is found by in the search index. */
export function searchTextOf(resource: FhirResourceLike): string {
  const parts: string[] = [];
  let length = 0;
  const visit = (node: unknown, key: string | null): void => {
    if (length >= MAX_SEARCH_TEXT) return;
    if (typeof node === 'string') {
      if (key !== null && SEARCHABLE_KEYS.has(key)) {
        parts.push(node);
        length += node.length + 1;
      }
    } else if (Array.isArray(node)) {
      for (const item of node) visit(item, key);
    } else if (node !== null && typeof node === 'object') {
      if (key === 'attachment') visitTextAttachment(node as { contentType?: unknown; data?: unknown });
      for (const [childKey, child] of Object.entries(node)) {
        if (!SKIPPED_KEYS.has(childKey)) visit(child, childKey);
      }
    }
  };
  // A plain-text document (a nurse note typed in the app) is found by its words; binary data is not.
  const visitTextAttachment = (attachment: { contentType?: unknown; data?: unknown }): void => {
    if (typeof attachment.contentType !== 'string' || !attachment.contentType.startsWith('text/')) return;
    if (typeof attachment.data !== 'string') return;
    const text = Buffer.from(attachment.data.slice(0, MAX_SEARCH_TEXT * 2), 'base64').toString('utf8');
    parts.push(text);
    length += text.length + 1;
  };
  visit(resource, null);
  return parts.join(' ').slice(0, MAX_SEARCH_TEXT);
}

function preferredName(names: HumanName[] | undefined): HumanName | undefined {
  return names?.find((n) => n.use === 'official') ?? names?.find((n) => n.use !== 'old') ?? names?.[0];
}

function nonEmpty(value: string | undefined): string | null {
  return value === undefined || value.trim() === '' ? null : value;
}

export function patientRowOf(id: string, patient: Patient): PatientRow {
  const name = preferredName(patient.name);
  // Whatever the identifier system URI, the matricule is the value that passes its check digits.
  const matricule = patient.identifier?.find((i) => i.value !== undefined && checkMatricule(i.value).valid)?.value;
  return {
    id,
    matricule: matricule ?? null,
    family: nonEmpty(name?.family),
    given: nonEmpty(name?.given?.join(' ')),
    birthDate: nonEmpty(patient.birthDate),
  };
}

export function practitionerRowOf(id: string, practitioner: Practitioner): PractitionerRow {
  const name = preferredName(practitioner.name);
  const fullName = name?.text ?? [...(name?.prefix ?? []), ...(name?.given ?? []), name?.family ?? ''].join(' ').trim();
  const qualification = practitioner.qualification?.[0]?.code;
  return {
    id,
    name: nonEmpty(fullName),
    specialty: nonEmpty(qualification?.text ?? qualification?.coding?.[0]?.display),
    city: nonEmpty(practitioner.address?.find((a) => a.city !== undefined)?.city),
  };
}

export interface DspDocumentRow {
  id: string;
  patientId: string;
  date: string | null;
  /** The first author (what "Mes patients" counts as authored, migration 0120). */
  author: string | null;
  /** Every author reference ("mine" is any of them). */
  authors: string[];
  practitionerRef: string | null;
  organizationRef: string | null;
  /** LOINC code of the document type. */
  type: string | null;
  title: string;
  status: DocumentReference['status'];
  confidentiality: Confidentiality;
  contentType: string | null;
  /** The id of the document this one corrects. */
  replaces: string | null;
}

/**
 * Everything a DSP timeline shows of a document (the columns of migration 0130's covering index), so
 * opening a DSP reads no document JSON; null for a DocumentReference that is not about a patient.
 */
export function dspDocumentRowOf(id: string, doc: DocumentReference): DspDocumentRow | null {
  const subject = doc.subject?.reference;
  if (!subject?.startsWith('Patient/')) return null;
  const authors = (doc.author ?? []).flatMap((a) => (a.reference ? [a.reference] : []));
  return {
    id,
    patientId: subject.slice('Patient/'.length),
    date: doc.date ?? null,
    author: doc.author?.[0]?.reference ?? null,
    authors,
    practitionerRef: authors.find((a) => a.startsWith('Practitioner/')) ?? null,
    organizationRef: doc.custodian?.reference ?? authors.find((a) => a.startsWith('Organization/')) ?? null,
    type: doc.type?.coding?.find((c) => c.system === LOINC_SYSTEM)?.code ?? null,
    title: doc.description ?? doc.content?.[0]?.attachment?.title ?? doc.type?.text ?? id,
    status: doc.status,
    confidentiality: confidentialityOf(doc),
    contentType: doc.content?.[0]?.attachment?.contentType ?? null,
    replaces: doc.relatesTo?.find((r) => r.code === 'replaces')?.target?.reference?.split('/')[1] ?? null,
  };
}

/** A patient as lists show them: FAMILY Given, or `fallback` when the cache has no name. */
export function patientDisplayName(patient: Patient | undefined, fallback: string): string {
  const name = patient?.name?.[0];
  return name ? [name.family?.toUpperCase(), name.given?.join(' ')].filter(Boolean).join(' ') || fallback : fallback;
}

export interface DspPatientCardRow {
  patientId: string;
  name: string;
  matricule: string | null;
  birthDate: string | null;
}

/** What "Mes patients" shows of a patient (see migration 0120). */
export function dspPatientCardOf(id: string, patient: Patient): DspPatientCardRow {
  return {
    patientId: id,
    name: patientDisplayName(patient, id),
    matricule: patient.identifier?.find((i) => i.system === LU_MATRICULE_SYSTEM)?.value ?? null,
    birthDate: patient.birthDate ?? null,
  };
}

export type DspAccessKind = DspPatient['access'][number]['kind'];

export interface DspAccessRow {
  consentId: string;
  /** The professional the consent names (`Practitioner/…`). */
  actor: string;
  patientId: string;
  kind: Exclude<DspAccessKind, 'author'>;
  until: string | null;
}

/**
 * Who an active consent lets see whose DSP, and why, in the words "Mes patients" shows: one row per
 * professional it names. An inactive (revoked, expired) consent gives none.
 */
export function dspAccessRowsOf(consentId: string, consent: Consent): DspAccessRow[] {
  const patientRef = consent.patient?.reference;
  if (consent.status !== 'active' || !patientRef?.startsWith('Patient/')) return [];
  const patientId = patientRef.slice('Patient/'.length);
  if (patientId === '') return [];
  // By the Consent's kind code (src-shared/domain/dsp), never by its display text.
  const dspKind = dspKindOf(consent);
  const kind =
    dspKind === 'referent'
      ? 'referent'
      : dspKind === 'presence-grant'
        ? 'presence-code'
        : dspKind === 'trust-circle'
          ? 'trust-circle'
          : null;
  // An assistant acts for the holder (no reason of their own to list); a closed DSP opens to nobody.
  if (kind === null) return [];
  const until = consent.provision?.period?.end ?? null;
  const actors = new Set(
    [consent.provision, ...(consent.provision?.provision ?? [])]
      .flatMap((p) => p?.actor ?? [])
      .flatMap((a) => (a.reference?.reference ? [a.reference.reference] : [])),
  );
  return [...actors].map((actor) => ({ consentId, actor, patientId, kind, until }));
}
