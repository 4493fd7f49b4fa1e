/**
 * FHIR's string rule (R4 §2.24.0.1, "string"): no character below U+0020 except tab, CR and LF. The
 * platform refuses such a string wherever it enters, and the client's API refuses it in free text before
 * it is queued, so the outbox never holds a write the platform is bound to refuse.
 */

// Matching control characters is this rule's whole purpose.
// eslint-disable-next-line no-control-regex
export const FHIR_CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/;

export function followsFhirStringRule(text: string): boolean {
  return !FHIR_CONTROL_CHARACTER.test(text);
}
