/**
 * A Binary's bytes (issue 10): a Binary names an uploaded blob, its JSON carries the reference, and
 * `GET /fhir/Binary/<id>` with a non-FHIR Accept serves the bytes — whole or ranged, ETag the hash —
 * to whoever the Binary's own policy lets read it. The content limits of the domains hold at write.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BLOB_SHA256_URL,
  BLOB_SIZE_URL,
  blobExtensions,
  blobOf,
  MAX_DOCUMENT_BYTES,
} from '../../../src-shared/domain/attachments';
import { startTestPlatform, type TestPlatform } from '../platform/platform-harness';
import { PDF_BINARY, PDF_DOCUMENT } from '../platform-security/demo-dsp';
import { createDocument } from '../platform-dsp/dsp-harness';
import { blobBinary, download, freshBytes, sha256, uploadBlob } from './blob-harness';

let env: TestPlatform;
let gp: string;
let secretary: string;
let holder: string;

beforeAll(async () => {
  env = await startTestPlatform({ patients: 5, docsPerPatient: 1 });
  [gp, secretary, holder] = await Promise.all([env.login('gp'), env.login('secretary'), env.login('patient')]);
});
afterAll(() => env?.stop());

describe('a Binary naming an uploaded blob', () => {
  const bytes = freshBytes(5000);
  const etag = `"${sha256(bytes)}"`;
  beforeAll(async () => {
    await uploadBlob(env, gp, bytes, 2048);
    const put = await env.request('PUT', '/fhir/Binary/own-blob', { token: gp, body: blobBinary('own-blob', bytes) });
    expect(put.status).toBe(201);
  });

  it('its JSON carries the reference, never the bytes', async () => {
    const read = await env.request('GET', '/fhir/Binary/own-blob', { token: gp });
    expect(read.status).toBe(200);
    expect(read.json.data).toBeUndefined();
    expect(blobOf(read.json)).toEqual({ sha256: sha256(bytes), size: 5000 });
  });

  it('Accept: application/octet-stream serves the bytes, its type, the hash as ETag', async () => {
    const got = await download(env, gp, 'own-blob');
    expect(got.status).toBe(200);
    expect(got.bytes.equals(bytes)).toBe(true);
    expect(got.headers.get('content-type')).toBe('application/pdf');
    expect(got.headers.get('etag')).toBe(etag);
    expect(got.headers.get('accept-ranges')).toBe('bytes');
  });

  it('a range is a 206 with its Content-Range, across chunk boundaries', async () => {
    for (const [range, first, last] of [
      ['bytes=2000-2100', 2000, 2100],
      ['bytes=4096-', 4096, 4999],
      ['bytes=-10', 4990, 4999],
      ['bytes=0-0', 0, 0],
      ['bytes=4000-99999', 4000, 4999],
    ] as const) {
      const got = await download(env, gp, 'own-blob', { range });
      expect(got.status, range).toBe(206);
      expect(got.headers.get('content-range'), range).toBe(`bytes ${first}-${last}/5000`);
      expect(got.bytes.equals(bytes.subarray(first, last + 1)), range).toBe(true);
    }
  });

  it('a range past the end is a 416 naming the size; a malformed one a 400 naming the header', async () => {
    const past = await download(env, gp, 'own-blob', { range: 'bytes=5000-' });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe('bytes */5000');
    expect(past.json.issue[0].diagnostics).toContain('5000 bytes');
    for (const range of ['items=0-1', 'bytes=a-b', 'bytes=0-1,4-5', 'bytes=9-3']) {
      const bad = await download(env, gp, 'own-blob', { range });
      expect(bad.status, range).toBe(400);
      expect(bad.json.issue[0].diagnostics, range).toMatch(/^Range: /);
    }
  });

  it('If-Range of other bytes sends the whole; If-None-Match of these bytes a 304', async () => {
    const other = await download(env, gp, 'own-blob', { range: 'bytes=0-9', 'if-range': `"${'0'.repeat(64)}"` });
    expect(other.status).toBe(200);
    expect(other.bytes.length).toBe(5000);
    const same = await download(env, gp, 'own-blob', { range: 'bytes=0-9', 'if-range': etag });
    expect(same.status).toBe(206);
    expect((await download(env, gp, 'own-blob', { 'if-none-match': etag })).status).toBe(304);
  });

  it('without a token, or by someone its policy refuses: the same refusal as its JSON read, no bytes', async () => {
    for (const token of [undefined, secretary]) {
      const json = await env.request('GET', '/fhir/Binary/own-blob', token ? { token } : {});
      const bytesRead = await download(env, token, 'own-blob');
      expect(json.status).toBeGreaterThanOrEqual(401);
      expect(bytesRead.status).toBe(json.status);
      expect(bytesRead.json.issue[0].diagnostics).toBe(json.json.issue[0].diagnostics);
      expect(bytesRead.bytes.includes(bytes.subarray(0, 32))).toBe(false);
    }
  });

  it('a malformed blob reference is a 400 naming the extension; data and a blob together a 400', async () => {
    const half = await env.request('PUT', '/fhir/Binary/half-ref', {
      token: gp,
      body: {
        resourceType: 'Binary',
        contentType: 'text/plain',
        id: 'half-ref',
        meta: { extension: [blobExtensions({ sha256: sha256(bytes), size: 5000 })[0]] },
      },
    });
    expect(half.status).toBe(400);
    expect(half.json.issue[0].diagnostics).toContain(BLOB_SIZE_URL);
    const badHash = await env.request('PUT', '/fhir/Binary/bad-hash', {
      token: gp,
      body: {
        resourceType: 'Binary',
        contentType: 'text/plain',
        id: 'bad-hash',
        meta: {
          extension: [
            { url: BLOB_SHA256_URL, valueString: 'ABC' },
            { url: BLOB_SIZE_URL, valueInteger: 3 },
          ],
        },
      },
    });
    expect(badHash.status).toBe(400);
    const both = await env.request('PUT', '/fhir/Binary/both', { token: gp, body: blobBinary('both', bytes, { data: 'AAAA' }) });
    expect(both.status).toBe(400);
    expect(both.json.issue[0].diagnostics).toContain('not both');
  });
});

