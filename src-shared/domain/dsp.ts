/**
 * The DSP's wire vocabulary (ARCHITECTURE §3, §5), once for platform and client: the document types
 * (LOINC) the platform accepts and the client offers; the patient's rights as Consents (référent, trust
 * circle, presence grant, DSP assistant, DSP closed); hidden documents and confidentiality labels; and
 * the pure readers of them. Neither side guesses these from display text.
 */
import type { Binary, Consent, DocumentReference, Resource } from 'fhir/r4';
import { CONFIDENTIALITY_LEVELS, CONFIDENTIALITY_SYSTEM, type Confidentiality } from './confidentiality';
export const LOINC_SYSTEM = 'http://loinc.org';

export const DSP_DOCUMENT_TYPES = {
  '60591-5': 'patient-summary',
  '11502-2': 'lab-report',
  '18842-5': 'discharge-letter',
  '18748-4': 'imaging-report',
  '57833-6': 'prescription',
  '34746-8': 'nurse-note',
  '11488-4': 'specialist-letter',
  '18776-5': 'care-plan',
} as const;

export type DspDocumentTypeCode = keyof typeof DSP_DOCUMENT_TYPES;
export const DSP_DOCUMENT_TYPE_CODES = Object.keys(DSP_DOCUMENT_TYPES) as DspDocumentTypeCode[];

export function isDspDocumentType(code: unknown): code is DspDocumentTypeCode {
  return typeof code === 'string' && Object.hasOwn(DSP_DOCUMENT_TYPES, code);
}

export const DSP_CONSENT_SYSTEM = 'https://esante.lu/fhir/CodeSystem/dsp-consent';

export const DSP_VISIBILITY_SYSTEM = 'https://esante.lu/fhir/CodeSystem/dsp-visibility';

export const HIDDEN_CODE = 'hidden';

export const DSP_CONSENT_KINDS = ['referent', 'trust-circle', 'presence-grant', 'assistant', 'dsp-closed'] as const;

export type DspConsentKind = (typeof DSP_CONSENT_KINDS)[number];

/** The DSP kind of a Consent, or undefined for any other Consent. */
export function dspKindOf(consent: Resource | null | undefined): DspConsentKind | undefined {
  if (!consent || consent.resourceType !== 'Consent') return undefined;
  for (const category of (consent as Consent).category ?? []) {
    for (const coding of category.coding ?? []) {
      if (coding.system === DSP_CONSENT_SYSTEM && DSP_CONSENT_KINDS.includes(coding.code as DspConsentKind))
        return coding.code as DspConsentKind;
    }
  }
  return undefined;
}

export function actorOf(consent: Consent): string | undefined {
  return consent.provision?.actor?.[0]?.reference?.reference;
}

const RANK: Record<Confidentiality, number> = { N: 0, R: 1, V: 2 };

/** The stricter of the confidentiality levels in meta.security and securityLabel (N when none). */
export function confidentialityOf(document: Resource): Confidentiality {
  const doc = document as DocumentReference;
  let level: Confidentiality = 'N';
  const codings = [...(doc.meta?.security ?? []), ...(doc.securityLabel ?? []).flatMap((c) => c.coding ?? [])];
  for (const coding of codings) {
    if (coding.system !== CONFIDENTIALITY_SYSTEM || !CONFIDENTIALITY_LEVELS.includes(coding.code as Confidentiality)) continue;
    if (RANK[coding.code as Confidentiality] > RANK[level]) level = coding.code as Confidentiality;
  }
  return level;
}

export function isHidden(document: Resource): boolean {
  return (document.meta?.security ?? []).some((c) => c.system === DSP_VISIBILITY_SYSTEM && c.code === HIDDEN_CODE);
}

/** The patient ("Patient/…") a DocumentReference belongs to, if any. */
export function patientOfDocument(document: Resource): string | undefined {
  const ref = (document as DocumentReference).subject?.reference;
  return typeof ref === 'string' && ref.startsWith('Patient/') ? ref : undefined;
}

/** The DocumentReference id a Binary belongs to (Binary.securityContext), if any. */
export function documentOfBinary(binary: Resource): string | undefined {
  const ref = (binary as Binary).securityContext?.reference;
  return typeof ref === 'string' && ref.startsWith('DocumentReference/') ? ref.slice('DocumentReference/'.length) : undefined;
}

/** The Binaries ("id") a DocumentReference's attachments point at. */
export function binariesOfDocument(document: Resource): string[] {
  const ids: string[] = [];
  for (const content of (document as DocumentReference).content ?? []) {
    const url = content.attachment?.url;
    if (typeof url === 'string' && url.startsWith('Binary/')) ids.push(url.slice('Binary/'.length));
  }
  return ids;
}
