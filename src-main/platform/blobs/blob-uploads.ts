/**
 * Resumable uploads of blobs (issue 10; the protocol is in src-shared/domain/attachments.ts). An upload
 * belongs to the user who opened it: nobody else learns it exists. Chunks are stored in order, so the
 * confirmed offset is all a client needs to resume after a crash or a dropped connection; a chunk sent
 * twice changes nothing. The chunk that completes the blob has the whole upload hashed: a mismatch
 * discards the upload, a match makes it the blob (stored once, whoever uploaded it first) and the
 * uploader's proof that they hold its bytes — the only thing that lets a Binary name the blob.
 */
import { randomUUID } from 'node:crypto';
import {
  BLOB_CHUNK_BYTES,
  BLOB_UPLOAD_OFFSET_HEADER,
  BLOB_UPLOADS_PATH,
  isSha256Hex,
  MAX_BLOB_BYTES,
  type BlobUploadState,
} from '../../../src-shared/domain/attachments';
import type { AuditFacts, RestInteraction } from '../audit/audit-event';
import { badRequest, FhirError, notFound, unauthorized, unprocessable } from '../fhir/fhir-error';
import type { FhirResponse } from '../fhir/fhir-response';
import type { WriteContext } from '../fhir/request-context';
import type { Principal } from '../policy/principal';
import type { DomainRequest, DomainRoute, PolicyScope } from '../policy/resource-policy';
import type { BlobUpload, StorageTx } from '../storage/platform-storage';
import { parseContentRange } from './byte-ranges';
import { sha256Hex, sha256Of } from './blob-bytes';

const UPLOAD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** A MIME type as HTTP writes it (type/subtype, optional parameters), printable ASCII only. */
const MEDIA_TYPE = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}(\s*;[ -~]{0,200})?$/;
const REQUEST_FIELDS = ['sha256', 'size', 'contentType'];
const EMPTY_SHA256 = sha256Hex(new Uint8Array(0));

const entityOf = (id: string) => `${BLOB_UPLOADS_PATH.slice(1)}/${id}`;

function stateOf(upload: BlobUpload): BlobUploadState {
  return {
    uploadId: upload.id,
    sha256: upload.sha256,
    size: upload.size,
    contentType: upload.contentType,
    offset: upload.received,
    chunkBytes: BLOB_CHUNK_BYTES,
    complete: upload.completedAt !== undefined,
  };
}

function answer(status: number, upload: BlobUpload, extra: Record<string, string> = {}): FhirResponse {
  return {
    status,
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      [BLOB_UPLOAD_OFFSET_HEADER]: String(upload.received),
      'Cache-Control': 'no-store',
      ...extra,
    },
    body: stateOf(upload),
  };
}

