/** Fixed ids of the demo DSP (src-main/platform/seed/demo-dsp.ts) the security tests aim at. */
export const HOLDER = 'Patient/demo-patient';
/** A very restricted (V) report by a hospital specialist: holder and author only. */
export const V_DOCUMENT = 'dsp-demo-patient-11488-4';
/** An imaging report whose PDF is a separate Binary (normal confidentiality). */
export const PDF_DOCUMENT = 'dsp-demo-patient-18748-4';
export const PDF_BINARY = `${PDF_DOCUMENT}-pdf`;
/** The V report's title, which must never reach anyone but the holder and its author. */
export const V_DOCUMENT_MARKER = V_DOCUMENT;

/** Every id and every piece of text of `value`, flattened, to check nothing of a document leaked into an answer. */
export function mentions(value: unknown, needle: string): boolean {
  return JSON.stringify(value ?? null).includes(needle);
}
