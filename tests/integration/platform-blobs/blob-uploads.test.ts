/**
 * Resumable uploads (issue 10, src-shared/domain/attachments.ts): chunks in order, the confirmed offset
 * to resume from, a duplicated chunk harmless, a gap refused naming the offset, the hash verified on
 * completion (a mismatch stores nothing), each blob stored once, every bad input a 4xx naming the rule.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BLOB_CHUNK_BYTES,
  BLOB_UPLOAD_OFFSET_HEADER,
  BLOB_UPLOADS_PATH,
  MAX_BLOB_BYTES,
} from '../../../src-shared/domain/attachments';
import { openTestStorage } from '../../fixtures/test-storage';
import { startTestPlatform, type TestPlatform } from '../platform/platform-harness';
import { blobBinary, freshBytes, openUpload, putChunk, root, sha256, uploadBlob } from './blob-harness';

let env: TestPlatform;
let gp: string;
let nurse: string;

beforeAll(async () => {
  env = await startTestPlatform({ seed: 'none' });
  [gp, nurse] = await Promise.all([env.login('gp'), env.login('nurse')]);
});
afterAll(() => env?.stop());

/** The platform's own storage, on a second connection: whether it holds the blob `sha`, and in how many chunks. */
async function stored(sha: string): Promise<{ blobs: number; chunks: number }> {
  const storage = await openTestStorage(env.dataDir);
  try {
    return await storage.read(async (tx) => ({
      blobs: (await tx.blobSize(sha)) === undefined ? 0 : 1,
      chunks: (await tx.chunks({ blob: sha }, 0, MAX_BLOB_BYTES + 1)).length,
    }));
  } finally {
    await storage.close();
  }
}

