/**
 * One DSP document as every seed writes it (demo DSP, generated patients, and the DSP bench): a
 * DocumentReference of one of the 8 LOINC kinds, its confidentiality in both `meta.security` and
 * `securityLabel`, and by default its text inline as a plain-text attachment.
 */
import type { Attachment, DocumentReference } from 'fhir/r4';
import { CONFIDENTIALITY_SYSTEM, type Confidentiality } from '../../../src-shared/domain/confidentiality';
import { LOINC_SYSTEM } from '../../../src-shared/domain/dsp';
import type { DOCUMENT_KINDS } from './luxembourg';

export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export interface DspDocumentSpec {
  id: string;
  patientId: string;
  kind: DocumentKind;
  /** Instant the document was written. */
  date: string;
  author: string;
  /** Organisation id (without `Organization/`). */
  custodian: string;
  confidentiality: Confidentiality;
  /** Text appended to the kind's standard content (e.g. a diagnosis the bench searches for). */
  extraText?: string;
  /** Replaces the inline text attachment (e.g. a PDF held in a Binary). */
  attachment?: Attachment;
}

/** The plain text a seeded document holds: its title, date and the kind's standard content. */
export function documentText(kind: DocumentKind, date: string, extraText = ''): string {
  return `${kind.title} — ${date.slice(0, 10)}\n${kind.text}${extraText}\n`;
}

export function dspDocument(spec: DspDocumentSpec): DocumentReference & { id: string } {
  const text = documentText(spec.kind, spec.date, spec.extraText);
  const attachment: Attachment = spec.attachment ?? {
    contentType: 'text/plain; charset=utf-8',
    language: 'fr',
    data: Buffer.from(text, 'utf8').toString('base64'),
    size: Buffer.byteLength(text, 'utf8'),
    title: spec.kind.title,
    creation: spec.date,
  };
  return {
    resourceType: 'DocumentReference',
    id: spec.id,
    meta: { security: [{ system: CONFIDENTIALITY_SYSTEM, code: spec.confidentiality }] },
    status: 'current',
    docStatus: 'final',
    type: { coding: [{ system: LOINC_SYSTEM, code: spec.kind.code, display: spec.kind.display }] },
    subject: { reference: `Patient/${spec.patientId}` },
    date: spec.date,
    author: [{ reference: spec.author }],
    custodian: { reference: `Organization/${spec.custodian}` },
    description: spec.kind.title,
    securityLabel: [{ coding: [{ system: CONFIDENTIALITY_SYSTEM, code: spec.confidentiality }] }],
    content: [{ attachment }],
  };
}