function facts(
  principal: Principal | null,
  interaction: RestInteraction,
  outcome: '0' | '4',
  id: string,
  description: string,
  now: string,
): AuditFacts {
  return {
    principal,
    interaction,
    outcome,
    outcomeDescription: description,
    entities: [entityOf(id)],
    patients: [],
    recorded: now,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

/** The upload request's body: each field checked, the limit named. */
function checkUploadRequest(body: unknown): { sha256: string; size: number; contentType: string } {
  if (!isRecord(body))
    throw badRequest('body: must be a JSON object {"sha256", "size", "contentType"} (Content-Type: application/json)');
  for (const key of Object.keys(body))
    if (!REQUEST_FIELDS.includes(key))
      throw badRequest(`${key.slice(0, 40)}: not a field of an upload (allowed: ${REQUEST_FIELDS.join(', ')})`, key, 'structure');
  const { sha256, size, contentType } = body;
  if (!isSha256Hex(sha256)) throw badRequest("sha256: must be the blob's SHA-256, 64 lower-case hex digits", 'sha256', 'value');
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0)
    throw badRequest('size: must be the number of bytes of the blob, a whole number ≥ 0', 'size', 'value');
  if (size > MAX_BLOB_BYTES)
    throw new FhirError(413, {
      code: 'too-costly',
      diagnostics: `size: ${size} bytes, larger than the ${MAX_BLOB_BYTES} bytes a blob may hold (MAX_BLOB_BYTES)`,
      expression: 'size',
    });
  if (typeof contentType !== 'string' || !MEDIA_TYPE.test(contentType))
    throw badRequest('contentType: must be a media type such as application/pdf (type/subtype, printable ASCII)', 'contentType');
  return { sha256, size, contentType };
}

function checkUploadId(id: string): string {
  if (!UPLOAD_ID.test(id))
    throw badRequest(`upload id: "${id.slice(0, 40)}" is not an upload id (a UUID from POST ${BLOB_UPLOADS_PATH})`);
  return id;
}

/**
 * The caller's own upload. Another user's is answered exactly like an id never issued (404), and the
 * attempt is audited.
 */
async function ownUpload(scope: PolicyScope, id: string, interaction: RestInteraction): Promise<BlobUpload> {
  const principal = scope.principal;
  if (!principal) throw unauthorized('authentication required: send Authorization: Bearer <access token>');
  const upload = await scope.tx.upload(id);
  if (upload && upload.principal === principal.userRef) return upload;
  const error = notFound(`${entityOf(id)}: not found`);
  if (upload)
    error.auditFacts = facts(principal, interaction, '4', id, 'an upload is seen by its uploader only', scope.now.toISOString());
  throw error;
}

/** The blob is verified: it becomes stored (once) and the upload its uploader's proof of holding it. */
async function complete(tx: StorageTx, upload: BlobUpload, completedAt: number): Promise<BlobUpload> {
  await tx.promoteUpload(upload.id, upload.sha256, upload.size, completedAt);
  await tx.updateUpload(upload.id, upload.size, completedAt);
  return { ...upload, received: upload.size, completedAt };
}

async function openUpload(ctx: WriteContext, body: unknown, limits: BlobUploadLimits): Promise<FhirResponse | FhirError> {
  const asked = checkUploadRequest(body);
  const principal = ctx.principal.userRef;
  // After a crash the client may have lost the id: its own upload of the same blob resumes (or is already done).
  const existing = await ctx.tx.uploadOf(principal, asked.sha256, asked.size);
  if (existing) return answer(200, existing, { Location: `${BLOB_UPLOADS_PATH}/${existing.id}` });
  // The store holds what is under way until it completes or the collector drops it: one user may not fill it.
  const rule = `the ${limits.bytesUnderWayPerUser} bytes one user may have under way`;
  if (asked.size > limits.bytesUnderWayPerUser)
    throw new FhirError(413, { code: 'too-costly', diagnostics: `size: ${asked.size} bytes, over ${rule}`, expression: 'size' });
  const underWay = await ctx.tx.bytesUnderWay(principal);
  if (underWay + asked.size > limits.bytesUnderWayPerUser)
    throw new FhirError(
      429,
      {
        code: 'throttled',
        diagnostics: `size: ${asked.size} bytes more would bring your uploads under way to ${underWay + asked.size} bytes, over ${rule}; finish them first (abandoned ones are dropped after a while)`,
        expression: 'size',
      },
      { 'Retry-After': String(UNDER_WAY_RETRY_SECONDS) },
    );
  const now = Date.parse(ctx.now);
  let upload: BlobUpload = { id: randomUUID(), principal, ...asked, received: 0, createdAt: now };
  if (asked.size === 0 && asked.sha256 !== EMPTY_SHA256)
    throw unprocessable(`sha256: an empty blob hashes to ${EMPTY_SHA256}, not ${asked.sha256}`, 'sha256', 'value');
  await ctx.tx.putUpload(upload);
  if (asked.size === 0) upload = await complete(ctx.tx, upload, now);
  await ctx.audit.recordInTransaction(ctx.tx, facts(ctx.principal, 'create', '0', upload.id, 'upload opened', ctx.now));
  return answer(201, upload, { Location: `${BLOB_UPLOADS_PATH}/${upload.id}` });
}

async function putChunk(
  ctx: WriteContext,
  scope: PolicyScope,
  id: string,
  request: DomainRequest,
): Promise<FhirResponse | FhirError> {
  const upload = await ownUpload(scope, id, 'update');
  const body = request.body;
  if (!Buffer.isBuffer(body))
    throw new FhirError(415, {
      code: 'not-supported',
      diagnostics: 'Content-Type: an upload chunk is sent as application/octet-stream',
    });
  const range = parseContentRange(request.header('content-range'), upload.size, body.length);
  // Already confirmed (a replay, or a duplicate from a proxy): nothing to do.
  if (upload.completedAt !== undefined || range.last < upload.received) return answer(200, upload);
  if (range.first > upload.received)
    throw new FhirError(
      409,
      {
        code: 'conflict',
        diagnostics: `Content-Range: starts at byte ${range.first}, after the confirmed offset ${upload.received} (send the bytes from ${upload.received} on)`,
      },
      { [BLOB_UPLOAD_OFFSET_HEADER]: String(upload.received) },
    );
  // A chunk overlapping what is confirmed contributes only its new bytes.
  const fresh = body.subarray(upload.received - range.first);
  await ctx.tx.putUploadChunk(upload.id, upload.received, fresh);
  const received = upload.received + fresh.length;
  if (received < upload.size) {
    await ctx.tx.updateUpload(upload.id, received, undefined);
    return answer(200, { ...upload, received });
  }
  const actual = await sha256Of(ctx.tx, { upload: upload.id }, upload.size);
  if (actual !== upload.sha256) {
    // Returned, not thrown: the discarded upload is committed, so nothing of it stays stored.
    await ctx.tx.deleteUpload(upload.id);
    const refusal = unprocessable(
      `sha256: the ${upload.size} bytes received hash to ${actual}, not ${upload.sha256} as declared; the upload is discarded (open a new one)`,
      'sha256',
      'value',
    );
    await ctx.audit.recordInTransaction(ctx.tx, facts(ctx.principal, 'update', '4', upload.id, refusal.message, ctx.now));
    return refusal;
  }
  const done = await complete(ctx.tx, { ...upload, received }, Date.parse(ctx.now));
  await ctx.audit.recordInTransaction(
    ctx.tx,
    facts(ctx.principal, 'update', '0', upload.id, 'upload complete, hash verified', ctx.now),
  );
  return answer(200, done);
}

export interface BlobUploadLimits {
  /** Bytes one user's uploads under way may declare together (the store holds them until completed or collected). */
  bytesUnderWayPerUser: number;
}

/** Four of the largest blobs at once: a message's parts and a few documents, never the whole disk. */
export const DEFAULT_BLOB_UPLOAD_LIMITS: BlobUploadLimits = { bytesUnderWayPerUser: 4 * MAX_BLOB_BYTES };

/** What a client refused by the per-user cap waits before asking again. */
const UNDER_WAY_RETRY_SECONDS = 60;

export const blobUploadRoutes = (limits: BlobUploadLimits): DomainRoute[] => [
  {
    method: 'POST',
    url: BLOB_UPLOADS_PATH,
    plan: (request) => ({
      write: {
        interaction: 'create',
        entity: BLOB_UPLOADS_PATH.slice(1),
        target: BLOB_UPLOADS_PATH,
        run: (repo) => openUpload(repo.ctx, request.body, limits),
      },
    }),
  },
  {
    method: 'GET',
    url: `${BLOB_UPLOADS_PATH}/:id`,
    plan: (request) => {
      const id = checkUploadId(request.params.id ?? '');
      return {
        read: {
          interaction: 'read',
          entity: entityOf(id),
          run: async (repo) => answer(200, await ownUpload(repo.scope, id, 'read')),
        },
      };
    },
  },
  {
    method: 'PUT',
    url: `${BLOB_UPLOADS_PATH}/:id`,
    acceptsBytes: true,
    bodyLimit: BLOB_CHUNK_BYTES,
    plan: (request) => {
      const id = checkUploadId(request.params.id ?? '');
      return {
        write: {
          interaction: 'update',
          entity: entityOf(id),
          target: `${BLOB_UPLOADS_PATH}/${id}`,
          run: (repo) => putChunk(repo.ctx, repo.scope, id, request),
        },
      };
    },
  },
];
