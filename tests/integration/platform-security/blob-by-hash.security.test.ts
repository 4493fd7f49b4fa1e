/**
 * Threat (issue 10, acceptance 3): a user who knows a blob's SHA-256 — from a reference they once saw,
 * a colleague, a log — but has no right on any record referencing it, gets its bytes. Two ways: asking
 * for the bytes (there must be no route by hash; the Binary's own policy decides), and claiming the
 * upload: writing a Binary of their own that names the hash, then reading "their" Binary. Both must be
 * 403 and audited, and no answer may tell anything of the blob (not even its first byte).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blobOf } from '../../../src-shared/domain/attachments';
import { PGP_CONTENT_TYPE } from '../../../src-shared/domain/messaging';
import { storedAuditEvents } from '../../fixtures/test-storage';
import { startTestPlatform, type Json, type TestPlatform } from '../platform/platform-harness';
import { blobBinary, download, openUpload, putChunk, sha256, uploadBlob } from '../platform-blobs/blob-harness';
import { createDocument } from '../platform-dsp/dsp-harness';
import { envelope, transaction } from '../platform-messaging/messaging-harness';
import { HOLDER, PDF_BINARY } from './demo-dsp';

let env: TestPlatform;
let attacker: string; // the demo specialist: a professional with no right on the demo patient's DSP
let holder: string;
let pdf: Buffer;
let hash: string;
const TARGET = 'gp-letter-pdf';

beforeAll(async () => {
  env = await startTestPlatform({ patients: 5, docsPerPatient: 1 });
  let gp: string;
  [attacker, holder, gp] = await Promise.all([env.login('specialist'), env.login('patient'), env.login('gp')]);
  // What the attacker is after: a PDF the demo GP (médecin référent) uploaded into the holder's DSP. They learn its hash
  // and size somehow (the seeded imaging report's is tried too).
  pdf = Buffer.concat([Buffer.from('%PDF-1.4\n', 'latin1'), randomBytes(4000)]);
  hash = sha256(pdf);
  await uploadBlob(env, gp, pdf);
  const doc = await createDocument(env, gp, 'demo-patient', {
    content: [{ attachment: { contentType: 'application/pdf', url: `Binary/${TARGET}`, size: pdf.length } }],
  });
  const put = await env.request('PUT', `/fhir/Binary/${TARGET}`, {
    token: gp,
    body: blobBinary(TARGET, pdf, { securityContext: { reference: `DocumentReference/${doc.id}` } }),
  });
  expect(put.status).toBe(201);
  expect((await download(env, holder, TARGET)).bytes.equals(pdf)).toBe(true);
});
afterAll(() => env?.stop());

/** Refusals the platform recorded for the attacker naming `entity` (read from its storage on a second connection). */
async function refusalsNaming(entity: string): Promise<Json[]> {
  return (await storedAuditEvents(env.dataDir)).filter(
    (event: Json) =>
      event.outcome === '4' &&
      event.agent.some((a: Json) => a.who?.reference === 'Practitioner/demo-specialist') &&
      event.entity.some((e: Json) => e.what?.reference === entity),
  );
}

