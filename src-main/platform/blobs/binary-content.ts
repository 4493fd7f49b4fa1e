/**
 * A Binary's bytes live in the blob store; its JSON carries only the blob's SHA-256 and size
 * (src-shared/domain/attachments.ts). On write: a Binary naming a blob is accepted only from a user who
 * uploaded that blob completely (knowing a hash proves nothing); one sent with inline `data` (the seed,
 * older clients) has its bytes moved into the blob store; either way the content limit of the policy
 * governing the Binary holds (a DSP document's 20 MiB, a message part's). On read: `GET /fhir/Binary/<id>`
 * with a non-FHIR Accept serves the bytes, ranges allowed, decided by the Binary's own policy like any read.
 */
import {
  BLOB_CHUNK_BYTES,
  BLOB_SHA256_URL,
  BLOB_SIZE_URL,
  blobExtensions,
  blobOf,
  MAX_BLOB_BYTES,
  type BlobReference,
} from '../../../src-shared/domain/attachments';
import type { AuditFacts } from '../audit/audit-event';
import { badRequest, FhirError, notFound } from '../fhir/fhir-error';
import type { FhirResponse, StreamedBytes } from '../fhir/fhir-response';
import type { PolicyRepository } from '../policy/repository';
import type { ContentHandler, ContentWrite, DomainRequest, Json } from '../policy/resource-policy';
import { readBytes, SERVED_AT_ONCE_BYTES, sha256Hex, streamBytes } from './blob-bytes';
import { blobNameLock } from './blob-collector';
import { parseRange } from './byte-ranges';

const BLOB_URLS = [BLOB_SHA256_URL, BLOB_SIZE_URL];
const SHA256_AT = 'Binary.meta.extension(blob-sha256)';
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
/** A Content-Type header value we may echo: printable ASCII, no CR/LF (the string rule allows them in FHIR). */
const HEADER_SAFE_MEDIA_TYPE = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*(\s*;[ -~]*)?$/;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function blobExtensionsOf(body: Json): unknown[] {
  const meta = isRecord(body.meta) ? body.meta : undefined;
  const extensions = Array.isArray(meta?.extension) ? meta.extension : [];
  return extensions.filter((e) => isRecord(e) && BLOB_URLS.includes(e.url as string));
}

/** The blob the body names, checked; undefined when it names none. */
function namedBlob(body: Json): BlobReference | undefined {
  const found = blobExtensionsOf(body);
  if (found.length === 0) return undefined;
  const blob = blobOf(body as unknown as fhir4.Resource);
  if (!blob || found.length !== 2)
    throw badRequest(
      `${SHA256_AT}: a Binary names a blob with exactly one ${BLOB_SHA256_URL} (valueString, 64 lower-case hex digits) and one ${BLOB_SIZE_URL} (valueInteger, bytes ≥ 0)`,
      'Binary.meta.extension',
      'value',
    );
  return blob;
}

/** The body with its bytes replaced by the blob they are stored as. */
function pointingAt(body: Json, blob: BlobReference): Json {
  const { data: _data, ...rest } = body;
  const meta = isRecord(body.meta) ? body.meta : {};
  const others = Array.isArray(meta.extension)
    ? meta.extension.filter((e) => !(isRecord(e) && BLOB_URLS.includes(e.url as string)))
    : [];
  return { ...rest, meta: { ...meta, extension: [...others, ...blobExtensions(blob)] } };
}

function checkLimit(write: ContentWrite, size: number, where: string): void {
  const limit = write.policy.contentLimit ?? { bytes: MAX_BLOB_BYTES, rule: 'the largest blob the platform accepts' };
  if (size > limit.bytes)
    throw new FhirError(413, {
      code: 'too-costly',
      diagnostics: `${where}: ${size} bytes, larger than the ${limit.bytes} bytes allowed for ${limit.rule}`,
      expression: where.startsWith('Binary.meta') ? 'Binary.meta.extension' : 'Binary.data',
    });
}

/**
 * A claimed blob: the writer must hold a completed upload of it (same hash, same size). A Binary
 * keeping the blob its current version already names claims nothing new.
 */
async function checkClaim(write: ContentWrite, blob: BlobReference): Promise<void> {
  const principal = write.principal;
  if (!principal) return; // the platform's own write (the seed)
  const current = write.current?.resource ? blobOf(write.current.resource) : undefined;
  if (current && current.sha256 === blob.sha256 && current.size === blob.size) return;
  const upload = await write.tx.uploadOf(principal.userRef, blob.sha256, blob.size);
  if (upload?.completedAt !== undefined) return;
  const reason =
    'a Binary names a blob only once its writer has uploaded all of it, hash verified (POST /blobs/uploads); knowing its hash is not enough';
  const error = new FhirError(403, {
    code: 'forbidden',
    diagnostics: `${SHA256_AT}: you have completed no upload of this blob of ${blob.size} bytes — ${reason}`,
    expression: 'Binary.meta.extension',
  });
  const facts: AuditFacts = {
    principal,
    interaction: write.action,
    outcome: '4',
    outcomeDescription: `claimed blob without an upload — ${reason}`,
    entities: [write.entity],
    patients: [],
    recorded: write.now,
  };
  error.auditFacts = facts;
  throw error;
}