describe('a DSP document’s content', () => {
  it('is read by whoever the DSP table lets read the document, and by nobody else', async () => {
    const bytes = freshBytes(3000);
    await uploadBlob(env, gp, bytes);
    const doc = await createDocument(env, gp, 'demo-patient', {
      content: [{ attachment: { contentType: 'application/pdf', url: 'Binary/doc-blob', size: 3000 } }],
    });
    const put = await env.request('PUT', '/fhir/Binary/doc-blob', {
      token: gp,
      body: blobBinary('doc-blob', bytes, { securityContext: { reference: `DocumentReference/${doc.id}` } }),
    });
    expect(put.status).toBe(201);
    expect((await download(env, holder, 'doc-blob')).bytes.equals(bytes)).toBe(true);
    const refused = await download(env, secretary, 'doc-blob');
    expect(refused.status).toBe(403);
    expect(refused.bytes.includes(bytes.subarray(0, 32))).toBe(false);
  });

  it('over 20 MiB is refused at once, naming the limit, even when uploaded', async () => {
    const doc = await createDocument(env, gp, 'demo-patient');
    const big = freshBytes(MAX_DOCUMENT_BYTES + 1);
    await uploadBlob(env, gp, big);
    const put = await env.request('PUT', '/fhir/Binary/too-big', {
      token: gp,
      body: blobBinary('too-big', big, { securityContext: { reference: `DocumentReference/${doc.id}` } }),
    });
    expect(put.status).toBe(413);
    expect(put.json.issue[0].diagnostics).toContain(
      `${MAX_DOCUMENT_BYTES + 1} bytes, larger than the ${MAX_DOCUMENT_BYTES} bytes`,
    );
    expect(put.json.issue[0].diagnostics).toContain('DSP document');
    // Exactly the limit is fine.
    const fits = big.subarray(0, MAX_DOCUMENT_BYTES);
    await uploadBlob(env, gp, fits);
    const ok = await env.request('PUT', '/fhir/Binary/just-fits', {
      token: gp,
      body: blobBinary('just-fits', fits, { securityContext: { reference: `DocumentReference/${doc.id}` } }),
    });
    expect(ok.status).toBe(201);
    const tail = await download(env, gp, 'just-fits', { range: `bytes=${MAX_DOCUMENT_BYTES - 100}-` });
    expect(tail.bytes.equals(fits.subarray(MAX_DOCUMENT_BYTES - 100))).toBe(true);
  });

  it('the seeded imaging report’s PDF (a Binary of its own) is served by the bytes read', async () => {
    const doc = await env.request('GET', `/fhir/DocumentReference/${PDF_DOCUMENT}`, { token: gp });
    const attachment = doc.json.content[0].attachment;
    expect(attachment.url).toBe(`Binary/${PDF_BINARY}`);
    const pdf = await download(env, gp, PDF_BINARY);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.bytes.length).toBe(attachment.size);
  });
});