describe('knowing a blob’s hash grants nothing', () => {
  it.each([[TARGET], [PDF_BINARY]])(
    'asking for the bytes through the Binary (%s): 403, nothing of it, in the holder’s access log',
    async (binary) => {
      const got = await download(env, attacker, binary);
      expect(got.status).toBe(403);
      expect(got.bytes.includes(Buffer.from('%PDF'))).toBe(false);
      expect(got.headers.get('etag')).toBeNull();
      const log = await env.request('GET', `/fhir/${HOLDER}/$access-log?_count=1000`, { token: holder });
      const refused = (log.json.entry ?? []).filter(
        (e: Json) =>
          e.resource.outcome === '4' &&
          e.resource.agent.some((a: Json) => a.who?.reference === 'Practitioner/demo-specialist') &&
          e.resource.entity.some((x: Json) => x.what?.reference === `Binary/${binary}`),
      );
      expect(refused.length).toBeGreaterThan(0);
    },
  );

  it('there is no route by hash', async () => {
    for (const path of [`/blobs/${hash}`, `/blobs/uploads/${hash}`, `/fhir/Binary/${hash}`, `/blobs?sha256=${hash}`]) {
      const got = await env.request('GET', path, { token: attacker, headers: { accept: 'application/octet-stream' } });
      expect(got.status, path).toBeGreaterThanOrEqual(400);
      expect(JSON.stringify(got.json), path).not.toContain('%PDF');
    }
  });

  it('claiming the upload (a Binary of one’s own naming the hash): 403, audited, and no Binary to read', async () => {
    const before = await env.platform.fingerprint();
    const claim = await env.request('PUT', '/fhir/Binary/attacker-copy', {
      token: attacker,
      body: blobBinary('attacker-copy', pdf),
    });
    expect(claim.status).toBe(403);
    expect(claim.json.issue[0].diagnostics).toContain('no upload of this blob');
    expect((await env.platform.fingerprint()).hash).toBe(before.hash);
    expect((await refusalsNaming('Binary/attacker-copy')).length).toBe(1);
    expect((await download(env, attacker, 'attacker-copy')).status).toBe(404);
    // The same by POST and inside a batch.
    const posted = await env.request('POST', '/fhir/Binary', { token: attacker, body: blobBinary('ignored', pdf) });
    expect(posted.status).toBe(403);
    const batch = await env.request('POST', '/fhir', {
      token: attacker,
      body: {
        resourceType: 'Bundle',
        type: 'batch',
        entry: [{ resource: blobBinary('batch-copy', pdf), request: { method: 'PUT', url: 'Binary/batch-copy' } }],
      },
    });
    expect(batch.json.entry[0].response.status).toBe('403');
    expect((await refusalsNaming('Binary/batch-copy')).length).toBe(1);
    expect((await download(env, attacker, 'batch-copy')).status).toBe(404);
  });

  it('claiming it as a message part: 403, and the answer says nothing of the blob’s bytes', async () => {
    const id = randomUUID();
    const partId = randomUUID();
    const part = {
      ...blobBinary(partId, pdf),
      contentType: PGP_CONTENT_TYPE,
      securityContext: { reference: `Communication/${id}` },
    };
    const message = transaction(
      envelope(id, 'Practitioner/demo-specialist', ['Practitioner/demo-gp'], [{ id: partId, size: pdf.length }]),
      [part],
    );
    const sent = await env.request('POST', '/fhir', { token: attacker, body: message });
    expect(sent.status).toBe(403);
    // A PDF is no OpenPGP message: an answer saying so would have read the blob for someone who never held it.
    expect(sent.json.issue[0].diagnostics).not.toContain('OpenPGP');
    expect((await env.request('GET', `/fhir/Communication/${id}`, { token: attacker })).status).toBe(404);
  });

  it('uploading other bytes under the hash never completes: 422, and still no claim', async () => {
    const opened = await openUpload(env, attacker, { sha256: hash, size: pdf.length });
    expect(opened.status).toBe(201);
    expect(opened.json.complete).toBe(false); // the blob being stored already changes nothing for the attacker
    const forged = Buffer.alloc(pdf.length, 0x25);
    const put = await putChunk(env, attacker, opened.json.uploadId, forged, 0, pdf.length);
    expect(put.status).toBe(422);
    const claim = await env.request('PUT', '/fhir/Binary/attacker-copy-2', {
      token: attacker,
      body: blobBinary('attacker-copy-2', pdf),
    });
    expect(claim.status).toBe(403);
  });

  it('whoever uploads the bytes themselves may name the blob (stored once), and reads only what they uploaded', async () => {
    // The control: holding the bytes is what a claim needs (the same check must not refuse an honest uploader).
    const opened = await openUpload(env, attacker, { sha256: hash, size: pdf.length });
    expect((await putChunk(env, attacker, opened.json.uploadId, pdf, 0, pdf.length)).json.complete).toBe(true);
    const own = await env.request('PUT', '/fhir/Binary/own-copy', { token: attacker, body: blobBinary('own-copy', pdf) });
    expect(own.status).toBe(201);
    expect(blobOf(own.json)?.sha256).toBe(hash);
    expect((await download(env, attacker, 'own-copy')).bytes.equals(pdf)).toBe(true);
    expect((await download(env, attacker, TARGET)).status).toBe(403);
  });
});