async function beforeStore(write: ContentWrite): Promise<Json> {
  const { body } = write;
  const blob = namedBlob(body);
  if (body.data !== undefined) {
    if (blob)
      throw badRequest(
        `Binary.data: a Binary holds its bytes inline (data) or names a blob (${SHA256_AT}), not both`,
        'Binary.data',
        'invariant',
      );
    const data = body.data;
    if (typeof data !== 'string' || data.length % 4 !== 0 || !BASE64.test(data))
      throw badRequest('Binary.data: not valid base64', 'Binary.data', 'value');
    const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
    checkLimit(write, (data.length / 4) * 3 - padding, 'Binary.data');
    // Inline bytes (the seed, older clients) move into the blob store: JSON and $changes carry the reference only.
    const bytes = Buffer.from(data, 'base64');
    const stored = { sha256: sha256Hex(bytes), size: bytes.length };
    await write.tx.putBlob(stored.sha256, bytes, BLOB_CHUNK_BYTES);
    return pointingAt(body, stored);
  }
  if (!blob) return body;
  checkLimit(write, blob.size, SHA256_AT);
  // The collector takes this lock before it drops an unnamed blob: either it sees this version, or this write sees the blob gone.
  await write.tx.lock(blobNameLock(blob.sha256));
  await checkClaim(write, blob);
  if ((await write.tx.blobSize(blob.sha256)) !== blob.size)
    // A completed upload stored the blob; only a lost store could get here.
    throw new FhirError(409, { code: 'conflict', diagnostics: `${SHA256_AT}: the blob is not stored (upload it again)` });
  return pointingAt(body, blob);
}

function mediaTypeOf(binary: fhir4.Binary): string {
  return typeof binary.contentType === 'string' && HEADER_SAFE_MEDIA_TYPE.test(binary.contentType)
    ? binary.contentType
    : 'application/octet-stream';
}

/** `GET /fhir/Binary/<id>` with a non-FHIR Accept: the bytes, whole or a range; the ETag is the blob's hash. */
async function read(repo: PolicyRepository, id: string, request: DomainRequest): Promise<FhirResponse> {
  // The Binary's policy decides, and the access log records, exactly as for its JSON.
  const binary = (await repo.read('Binary', id)).body as fhir4.Binary;
  const blob = blobOf(binary);
  // Inline bytes are only left in a database written before blobs existed.
  const inline = blob === undefined && typeof binary.data === 'string' ? Buffer.from(binary.data, 'base64') : undefined;
  if (!blob && !inline) throw notFound(`Binary/${id}: holds no content (neither a blob nor data)`);
  const size = blob ? blob.size : inline!.length;
  const etag = `"${blob ? blob.sha256 : sha256Hex(inline!)}"`;
  const headers: Record<string, string> = {
    'Content-Type': mediaTypeOf(binary),
    ETag: etag,
    'Accept-Ranges': 'bytes',
    'Cache-Control': 'private, no-store',
    'X-Content-Type-Options': 'nosniff',
  };
  const ifNoneMatch = request.header('if-none-match');
  if (ifNoneMatch !== undefined && ifNoneMatch.split(',').some((tag) => tag.trim() === etag))
    return { status: 304, headers, body: null };
  const ifRange = request.header('if-range');
  // A range of other bytes than the client holds would corrupt its copy: If-Range not matching → the whole.
  const range = ifRange === undefined || ifRange.trim() === etag ? parseRange(request.header('range'), size) : undefined;
  const [first, end] = range ? [range.first, range.last + 1] : [0, size];
  if (range) headers['Content-Range'] = `bytes ${range.first}-${range.last}/${size}`;
  const status = range ? 206 : 200;
  if (!blob) return { status, headers, body: inline!.subarray(first, end) };
  if (end - first <= SERVED_AT_ONCE_BYTES)
    return {
      status,
      headers,
      body: end === first ? Buffer.alloc(0) : await readBytes(repo.scope.tx, { blob: blob.sha256 }, first, end),
    };
  // A blob never changes under its hash (and a Binary naming it keeps it from the collector): stream it after this unit.
  const streamed: StreamedBytes = {
    streamedBytes: end - first,
    open: (read) => streamBytes(read, { blob: blob.sha256 }, first, end),
  };
  return { status, headers: { ...headers, 'Content-Length': String(end - first) }, body: streamed };
}

export const BINARY_CONTENT: ContentHandler = { type: 'Binary', beforeStore, read };