describe('resumable uploads', () => {
  it('an upload in chunks completes with the hash verified, announcing its chunk size and offset', async () => {
    const bytes = freshBytes(2500);
    const opened = await openUpload(env, gp, { sha256: sha256(bytes), size: bytes.length });
    expect(opened.status).toBe(201);
    expect(opened.json).toMatchObject({
      sha256: sha256(bytes),
      size: 2500,
      offset: 0,
      chunkBytes: BLOB_CHUNK_BYTES,
      complete: false,
    });
    expect(opened.headers.get('location')).toBe(`${BLOB_UPLOADS_PATH}/${opened.json.uploadId}`);
    const id = opened.json.uploadId as string;
    for (const first of [0, 1000]) {
      const put = await putChunk(env, gp, id, bytes.subarray(first, first + 1000), first, bytes.length);
      expect(put.status).toBe(200);
      expect(put.json.offset).toBe(first + 1000);
      expect(put.headers.get(BLOB_UPLOAD_OFFSET_HEADER)).toBe(String(first + 1000));
    }
    const last = await putChunk(env, gp, id, bytes.subarray(2000), 2000, bytes.length);
    expect(last.status).toBe(200);
    expect(last.json).toMatchObject({ offset: 2500, complete: true });
    expect(await stored(sha256(bytes))).toEqual({ blobs: 1, chunks: 3 });
  });

  it('resumes from the confirmed offset: by the upload id, and by asking again for the same blob (the id lost in a crash)', async () => {
    const bytes = freshBytes(3000);
    const opened = await openUpload(env, gp, { sha256: sha256(bytes), size: bytes.length });
    await putChunk(env, gp, opened.json.uploadId, bytes.subarray(0, 1200), 0, bytes.length);
    const status = await env.request('GET', `${BLOB_UPLOADS_PATH}/${opened.json.uploadId}`, { token: gp });
    expect(status.status).toBe(200);
    expect(status.json).toMatchObject({ offset: 1200, complete: false });
    const again = await openUpload(env, gp, { sha256: sha256(bytes), size: bytes.length });
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ uploadId: opened.json.uploadId, offset: 1200 });
    const rest = await putChunk(env, gp, opened.json.uploadId, bytes.subarray(1200), 1200, bytes.length);
    expect(rest.json.complete).toBe(true);
    // Done: asking again says so, and nothing needs sending.
    const done = await openUpload(env, gp, { sha256: sha256(bytes), size: bytes.length });
    expect(done.status).toBe(200);
    expect(done.json).toMatchObject({ uploadId: opened.json.uploadId, offset: 3000, complete: true });
  });

  it('a duplicated chunk is a harmless no-op; an overlapping one adds only its new bytes', async () => {
    const bytes = freshBytes(3000);
    const { json } = await openUpload(env, gp, { sha256: sha256(bytes), size: bytes.length });
    await putChunk(env, gp, json.uploadId, bytes.subarray(0, 1000), 0, bytes.length);
    const before = await env.platform.fingerprint();
    const duplicate = await putChunk(env, gp, json.uploadId, bytes.subarray(0, 1000), 0, bytes.length);
    expect(duplicate.status).toBe(200);
    expect(duplicate.json.offset).toBe(1000);
    expect((await env.platform.fingerprint()).hash).toBe(before.hash);
    const overlapping = await putChunk(env, gp, json.uploadId, bytes.subarray(500, 2000), 500, bytes.length);
    expect(overlapping.json.offset).toBe(2000);
    const last = await putChunk(env, gp, json.uploadId, bytes.subarray(2000), 2000, bytes.length);
    expect(last.json.complete).toBe(true);
    // The chunk after completion (a proxy's duplicate) changes nothing either.
    expect((await putChunk(env, gp, json.uploadId, bytes.subarray(2000), 2000, bytes.length)).status).toBe(200);
  });

  it('a gap is a 409 naming the confirmed offset, and stores nothing', async () => {
    const bytes = freshBytes(3000);
    const { json } = await openUpload(env, gp, { sha256: sha256(bytes), size: bytes.length });
    await putChunk(env, gp, json.uploadId, bytes.subarray(0, 1000), 0, bytes.length);
    const before = await env.platform.fingerprint();
    const gap = await putChunk(env, gp, json.uploadId, bytes.subarray(2000), 2000, bytes.length);
    expect(gap.status).toBe(409);
    expect(gap.json.issue[0].diagnostics).toContain('after the confirmed offset 1000');
    expect(gap.headers.get(BLOB_UPLOAD_OFFSET_HEADER)).toBe('1000');
    expect((await env.platform.fingerprint()).hash).toBe(before.hash);
  });

  it('bytes that do not hash as declared: 422 on the last chunk, the upload discarded, nothing stored, no Binary may name it', async () => {
    const declared = freshBytes(2000);
    const sent = freshBytes(2000);
    const { json } = await openUpload(env, gp, { sha256: sha256(declared), size: 2000 });
    await putChunk(env, gp, json.uploadId, sent.subarray(0, 1000), 0, 2000);
    const last = await putChunk(env, gp, json.uploadId, sent.subarray(1000), 1000, 2000);
    expect(last.status).toBe(422);
    expect(last.json.issue[0].diagnostics).toContain(`hash to ${sha256(sent)}, not ${sha256(declared)}`);
    expect((await env.request('GET', `${BLOB_UPLOADS_PATH}/${json.uploadId}`, { token: gp })).status).toBe(404);
    expect(await stored(sha256(declared))).toEqual({ blobs: 0, chunks: 0 });
    expect(await stored(sha256(sent))).toEqual({ blobs: 0, chunks: 0 });
    const claim = await env.request('PUT', '/fhir/Binary/mismatch-claim', {
      token: gp,
      body: blobBinary('mismatch-claim', declared),
    });
    expect(claim.status).toBe(403);
  });

  it('each blob is stored once, whoever uploads it; each uploader proves they hold it by uploading it all', async () => {
    const bytes = freshBytes(1500);
    await uploadBlob(env, gp, bytes, 1000);
    const second = await uploadBlob(env, nurse, bytes, 700);
    expect(second.complete).toBe(true);
    expect(await stored(sha256(bytes))).toEqual({ blobs: 1, chunks: 2 });
  });

  it('an empty blob completes at once', async () => {
    const empty = Buffer.alloc(0);
    const opened = await openUpload(env, gp, { sha256: sha256(empty), size: 0 });
    expect(opened.status).toBe(201);
    expect(opened.json).toMatchObject({ complete: true, offset: 0 });
  });

  it('an upload is seen by its uploader only: anyone else gets 404, as for an id never issued', async () => {
    const bytes = freshBytes(2000);
    const { json } = await openUpload(env, gp, { sha256: sha256(bytes), size: bytes.length });
    const before = await env.platform.fingerprint();
    const peek = await env.request('GET', `${BLOB_UPLOADS_PATH}/${json.uploadId}`, { token: nurse });
    const write = await putChunk(env, nurse, json.uploadId, bytes.subarray(0, 1000), 0, bytes.length);
    const never = await env.request('GET', `${BLOB_UPLOADS_PATH}/00000000-0000-4000-8000-000000000000`, { token: nurse });
    expect([peek.status, write.status, never.status]).toEqual([404, 404, 404]);
    expect(peek.json.issue[0].diagnostics.replace(json.uploadId, 'ID')).toBe(
      never.json.issue[0].diagnostics.replace('00000000-0000-4000-8000-000000000000', 'ID'),
    );
    expect((await env.platform.fingerprint()).sequence).toBe(before.sequence);
    expect((await env.request('GET', `${BLOB_UPLOADS_PATH}/${json.uploadId}`, { token: gp })).json.offset).toBe(0);
  });
});

