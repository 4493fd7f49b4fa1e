/** Shared by the care-record tests: writes that must succeed, and the `$changes` feed (from the DSP harness). */
import type { HttpResult, Json, TestPlatform } from '../platform/platform-harness';

export { pull, urlsOf } from '../platform-dsp/dsp-harness';
export type { Json };

/** A write that must succeed: throws with the platform's answer otherwise (so a setup failure says why). */
export async function must(
  env: TestPlatform,
  token: string,
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
): Promise<Json> {
  const result = await env.request(method, path, {
    token,
    ...(body !== undefined ? { body } : {}),
    ...(headers ? { headers } : {}),
  });
  if (result.status >= 300) throw new Error(`${method} ${path}: ${result.status} ${JSON.stringify(result.json)}`);
  return result.json;
}

/** The diagnostics of an OperationOutcome answer, joined (what a refusal names). */
export const diagnostics = (result: HttpResult): string =>
  ((result.json?.issue ?? []) as Json[]).map((i) => `${i.expression?.join(',') ?? ''} ${i.diagnostics ?? ''}`).join(' | ');

/** A pulse Observation of a patient (the smallest valid vital sign). */
export const pulseOf = (patient: string, value = 72, effective = new Date().toISOString()): Json => ({
  resourceType: 'Observation',
  status: 'final',
  category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
  code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
  subject: { reference: patient },
  effectiveDateTime: effective,
  valueQuantity: { value, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
});
