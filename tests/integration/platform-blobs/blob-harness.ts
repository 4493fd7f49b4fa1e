/** Talks the blob protocol (src-shared/domain/attachments.ts) to a test platform over real HTTP. */
import { createHash, randomBytes } from 'node:crypto';
import {
  BLOB_CHUNK_BYTES,
  BLOB_UPLOADS_PATH,
  blobExtensions,
  type BlobUploadState,
} from '../../../src-shared/domain/attachments';
import type { HttpResult, Json, TestPlatform } from '../platform/platform-harness';

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Bytes no other test (and no attacker) could guess: a fresh blob each call. */
export const freshBytes = (size: number) => randomBytes(size);

export function root(env: TestPlatform): string {
  return env.url.replace(/\/fhir$/, '');
}

export async function openUpload(
  env: TestPlatform,
  token: string,
  blob: { sha256: string; size: number; contentType?: string },
): Promise<HttpResult> {
  return env.request('POST', BLOB_UPLOADS_PATH, {
    token,
    body: { contentType: 'application/pdf', ...blob },
    contentType: 'application/json',
  });
}

/** One chunk: `bytes` placed at `first` of a blob of `size` bytes. */
export async function putChunk(
  env: TestPlatform,
  token: string,
  uploadId: string,
  bytes: Uint8Array,
  first: number,
  size: number,
  headers: Record<string, string> = {},
): Promise<HttpResult> {
  const response = await fetch(`${root(env)}${BLOB_UPLOADS_PATH}/${uploadId}`, {
    method: 'PUT',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/octet-stream',
      'content-range': `bytes ${first}-${first + bytes.length - 1}/${size}`,
      ...headers,
    },
    body: bytes as Uint8Array<ArrayBuffer>,
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : null };
}

/** Uploads `bytes` whole, chunk after chunk; returns the final state. */
export async function uploadBlob(env: TestPlatform, token: string, bytes: Buffer, chunkBytes = BLOB_CHUNK_BYTES) {
  const opened = await openUpload(env, token, { sha256: sha256(bytes), size: bytes.length });
  if (opened.status !== 201 && opened.status !== 200) throw new Error(`open: ${opened.status} ${JSON.stringify(opened.json)}`);
  let state = opened.json as BlobUploadState;
  while (!state.complete) {
    const chunk = bytes.subarray(state.offset, state.offset + chunkBytes);
    const put = await putChunk(env, token, state.uploadId, chunk, state.offset, bytes.length);
    if (put.status !== 200) throw new Error(`chunk at ${state.offset}: ${put.status} ${JSON.stringify(put.json)}`);
    state = put.json as BlobUploadState;
  }
  return state;
}

/** A Binary naming an uploaded blob (no data). */
export function blobBinary(id: string, bytes: Buffer, extra: Json = {}): Json {
  return {
    resourceType: 'Binary',
    id,
    contentType: 'application/pdf',
    meta: { extension: blobExtensions({ sha256: sha256(bytes), size: bytes.length }) },
    ...extra,
  };
}

export interface Download {
  status: number;
  headers: Headers;
  bytes: Buffer;
  /** Parsed OperationOutcome when the answer is JSON. */
  json: Json;
}

/** `GET /fhir/Binary/<id>` asking for the bytes. */
export async function download(
  env: TestPlatform,
  token: string | undefined,
  binaryId: string,
  headers: Record<string, string> = {},
): Promise<Download> {
  const response = await fetch(`${env.url}/Binary/${binaryId}`, {
    headers: { accept: 'application/octet-stream', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  const isJson = (response.headers.get('content-type') ?? '').includes('json');
  return {
    status: response.status,
    headers: response.headers,
    bytes,
    json: isJson && bytes.length > 0 ? JSON.parse(bytes.toString()) : null,
  };
}
