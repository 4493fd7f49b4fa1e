/** Shared by the DSP tests: simulator calls, documents, and the `$changes` feed over real HTTP. */
import { CHANGES_NEXT_CURSOR_URL } from '../../../src-shared/domain/fhir-sync';
import type { TestPlatform } from '../platform/platform-harness';

import type { Json } from '../platform/platform-harness';

export type { Json };

export const CONFIDENTIALITY = 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality';

export async function simulate(env: TestPlatform, token: string, patientId: string, operation: string, body: Json = {}) {
  return env.request('POST', `/fhir/Patient/${patientId}/$${operation}`, { token, body, contentType: 'application/json' });
}

export async function mustSimulate(
  env: TestPlatform,
  token: string,
  patientId: string,
  operation: string,
  body: Json = {},
): Promise<Json> {
  const result = await simulate(env, token, patientId, operation, body);
  if (result.status >= 300) throw new Error(`$${operation} on ${patientId}: ${result.status} ${JSON.stringify(result.json)}`);
  return result.json;
}

export function documentBody(patientId: string, overrides: Json = {}): Json {
  return {
    resourceType: 'DocumentReference',
    status: 'current',
    type: { coding: [{ system: 'http://loinc.org', code: '34746-8' }] },
    subject: { reference: `Patient/${patientId}` },
    content: [{ attachment: { contentType: 'text/plain', data: Buffer.from('Pansement refait.').toString('base64') } }],
    ...overrides,
  };
}

export async function createDocument(env: TestPlatform, token: string, patientId: string, overrides: Json = {}): Promise<Json> {
  const result = await env.request('POST', '/fhir/DocumentReference', { token, body: documentBody(patientId, overrides) });
  if (result.status !== 201)
    throw new Error(`creating a document for ${patientId}: ${result.status} ${JSON.stringify(result.json)}`);
  return result.json;
}

/** One `$changes` page after `cursor` (all of it, following has-more). */
export async function pull(env: TestPlatform, token: string, cursor?: string): Promise<{ entries: Json[]; cursor: string }> {
  const entries: Json[] = [];
  let next = cursor;
  for (;;) {
    const result = await env.request('GET', `/fhir/$changes?_count=1000${next ? `&cursor=${next}` : ''}`, { token });
    if (result.status !== 200) throw new Error(`$changes: ${result.status} ${JSON.stringify(result.json)}`);
    entries.push(...(result.json.entry ?? []));
    next = result.json.extension.find((e: Json) => e.url === CHANGES_NEXT_CURSOR_URL).valueString;
    const more = result.json.extension.find((e: Json) => e.url !== CHANGES_NEXT_CURSOR_URL).valueBoolean;
    if (!more) return { entries, cursor: next! };
  }
}

export const urlsOf = (entries: Json[], method: string, type = 'DocumentReference') =>
  entries
    .filter((e) => e.request.method === method && e.request.url.startsWith(`${type}/`))
    .map((e) => e.request.url as string)
    .sort();
