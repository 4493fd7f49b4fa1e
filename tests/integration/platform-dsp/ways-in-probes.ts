/**
 * The ways into a DSP document (ARCHITECTURE §5 "every way in"), each as one probe over real HTTP:
 * what the caller got back (status, the document if it came back) and every body and header it
 * received, for the leak scan. Used by ways-in.matrix.test.ts.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { HttpResult, Json, TestPlatform } from '../platform/platform-harness';
import { documentBody, pull } from './dsp-harness';
import { PATIENT_ID, PATIENT_REF } from './ways-in-world';

export const WAYS = [
  'read',
  'vread',
  'history',
  'search',
  'include',
  'changes',
  'binary',
  'binary-content',
  'transaction',
  'batch',
  'conditional-create',
  'conditional-update',
] as const;
export type Way = (typeof WAYS)[number];

/** What a probe aims at: a document and its Binary (or ids that never existed, for the "no hint" comparison). */
export interface Target {
  id: string;
  binaryId: string;
}

export interface Observation {
  /** The answer to the interaction: the HTTP status, or the entry's status inside a transaction/batch response. */
  status: number;
  /** The HTTP status when `status` is an entry's (a batch answers 200 whatever its entries did). */
  httpStatus?: number;
  /** What came back for the target (the DocumentReference, or the Binary for `binary`), if anything. */
  returned?: Json;
  /** Every body and header received, for the leak scan and the "no hint it exists" comparison. */
  bodies: Json[];
  headers: Array<Record<string, string>>;
}

/** The lookup criteria of searches and conditional interactions (a patient pins their searches to the DSP's holder). */
export const criteria = (target: Target) => `_id=${target.id}&subject=${PATIENT_REF}`;

/** A new note for the DSP: what a conditional create or update writes when its lookup finds nothing. */
export const probeBody = () => documentBody(PATIENT_ID, { description: 'matrix probe: a new note' });

const headersOf = (result: HttpResult): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const name of ['etag', 'location', 'content-location', 'last-modified']) {
    const value = result.headers.get(name);
    if (value !== null) out[name] = value;
  }
  return out;
};

const single = (result: HttpResult, returned?: Json): Observation => ({
  status: result.status,
  ...(returned !== undefined ? { returned } : {}),
  bodies: [result.json],
  headers: [headersOf(result)],
});

const matching = (entries: Json[] | undefined, type: string, id: string): Json | undefined =>
  (entries ?? []).map((e: Json) => e.resource).find((r: Json) => r?.resourceType === type && r.id === id);

/** A transaction or batch with one entry: POST DocumentReference if none exists matching the target. */
async function bundleProbe(
  env: TestPlatform,
  token: string,
  target: Target,
  kind: 'transaction' | 'batch',
): Promise<Observation> {
  const result = await env.request('POST', '/fhir', {
    token,
    body: {
      resourceType: 'Bundle',
      type: kind,
      entry: [
        {
          fullUrl: `urn:uuid:${randomUUID()}`,
          resource: probeBody(),
          request: { method: 'POST', url: 'DocumentReference', ifNoneExist: criteria(target) },
        },
      ],
    },
  });
  const entry = result.status === 200 ? result.json.entry?.[0] : undefined;
  // A batch always answers 200; its entry carries the outcome. A failed transaction is the request's status.
  const status = entry ? Number(String(entry.response?.status).split(' ')[0]) : result.status;
  const returned = entry?.resource?.id === target.id ? entry.resource : undefined;
  return { ...single(result, returned), status, httpStatus: result.status };
}

/** One way in, for one caller and target (`changes` is probed once per caller: see `changesFeed`). */
export async function probe(
  env: TestPlatform,
  token: string,
  way: Exclude<Way, 'changes'>,
  target: Target,
): Promise<Observation> {
  const doc = `/fhir/DocumentReference/${target.id}`;
  switch (way) {
    case 'read': {
      const r = await env.request('GET', doc, { token });
      return single(r, r.status === 200 ? r.json : undefined);
    }
    case 'vread': {
      // Version 1 predates every label the holder set: it is decided on the current version all the same.
      const r = await env.request('GET', `${doc}/_history/1`, { token });
      return single(r, r.status === 200 ? r.json : undefined);
    }
    case 'history': {
      const r = await env.request('GET', `${doc}/_history`, { token });
      return single(r, r.status === 200 ? matching(r.json.entry, 'DocumentReference', target.id) : undefined);
    }
    case 'search': {
      const r = await env.request('GET', `/fhir/DocumentReference?${criteria(target)}`, { token });
      return single(r, r.status === 200 ? matching(r.json.entry, 'DocumentReference', target.id) : undefined);
    }
    case 'include': {
      const r = await env.request('GET', `/fhir/DocumentReference?${criteria(target)}&_include=DocumentReference:subject`, {
        token,
      });
      return single(r, r.status === 200 ? matching(r.json.entry, 'DocumentReference', target.id) : undefined);
    }
    case 'binary': {
      const r = await env.request('GET', `/fhir/Binary/${target.binaryId}`, { token });
      return single(r, r.status === 200 ? r.json : undefined);
    }
    case 'binary-content': {
      // Its bytes (issue 10: its JSON names a blob), asked for with a non-FHIR Accept.
      const r = await fetch(`${env.url}/Binary/${target.binaryId}`, {
        headers: { authorization: `Bearer ${token}`, accept: 'application/octet-stream' },
      });
      const bytes = Buffer.from(await r.arrayBuffer());
      const isJson = (r.headers.get('content-type') ?? '').includes('json');
      const headers: Record<string, string> = {};
      for (const name of ['etag', 'location', 'content-location', 'last-modified', 'content-range'])
        if (r.headers.get(name) !== null) headers[name] = r.headers.get(name)!;
      return {
        status: r.status,
        ...(r.status === 200 ? { returned: { content: bytes.toString('base64') } } : {}),
        bodies: [isJson ? JSON.parse(bytes.toString()) : bytes.toString('base64')],
        headers: [headers],
      };
    }
    case 'transaction':
      return bundleProbe(env, token, target, 'transaction');
    case 'batch':
      return bundleProbe(env, token, target, 'batch');
    case 'conditional-create': {
      const r = await env.request('POST', '/fhir/DocumentReference', {
        token,
        body: probeBody(),
        headers: { 'If-None-Exist': criteria(target) },
      });
      return single(r, r.status === 200 && r.json?.id === target.id ? r.json : undefined);
    }
    case 'conditional-update': {
      const r = await env.request('PUT', `/fhir/DocumentReference?${criteria(target)}`, { token, body: probeBody() });
      return single(r, r.json?.resourceType === 'DocumentReference' && r.json.id === target.id ? r.json : undefined);
    }
  }
}

