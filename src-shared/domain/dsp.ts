/**
 * The DSP document types (LOINC) the platform accepts and the client offers, and how a correction or a
 * hidden document is expressed (ARCHITECTURE §5, issue 5).
 */
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
