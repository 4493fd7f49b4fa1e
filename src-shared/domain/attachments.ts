/**
 * Wire vocabulary of attachments (ARCHITECTURE §6, issue 10), shared by the client core and the platform.
 *
 * Bytes travel apart from records. A record that carries content points at a `Binary` (`Binary/<id>`), as
 * DSP documents and messages already do; that Binary holds no `data`, only the SHA-256 and size of a blob
 * (two extensions of `Binary.meta`: an R4 Binary is a plain Resource, so `meta` is the one Element it has
 * that may carry extensions) and, through `securityContext`, the record that decides who may read it. The
 * platform keeps each blob once, keyed by its hash, and serves its bytes through the Binary only:
 * `GET /fhir/Binary/<id>` with `Accept: application/octet-stream` (ranges allowed). There is no route by
 * hash alone, so knowing a hash grants nothing.
 *
 * Uploads are resumable chunks (`/blobs/uploads`, see BLOB_UPLOADS_PATH); a Binary may name a blob only
 * once its writer has uploaded it completely (hash verified): a claimed upload of a hash one only knows is
 * refused.
 */
import type { Binary, Extension, Resource } from 'fhir/r4';

/** Binary.meta extension: the blob's SHA-256, 64 lower-case hex digits (valueString). */
export const BLOB_SHA256_URL = 'https://esante.lu/fhir/StructureDefinition/blob-sha256';
/** Binary.meta extension: the blob's size in bytes (valueInteger). */
export const BLOB_SIZE_URL = 'https://esante.lu/fhir/StructureDefinition/blob-size';

/** Base path (not under /fhir: chunks are octet streams, not FHIR resources) of resumable uploads. */
export const BLOB_UPLOADS_PATH = '/blobs/uploads';

/** Bytes per upload chunk, well under every body limit (the platform may announce its own in the upload's answer). */
export const BLOB_CHUNK_BYTES = 1024 * 1024;

/**
 * The resumable upload protocol (platform: src-main/platform/blobs/):
 * - `POST /blobs/uploads` with `BlobUploadRequest` as JSON → 201 `BlobUploadState` (Location: the upload), or
 *   200 with the caller's own upload of the same blob (under way: resume at `offset`; or already complete).
 *   413 when `size` exceeds MAX_BLOB_BYTES; 400 naming the field for anything else malformed.
 * - `PUT /blobs/uploads/<uploadId>`, `Content-Type: application/octet-stream`, `Content-Range: bytes
 *   <first>-<last>/<size>`, at most `chunkBytes` bytes → 200 `BlobUploadState`. A chunk the platform already
 *   holds is a harmless no-op (200); one that starts after the confirmed offset is a 409 naming it. The chunk
 *   that completes the blob has its hash verified: a mismatch is a 422 and the upload is discarded (nothing
 *   stored; start again).
 * - `GET /blobs/uploads/<uploadId>` → 200 `BlobUploadState` (the confirmed offset, after a crash or a drop).
 * Every answer carries the confirmed offset in the BLOB_UPLOAD_OFFSET_HEADER header too. An upload is seen by
 * its uploader only (anyone else: 404). Then a Binary names the blob (`blobExtensions`), and its bytes are
 * read with `GET /fhir/Binary/<id>`, `Accept: application/octet-stream`, optionally `Range: bytes=<first>-<last>`
 * (206 with Content-Range); the ETag is the quoted SHA-256.
 */
export interface BlobUploadRequest {
  sha256: string;
  size: number;
  contentType: string;
}

export interface BlobUploadState extends BlobUploadRequest {
  uploadId: string;
  /** Bytes confirmed (stored in order); the next chunk starts here. */
  offset: number;
  /** Largest chunk the platform accepts in one PUT. */
  chunkBytes: number;
  /** True once every byte arrived and the hash was verified: a Binary may now name the blob. */
  complete: boolean;
}

/** Response header of every upload answer: the confirmed offset. */
export const BLOB_UPLOAD_OFFSET_HEADER = 'Upload-Offset';

/** A DSP document's content (the client's `dsp.addDocument` limit, held end to end). */
export const MAX_DOCUMENT_BYTES = 20 * 1024 * 1024;
/** A whole message: its encrypted body and attachments together. */
export const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
/** The largest blob the platform accepts to upload at all (the largest of the limits above). */
export const MAX_BLOB_BYTES = MAX_MESSAGE_BYTES;

const SHA256_HEX = /^[0-9a-f]{64}$/;

export function isSha256Hex(value: unknown): value is string {
  return typeof value === 'string' && SHA256_HEX.test(value);
}

/** The blob a Binary points at, if it points at one (and not at inline `data`). */
export interface BlobReference {
  sha256: string;
  size: number;
}

export function blobOf(resource: Resource): BlobReference | undefined {
  if (resource.resourceType !== 'Binary') return undefined;
  const extensions = (resource as Binary).meta?.extension ?? [];
  const sha256 = extensions.find((e) => e.url === BLOB_SHA256_URL)?.valueString;
  const size = extensions.find((e) => e.url === BLOB_SIZE_URL)?.valueInteger;
  if (!isSha256Hex(sha256) || typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) return undefined;
  return { sha256, size };
}

/** The two `Binary.meta` extensions that make a Binary point at a blob. */
export function blobExtensions(blob: BlobReference): Extension[] {
  return [
    { url: BLOB_SHA256_URL, valueString: blob.sha256 },
    { url: BLOB_SIZE_URL, valueInteger: blob.size },
  ];
}

/** Bytes that a (padded) base64 text decodes to, without decoding it. */
export function base64ByteLength(base64: string): number {
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  return Math.floor((base64.length * 3) / 4) - padding;
}

/** A byte limit in words, as refusals name it: "20 MiB (20971520 bytes)". */
export function describeByteLimit(bytes: number): string {
  return `${bytes / (1024 * 1024)} MiB (${bytes} bytes)`;
}
