/**
 * The blob collector (issue 10, platform/blobs/blob-collector.ts): an upload under way past its age is
 * dropped; a blob no Binary version names is dropped past its grace, with the completed uploads that
 * proved holding it; a blob any version names — current, superseded by a correction, or before a
 * deletion — stays, so history keeps its bytes. Time is passed to the sweep, never waited for.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BLOB_BYTES } from '../../../src-shared/domain/attachments';
import { openTestStorage } from '../../fixtures/test-storage';
import { startTestPlatform, type TestPlatform } from '../platform/platform-harness';
import { blobBinary, download, freshBytes, openUpload, putChunk, sha256, uploadBlob } from './blob-harness';

const HOUR = 60 * 60 * 1000;
const AGE = 24 * HOUR;

let env: TestPlatform;
let gp: string;

beforeAll(async () => {
  env = await startTestPlatform({
    seed: 'none',
    blobCollector: { abandonedUploadMs: AGE, unreferencedBlobMs: AGE },
    blobCollectorIntervalMs: 0,
  });
  gp = await env.login('gp');
});
afterAll(() => env?.stop());

/** What the platform's storage holds of a blob, read on a second connection. */
async function held(sha: string): Promise<{ blob: boolean; chunks: number }> {
  const storage = await openTestStorage(env.dataDir);
  try {
    return await storage.read(async (tx) => ({
      blob: (await tx.blobSize(sha)) !== undefined,
      chunks: (await tx.chunks({ blob: sha }, 0, MAX_BLOB_BYTES)).length,
    }));
  } finally {
    await storage.close();
  }
}

async function uploadChunks(id: string): Promise<number> {
  const storage = await openTestStorage(env.dataDir);
  try {
    return await storage.read(async (tx) => (await tx.chunks({ upload: id }, 0, MAX_BLOB_BYTES)).length);
  } finally {
    await storage.close();
  }
}

const later = (ms: number) => Date.now() + ms;

describe('uploads under way', () => {
  it('one opened longer ago than the age is dropped with its chunks; a younger one stays', async () => {
    const bytes = freshBytes(3000);
    const opened = await openUpload(env, gp, { sha256: sha256(bytes), size: bytes.length });
    const id = opened.json.uploadId as string;
    expect((await putChunk(env, gp, id, bytes.subarray(0, 1000), 0, bytes.length)).status).toBe(200);
    expect(await uploadChunks(id)).toBe(1);

    expect((await env.platform.collectBlobs(later(AGE - HOUR))).abandonedUploads).toBe(0);
    expect((await env.request('GET', `/blobs/uploads/${id}`, { token: gp })).status).toBe(200);

    expect((await env.platform.collectBlobs(later(AGE + HOUR))).abandonedUploads).toBeGreaterThanOrEqual(1);
    expect((await env.request('GET', `/blobs/uploads/${id}`, { token: gp })).status).toBe(404);
    expect(await uploadChunks(id)).toBe(0);
    // The client starts again: a new upload of the same blob.
    const again = await openUpload(env, gp, { sha256: sha256(bytes), size: bytes.length });
    expect(again.status).toBe(201);
  });
});

describe('stored blobs', () => {
  it('one no Binary names is dropped after its grace, with its proof of upload: naming it needs a new upload', async () => {
    const bytes = freshBytes(2500);
    await uploadBlob(env, gp, bytes, 1000);
    expect(await held(sha256(bytes))).toEqual({ blob: true, chunks: 3 });

    await env.platform.collectBlobs(later(AGE - HOUR));
    expect((await held(sha256(bytes))).blob).toBe(true);

    await env.platform.collectBlobs(later(AGE + HOUR));
    expect(await held(sha256(bytes))).toEqual({ blob: false, chunks: 0 });
    const named = await env.request('PUT', '/fhir/Binary/too-late', { token: gp, body: blobBinary('too-late', bytes) });
    expect(named.status).toBe(403);
    expect(named.json.issue[0].diagnostics).toContain('completed no upload');

    await uploadBlob(env, gp, bytes);
    const put = await env.request('PUT', '/fhir/Binary/too-late', { token: gp, body: blobBinary('too-late', bytes) });
    expect(put.status).toBe(201);
    expect((await download(env, gp, 'too-late')).bytes.equals(bytes)).toBe(true);
  });

  it('one the current version names stays; one only a superseded version names stays (history keeps its bytes)', async () => {
    const first = freshBytes(1200);
    const corrected = freshBytes(1300);
    await uploadBlob(env, gp, first);
    expect((await env.request('PUT', '/fhir/Binary/corrected', { token: gp, body: blobBinary('corrected', first) })).status).toBe(
      201,
    );
    await uploadBlob(env, gp, corrected);
    const put = await env.request('PUT', '/fhir/Binary/corrected', {
      token: gp,
      body: blobBinary('corrected', corrected),
      headers: { 'if-match': 'W/"1"' },
    });
    expect(put.status).toBe(200);

    await env.platform.collectBlobs(later(10 * AGE));
    expect(await held(sha256(first))).toEqual({ blob: true, chunks: 1 });
    expect(await held(sha256(corrected))).toEqual({ blob: true, chunks: 1 });
    const version1 = await env.request('GET', '/fhir/Binary/corrected/_history/1', { token: gp });
    expect(version1.status).toBe(200);
    expect((await download(env, gp, 'corrected')).bytes.equals(corrected)).toBe(true);
  });

  it('one a deleted Binary named before its deletion stays', async () => {
    const bytes = freshBytes(900);
    await uploadBlob(env, gp, bytes);
    expect((await env.request('PUT', '/fhir/Binary/deleted', { token: gp, body: blobBinary('deleted', bytes) })).status).toBe(
      201,
    );
    const deleted = await env.request('DELETE', '/fhir/Binary/deleted', { token: gp, headers: { 'if-match': 'W/"1"' } });
    expect(deleted.status).toBe(204);

    await env.platform.collectBlobs(later(10 * AGE));
    expect((await held(sha256(bytes))).blob).toBe(true);
  });
});
