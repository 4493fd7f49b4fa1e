/**
 * Reading a `transaction` (every entry or none) or `batch` (each entry on its own) Bundle posted to
 * `POST /fhir` into planned entries: create (POST, with `ifNoneExist`), update (PUT, with `ifMatch`)
 * or delete (DELETE). `urn:uuid:` fullUrls of new resources are replaced by their assigned ids in
 * every reference of the Bundle. An entry may carry its own operation id
 * (`entry.request.extension[url=OPERATION_ID_EXTENSION_URL].valueString`): a replayed entry returns its
 * first response and is not applied twice. The policy-aware repository runs the entries.
 */
import { randomUUID } from 'node:crypto';
import { OPERATION_ID_EXTENSION_URL } from '../../../src-shared/domain/fhir-sync';
import { badRequest } from './fhir-error';
import { resourceTypeDef } from './resource-types';
import { ID_PATTERN } from './validation';
import { checkOperationId } from './idempotency';

type Method = 'POST' | 'PUT' | 'DELETE';

export interface PlannedEntry {
  index: number;
  method: Method;
  type: string;
  /** Target id: assigned for POST, from the URL for PUT/DELETE. */
  id: string;
  fullUrl: string | undefined;
  resource: unknown;
  ifMatch: string | undefined;
  ifNoneExist: string | undefined;
  operationId: string | undefined;
}

export type BundleKind = 'transaction' | 'batch';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function operationIdOf(request: Record<string, unknown>, index: number): string | undefined {
  const extensions = Array.isArray(request.extension) ? request.extension : [];
  const ext = extensions.find((e) => isRecord(e) && e.url === OPERATION_ID_EXTENSION_URL) as Record<string, unknown> | undefined;
  if (!ext) return undefined;
  const where = `Bundle.entry[${index}].request.extension(operation-id)`;
  if (typeof ext.valueString !== 'string')
    throw badRequest(`${where}: valueString missing`, `Bundle.entry[${index}].request.extension`, 'required');
  return checkOperationId(ext.valueString, where);
}

export function planBundle(bundle: unknown): { kind: BundleKind; entries: PlannedEntry[] } {
  if (!isRecord(bundle) || bundle.resourceType !== 'Bundle')
    throw badRequest('Bundle.resourceType: POST /fhir expects a Bundle', 'Bundle.resourceType');
  if (bundle.type !== 'transaction' && bundle.type !== 'batch') {
    throw badRequest(
      `Bundle.type: "${String(bundle.type)}" is not supported (only "transaction" and "batch")`,
      'Bundle.type',
      'not-supported',
    );
  }
  const kind: BundleKind = bundle.type;
  if (bundle.entry !== undefined && !Array.isArray(bundle.entry))
    throw badRequest('Bundle.entry: must be an array', 'Bundle.entry', 'structure');
  const entries = (bundle.entry as unknown[] | undefined) ?? [];
  const targets = new Set<string>();
  const planned = entries.map((entry, index): PlannedEntry => {
    const at = `Bundle.entry[${index}]`;
    if (!isRecord(entry) || !isRecord(entry.request))
      throw badRequest(`${at}.request: required element missing`, `${at}.request`, 'required');
    const { method, url } = entry.request;
    if (method !== 'POST' && method !== 'PUT' && method !== 'DELETE') {
      throw badRequest(
        `${at}.request.method: "${String(method)}" is not supported in a transaction (POST, PUT, DELETE)`,
        `${at}.request.method`,
        'not-supported',
      );
    }
    if (typeof url !== 'string') throw badRequest(`${at}.request.url: required element missing`, `${at}.request.url`, 'required');
    const [type = '', id, ...rest] = url.replace(/^\//, '').split('?')[0]!.split('/');
    if (!resourceTypeDef(type))
      throw badRequest(`${at}.request.url: resource type "${type}" is not supported`, `${at}.request.url`, 'not-supported');
    const wantsId = method !== 'POST';
    if (rest.length > 0 || (wantsId ? id === undefined || !ID_PATTERN.test(id) : id !== undefined)) {
      throw badRequest(`${at}.request.url: expected "${wantsId ? `${type}/<id>` : type}" for ${method}`, `${at}.request.url`);
    }
    if (method !== 'DELETE' && !isRecord(entry.resource))
      throw badRequest(`${at}.resource: required for ${method}`, `${at}.resource`, 'required');
    const target = `${type}/${id ?? randomUUID()}`;
    if (targets.has(target))
      throw badRequest(`${at}.request.url: ${target} appears twice in the transaction`, `${at}.request.url`, 'duplicate');
    targets.add(target);
    const str = (value: unknown) => (typeof value === 'string' ? value : undefined);
    return {
      index,
      method,
      type,
      id: target.slice(type.length + 1),
      fullUrl: str(entry.fullUrl),
      resource: entry.resource,
      ifMatch: str(entry.request.ifMatch),
      ifNoneExist: str(entry.request.ifNoneExist),
      operationId: operationIdOf(entry.request, index),
    };
  });
  return { kind, entries: planned };
}

/** Rewrites every `reference` equal to a Bundle-local fullUrl into the resource's server reference. */
export function resolveLocalReferences(node: unknown, local: Map<string, string>): unknown {
  if (Array.isArray(node)) return node.map((item) => resolveLocalReferences(item, local));
  if (!isRecord(node)) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    out[key] =
      key === 'reference' && typeof value === 'string' && local.has(value)
        ? local.get(value)
        : resolveLocalReferences(value, local);
  }
  return out;
}