/**
 * An update whose body names the target's id — a conditional update (FHIR allows the id in its body)
 * or a plain `PUT DocumentReference/<id>`: when the caller may not see the document, the answer must
 * not depend on whether a document with that id exists.
 */
export async function updateNamingId(
  env: TestPlatform,
  token: string,
  target: Target,
  form: 'conditional' | 'direct',
): Promise<Observation> {
  const path = form === 'conditional' ? `/fhir/DocumentReference?${criteria(target)}` : `/fhir/DocumentReference/${target.id}`;
  return single(await env.request('PUT', path, { token, body: { ...probeBody(), id: target.id } }));
}

/** The caller's whole `$changes` feed from a fresh snapshot (every page). */
export async function changesFeed(env: TestPlatform, token: string): Promise<Json[]> {
  return (await pull(env, token)).entries;
}

/** What the feed carries of one target, as an Observation. */
export function changesObservation(entries: Json[], target: Target): Observation {
  return {
    status: 200,
    ...(matching(entries, 'DocumentReference', target.id) ? { returned: matching(entries, 'DocumentReference', target.id) } : {}),
    bodies: [entries],
    headers: [],
  };
}

/** A body without what merely echoes the request (OperationOutcome issues, Bundle links): where an id must not appear. */
function withoutEchoes(node: Json): Json {
  if (Array.isArray(node)) return node.map(withoutEchoes);
  if (node === null || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) {
    if (node.resourceType === 'OperationOutcome' && key === 'issue') continue;
    if (node.resourceType === 'Bundle' && key === 'link') continue;
    out[key] = withoutEchoes(value);
  }
  return out;
}

/**
 * What a refused caller received of the document: its text, content or Binary anywhere (diagnostics
 * included), or its id anywhere the request did not put it (a resource, a fullUrl, a location, a header).
 */
export function leaksOf(
  observation: Observation,
  doc: Target & { marker: string; dataB64: string; binaryB64: string },
): string[] {
  const found: string[] = [];
  // Since issue 10 a Binary's JSON names its bytes by their hash: the hash is as telling as the bytes.
  const hash = createHash('sha256').update(Buffer.from(doc.binaryB64, 'base64')).digest('hex');
  if (observation.headers.some((h) => JSON.stringify(h).includes(hash))) found.push('its Binary’s hash');
  for (const body of observation.bodies) {
    const text = JSON.stringify(body) ?? '';
    if (text.includes(hash)) found.push('its Binary’s hash');
    if (text.includes(doc.marker)) found.push('its text');
    if (text.includes(doc.dataB64)) found.push('its content');
    if (text.includes(doc.binaryB64)) found.push('its Binary');
    const outsideEchoes = JSON.stringify(withoutEchoes(body)) ?? '';
    if (outsideEchoes.includes(doc.id)) found.push('its id');
    if (outsideEchoes.includes(doc.binaryId)) found.push('its Binary id');
    // A search that finds nothing has nothing to include: an included Patient says something matched.
    if (body?.resourceType === 'Bundle' && body.type === 'searchset' && (body.entry ?? []).length > 0)
      found.push(`${body.entry.length} search entries`);
  }
  for (const headers of observation.headers) {
    for (const [name, value] of Object.entries(headers))
      if (value.includes(doc.id) || value.includes(doc.binaryId)) found.push(`its id in ${name}`);
  }
  return [...new Set(found)];
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const INSTANT = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})/g;

/** An answer with the target's ids, fresh ids and instants blanked: equal for a hidden document and one that never existed. */
export function normalized(observation: Observation, target: Target): string {
  const text = JSON.stringify({ status: observation.status, bodies: observation.bodies })
    .split(target.id)
    .join('<target>')
    .split(target.binaryId)
    .join('<target-binary>');
  return text.replace(UUID, '<uuid>').replace(INSTANT, '<instant>');
}

/** Where two normalized answers part, with some context: enough to see the hint without the whole body. */
export function firstDifference(a: string, b: string): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const from = Math.max(0, i - 60);
  return `…${a.slice(from, i + 80)}… instead of …${b.slice(from, i + 80)}…`;
}

/** Ids that never existed, shaped like real ones. */
export const neverExisting = (): Target => ({ id: randomUUID(), binaryId: `mx-bin-${randomUUID()}` });