describe('bad uploads are refused, naming the field and the rule', () => {
  const good = () => ({ sha256: 'a'.repeat(64), size: 10, contentType: 'application/pdf' });
  it.each([
    ['sha256 not hex', { ...good(), sha256: 'xyz' }, 400, 'sha256: must be'],
    ['sha256 upper case', { ...good(), sha256: 'A'.repeat(64) }, 400, 'sha256: must be'],
    ['size negative', { ...good(), size: -1 }, 400, 'size: must be'],
    ['size fractional', { ...good(), size: 1.5 }, 400, 'size: must be'],
    ['size a string', { ...good(), size: '10' }, 400, 'size: must be'],
    ['size over the limit', { ...good(), size: MAX_BLOB_BYTES + 1 }, 413, `larger than the ${MAX_BLOB_BYTES} bytes`],
    ['contentType missing', { sha256: 'a'.repeat(64), size: 10 }, 400, 'contentType: must be'],
    ['contentType with CR LF', { ...good(), contentType: 'text/plain\r\nX: y' }, 400, 'contentType: must be'],
    ['an unknown field', { ...good(), owner: 'Practitioner/x' }, 400, 'owner: not a field of an upload'],
    ['an array', [good()], 400, 'body: must be a JSON object'],
  ])('%s', async (_name, body, status, diagnostics) => {
    const answer = await env.request('POST', BLOB_UPLOADS_PATH, { token: gp, body, contentType: 'application/json' });
    expect(answer.status).toBe(status);
    expect(answer.json.issue[0].diagnostics).toContain(diagnostics);
  });

  it('without a token: 401', async () => {
    expect((await env.request('POST', BLOB_UPLOADS_PATH, { body: good(), contentType: 'application/json' })).status).toBe(401);
    expect((await env.request('GET', `${BLOB_UPLOADS_PATH}/00000000-0000-4000-8000-000000000000`)).status).toBe(401);
  });

  it('a malformed upload id: 400', async () => {
    const answer = await env.request('GET', `${BLOB_UPLOADS_PATH}/not-an-id`, { token: gp });
    expect(answer.status).toBe(400);
    expect(answer.json.issue[0].diagnostics).toContain('upload id');
  });

  describe('chunks', () => {
    let uploadId: string;
    const bytes = freshBytes(100);
    beforeAll(async () => {
      uploadId = (await openUpload(env, gp, { sha256: sha256(bytes), size: 100 })).json.uploadId;
    });
    const raw = (
      headers: Record<string, string>,
      body: Uint8Array<ArrayBuffer> | string = bytes.subarray(0, 10) as Uint8Array<ArrayBuffer>,
    ) =>
      fetch(`${root(env)}${BLOB_UPLOADS_PATH}/${uploadId}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${gp}`, 'content-type': 'application/octet-stream', ...headers },
        body,
      }).then(async (r) => ({ status: r.status, diagnostics: ((await r.json()) as any).issue?.[0]?.diagnostics as string }));

    it.each([
      ['Content-Range missing', {}, 400, 'Content-Range: required'],
      ['Content-Range malformed', { 'content-range': 'bytes=0-9' }, 400, 'is not of the form bytes <first>-<last>/100'],
      ['a total other than the size', { 'content-range': 'bytes 0-9/99' }, 400, 'total 99 differs'],
      [
        'a length other than the body',
        { 'content-range': 'bytes 0-19/100' },
        400,
        'names 20 bytes (0-19), but the body holds 10',
      ],
      ['past the end', { 'content-range': 'bytes 95-104/100' }, 400, 'past the end'],
      ['last before first', { 'content-range': 'bytes 9-0/100' }, 400, 'before the first'],
    ])('%s', async (_name, headers, status, diagnostics) => {
      const answer = await raw(headers);
      expect(answer.status).toBe(status);
      expect(answer.diagnostics).toContain(diagnostics);
    });

    it('a chunk sent as JSON: 415', async () => {
      const answer = await raw({ 'content-type': 'application/json', 'content-range': 'bytes 0-1/100' }, '{}');
      expect(answer.status).toBe(415);
      expect(answer.diagnostics).toContain('application/octet-stream');
    });

    it('a chunk larger than the announced chunk size: 413 naming it', async () => {
      const big = await putChunk(env, gp, uploadId, Buffer.alloc(BLOB_CHUNK_BYTES + 1), 0, 100);
      expect(big.status).toBe(413);
      expect(big.json.issue[0].diagnostics).toContain(`larger than the ${BLOB_CHUNK_BYTES} bytes`);
    });

    it('bytes sent to a FHIR route: 415 before the body is read', async () => {
      const answer = await fetch(`${env.url}/Patient`, {
        method: 'POST',
        headers: { authorization: `Bearer ${gp}`, 'content-type': 'application/octet-stream' },
        body: bytes as Uint8Array<ArrayBuffer>,
      });
      expect(answer.status).toBe(415);
    });
  });
});
