/**
 * The DSP bench's data: patients whose référent is the demo GP and their DocumentReferences, shaped
 * like the seed's (generate.ts: LOINC type of the 8 DSP kinds, plain-text attachment the cache's FTS
 * reads, confidentiality label). Every document carries the kind's text (common words) and one word
 * of RARE_WORDS in 1 document of 1,000 (rare words). Deterministic by index.
 */
import type { DocumentReference, Patient } from 'fhir/r4';
import { dspDocument } from '../../../src-main/platform/seed/dsp-document';
import { DOCUMENT_KINDS, FAMILY_NAMES, GIVEN_NAMES } from '../../../src-main/platform/seed/luxembourg';

export const DSP_GP = 'Practitioner/demo-gp';
export const DSP_BIG_PATIENT = 'bench-dsp-big';
/** Authors of the bench documents (demo professionals with an organisation in every data directory). */
const AUTHORS = [
  { ref: 'Practitioner/demo-gp', org: 'demo-org-practice' },
  { ref: 'Practitioner/demo-specialist', org: 'demo-org-hospital' },
  { ref: 'Practitioner/demo-nurse', org: 'demo-org-homecare' },
] as const;
export const RARE_WORDS = ['sarcoïdose', 'phéochromocytome', 'amylose', 'Whipple'] as const;
const EPOCH = Date.UTC(2025, 0, 1);

export function dspBenchPatient(id: string, p: number): Patient & { id: string } {
  const gender = p % 2 === 0 ? 'male' : 'female';
  return {
    resourceType: 'Patient',
    id,
    active: true,
    name: [
      {
        use: 'official',
        family: FAMILY_NAMES[p % FAMILY_NAMES.length]!,
        given: [GIVEN_NAMES[gender][p % GIVEN_NAMES[gender].length]!],
      },
    ],
    gender,
    birthDate: `${1930 + (p % 90)}-${String(1 + (p % 12)).padStart(2, '0')}-${String(1 + (p % 28)).padStart(2, '0')}`,
    generalPractitioner: [{ reference: DSP_GP }],
  };
}

export function dspBenchDocument(n: number, patientId: string, d: number): DocumentReference & { id: string } {
  const author = AUTHORS[n % AUTHORS.length]!;
  return dspDocument({
    id: `bdsp-${patientId.slice('bench-dsp-'.length)}-${String(d).padStart(3, '0')}`,
    patientId,
    kind: DOCUMENT_KINDS[n % DOCUMENT_KINDS.length]!,
    date: new Date(EPOCH - (n % (5 * 365)) * 86_400_000 - ((n * 7919) % 86_400) * 1000).toISOString(),
    author: author.ref,
    custodian: author.org,
    confidentiality: n % 20 === 19 ? 'R' : 'N',
    // A few rare words, so full-text search is measured on selective terms as well as common ones.
    extraText: n % 1000 < RARE_WORDS.length ? ` Diagnostic évoqué : ${RARE_WORDS[n % 1000]!}.` : '',
  });
}
