/**
 * `POST /fhir` with a `transaction` Bundle: every entry or none. Entries may create (POST, with
 * `ifNoneExist`), update (PUT, with `ifMatch`) or delete (DELETE); `urn:uuid:` fullUrls of new
 * resources are replaced by their assigned ids in every reference of the Bundle. An entry may carry
 * its own operation id (`entry.request.extension[url=OPERATION_ID_EXTENSION_URL].valueString`):
 * a replayed entry returns its first response and is not applied twice.
 */
import { randomUUID } from 'node:crypto';
import { OPERATION_ID_EXTENSION_URL } from '../../../src-shared/domain/fhir-sync';
import { badRequest, FhirError, operationOutcome } from './fhir-error';
import { resourceTypeDef } from './resource-types';
import { ID_PATTERN } from './validation';
import { etagOf, type FhirResponse } from './fhir-response';
import { checkOperationId, requestHash, runOnce } from './idempotency';
import { planMessage } from '../messaging/messaging';
import type { WriteContext } from './request-context';
import { createResource, deleteResource, updateResource, type WriteResult } from './resource-writes';

type Method = 'POST' | 'PUT' | 'DELETE';

interface PlannedEntry {
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

/** FHIR processing order for a transaction: deletes, then creates, then updates. */
const ORDER: Record<Method, number> = { DELETE: 0, POST: 1, PUT: 2 };

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

function plan(bundle: unknown): PlannedEntry[] {
  if (!isRecord(bundle) || bundle.resourceType !== 'Bundle')
    throw badRequest('Bundle.resourceType: POST /fhir expects a Bundle', 'Bundle.resourceType');
  if (bundle.type !== 'transaction') {
    throw badRequest(
      `Bundle.type: "${String(bundle.type)}" is not supported (only "transaction")`,
      'Bundle.type',
      'not-supported',
    );
  }
  if (bundle.entry !== undefined && !Array.isArray(bundle.entry))
    throw badRequest('Bundle.entry: must be an array', 'Bundle.entry', 'structure');
  const entries = (bundle.entry as unknown[] | undefined) ?? [];
  const targets = new Set<string>();
  return entries.map((entry, index) => {
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
}

/** Rewrites every `reference` equal to a Bundle-local fullUrl into the resource's server reference. */
function resolveLocalReferences(node: unknown, local: Map<string, string>): unknown {
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

function entryResponse(result: WriteResult, baseUrl: string): fhir4.BundleEntryResponse {
  const { stored } = result;
  return {
    status: String(result.status),
    location: `${baseUrl}/${stored.type}/${stored.id}/_history/${stored.versionId}`,
    etag: etagOf(stored.versionId),
    lastModified: stored.lastUpdated,
    ...(result.warnings?.length ? { outcome: operationOutcome(result.warnings) } : {}),
  };
}

export async function runTransaction(ctx: WriteContext, bundle: unknown): Promise<FhirResponse> {
  const entries = plan(bundle);
  // A message (issue 6) is checked as a whole first; the platform then stores its envelope with the delivery status.
  const message = await planMessage(ctx, entries);
  if (message) ctx.message = message.plan;
  const local = new Map<string, string>();
  for (const entry of entries) if (entry.fullUrl?.startsWith('urn:uuid:')) local.set(entry.fullUrl, `${entry.type}/${entry.id}`);

  const responses: fhir4.BundleEntry[] = new Array(entries.length);
  const ordered = [...entries].sort((a, b) => ORDER[a.method] - ORDER[b.method] || a.index - b.index);
  for (const entry of ordered) {
    const def = resourceTypeDef(entry.type)!;
    const given = message && entry.type === 'Communication' ? message.envelope : entry.resource;
    const resource = given === undefined ? undefined : resolveLocalReferences(given, local);
    try {
      const key = entry.operationId && {
        operationId: entry.operationId,
        principal: ctx.principal.userRef,
        requestHash: requestHash(entry.method, `${entry.type}${entry.method === 'POST' ? '' : `/${entry.id}`}`, entry.resource, [
          entry.ifMatch,
          entry.ifNoneExist,
        ]),
      };
      const response = await runOnce(
        ctx.tx,
        key || undefined,
        async () => {
          const result =
            entry.method === 'POST'
              ? await createResource(ctx, def, resource, {
                  assignedId: entry.id,
                  entryIndex: entry.index,
                  ...(entry.ifNoneExist !== undefined ? { ifNoneExist: entry.ifNoneExist } : {}),
                })
              : entry.method === 'PUT'
                ? await updateResource(ctx, def, entry.id, resource, entry.ifMatch, entry.index)
                : await deleteResource(ctx, def, entry.id, entry.ifMatch);
          // An encrypted part is not echoed back: the sender has it, and the ledger need not keep megabytes twice.
          const echo = result.status !== 204 && !(message && entry.type === 'Binary');
          return {
            status: result.status,
            headers: {},
            body: { response: entryResponse(result, ctx.baseUrl), resource: echo ? result.stored.resource : undefined },
          };
        },
        `Bundle.entry[${entry.index}].request.extension(operation-id)`,
      );
      const body = response.body as { response: fhir4.BundleEntryResponse; resource?: fhir4.FhirResource };
      // A replayed create (or an If-None-Exist match) lives under another id: point local references at it.
      const location = body.response.location?.slice(ctx.baseUrl.length + 1).split('/_history')[0];
      if (entry.fullUrl && location) local.set(entry.fullUrl, location);
      responses[entry.index] = { ...(body.resource ? { resource: body.resource } : {}), response: body.response };
    } catch (error) {
      if (error instanceof FhirError && !error.issues[0]?.diagnostics.startsWith('Bundle.entry['))
        throw error.inEntry(entry.index, entry.type);
      throw error;
    }
  }
  const result: fhir4.Bundle = { resourceType: 'Bundle', id: randomUUID(), type: 'transaction-response', entry: responses };
  return { status: 200, headers: {}, body: result };
}
