/** HL7 v3 Confidentiality levels used by the DSP: N normal, R restricted, V very restricted. */
export const CONFIDENTIALITY_LEVELS = ['N', 'R', 'V'] as const;
export type Confidentiality = (typeof CONFIDENTIALITY_LEVELS)[number];
export const CONFIDENTIALITY_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality';
