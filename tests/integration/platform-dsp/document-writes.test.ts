/**
 * DSP documents are append-only (ARCHITECTURE §6, issue 5): a correction is a new document that
 * replaces the old one (superseded in the same transaction), only the author marks one
 * entered-in-error, content is never overwritten or deleted; roles without a care mandate get nothing
 * of the DSP, not even metadata (ARCHITECTURE §5, row 5).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../platform/platform-harness';
import { createDocument, documentBody, mustSimulate, pull, type Json } from './dsp-harness';

let env: TestPlatform;
let gp: string;
let nurse: string;
let secretary: string;
let patient: string;

beforeAll(async () => {
  env = await startTestPlatform({ seed: 'none' });
  [gp, nurse, secretary, patient] = await Promise.all([
    env.login('gp'),
    env.login('nurse'),
    env.login('secretary'),
    env.login('patient'),
  ]);
});
afterAll(() => env?.stop());

const replacing = (oldId: string, overrides: Json = {}) =>
  documentBody('demo-patient', {
    relatesTo: [{ code: 'replaces', target: { reference: `DocumentReference/${oldId}` } }],
    ...overrides,
  });

describe('DSP document writes', () => {
  it('a correction replaces the old document, which becomes superseded in the same transaction', async () => {
    const old = await createDocument(env, gp, 'demo-patient');
    const correction = await env.request('POST', '/fhir/DocumentReference', { token: gp, body: replacing(old.id) });
    expect(correction.status).toBe(201);
    const after = await env.request('GET', `/fhir/DocumentReference/${old.id}`, { token: gp });
    expect(after.json.status).toBe('superseded');
    expect(after.json.content).toEqual(old.content); // content untouched
    expect(after.json.meta.versionId).toBe('2');
  });

  it('only the author corrects a document; a refused correction writes nothing', async () => {
    const old = await createDocument(env, gp, 'demo-patient');
    const before = await env.platform.fingerprint();
    const refused = await env.request('POST', '/fhir/DocumentReference', { token: nurse, body: replacing(old.id) });
    expect(refused.status).toBe(403);
    expect((await env.platform.fingerprint()).hash).toBe(before.hash);
    expect((await env.request('GET', `/fhir/DocumentReference/${old.id}`, { token: gp })).json.status).toBe('current');
  });

  it('a document already superseded cannot be replaced again (409), and a replaced target must be in this DSP (422)', async () => {
    const old = await createDocument(env, gp, 'demo-patient');
    expect((await env.request('POST', '/fhir/DocumentReference', { token: gp, body: replacing(old.id) })).status).toBe(201);
    expect((await env.request('POST', '/fhir/DocumentReference', { token: gp, body: replacing(old.id) })).status).toBe(409);
    expect((await env.request('POST', '/fhir/DocumentReference', { token: gp, body: replacing('does-not-exist') })).status).toBe(
      422,
    );
  });

  it('PUT over an existing document’s content is refused with 409 and changes nothing', async () => {
    const old = await createDocument(env, gp, 'demo-patient');
    const before = await env.platform.fingerprint();
    const changed = {
      ...old,
      content: [{ attachment: { contentType: 'text/plain', data: Buffer.from('autre').toString('base64') } }],
    };
    const result = await env.request('PUT', `/fhir/DocumentReference/${old.id}`, {
      token: gp,
      body: changed,
      headers: { 'If-Match': 'W/"1"' },
    });
    expect(result.status).toBe(409);
    expect(result.json.issue[0].diagnostics).toContain('never overwritten');
    expect((await env.platform.fingerprint()).hash).toBe(before.hash);
  });

  it('entered-in-error is set by the author only', async () => {
    const doc = await createDocument(env, gp, 'demo-patient');
    const marked = { ...doc, status: 'entered-in-error' };
    expect(
      (
        await env.request('PUT', `/fhir/DocumentReference/${doc.id}`, {
          token: nurse,
          body: marked,
          headers: { 'If-Match': 'W/"1"' },
        })
      ).status,
    ).toBe(403);
    const byAuthor = await env.request('PUT', `/fhir/DocumentReference/${doc.id}`, {
      token: gp,
      body: marked,
      headers: { 'If-Match': 'W/"1"' },
    });
    expect(byAuthor.status).toBe(200);
    expect(byAuthor.json.status).toBe('entered-in-error');
  });

  it('a document is never deleted (405)', async () => {
    const doc = await createDocument(env, gp, 'demo-patient');
    expect((await env.request('DELETE', `/fhir/DocumentReference/${doc.id}`, { token: gp })).status).toBe(405);
    expect((await env.request('GET', `/fhir/DocumentReference/${doc.id}`, { token: gp })).status).toBe(200);
  });

  it('a document type outside the DSP value set is refused, naming DocumentReference.type', async () => {
    const result = await env.request('POST', '/fhir/DocumentReference', {
      token: gp,
      body: documentBody('demo-patient', { type: { coding: [{ system: 'http://loinc.org', code: '1234-5' }] } }),
    });
    expect(result.status).toBe(422);
    expect(result.json.issue[0].expression[0]).toBe('DocumentReference.type.coding[0].code');
  });

  it('only the patient hides a document', async () => {
    const result = await env.request('POST', '/fhir/DocumentReference', {
      token: gp,
      body: documentBody('demo-patient', {
        meta: { security: [{ system: 'https://esante.lu/fhir/CodeSystem/dsp-visibility', code: 'hidden' }] },
      }),
    });
    expect(result.status).toBe(403);
  });
});

describe('history and versions follow the document’s current labels', () => {
  it('once a document is raised to V, its older versions no longer exist for others either (404 on vread and _history, row 7)', async () => {
    const doc = await createDocument(env, gp, 'demo-patient');
    expect((await env.request('GET', `/fhir/DocumentReference/${doc.id}/_history/1`, { token: nurse })).status).toBe(200);
    await mustSimulate(env, patient, 'demo-patient', 'set-confidentiality', {
      document: `DocumentReference/${doc.id}`,
      confidentiality: 'V',
    });
    expect((await env.request('GET', `/fhir/DocumentReference/${doc.id}/_history/1`, { token: nurse })).status).toBe(404);
    expect((await env.request('GET', `/fhir/DocumentReference/${doc.id}/_history`, { token: nurse })).status).toBe(404);
    const mine = await env.request('GET', `/fhir/DocumentReference/${doc.id}/_history`, { token: gp }); // its author
    expect(mine.status).toBe(200);
    expect(mine.json.entry[0].resource.content[0].attachment.data).toBeDefined();
  });

  it('a V or hidden document answers read, vread and _history exactly as an id never written (no hint it exists)', async () => {
    const veryRestricted = await createDocument(env, gp, 'demo-patient');
    await mustSimulate(env, patient, 'demo-patient', 'set-confidentiality', {
      document: `DocumentReference/${veryRestricted.id}`,
      confidentiality: 'V',
    });
    const hidden = await createDocument(env, gp, 'demo-patient');
    await mustSimulate(env, patient, 'demo-patient', 'hide-document', { document: `DocumentReference/${hidden.id}` });
    const answer = async (id: string, suffix: string) => {
      const result = await env.request('GET', `/fhir/DocumentReference/${id}${suffix}`, { token: nurse });
      return { status: result.status, body: JSON.stringify(result.json).replaceAll(id, '<id>') };
    };
    const differences: string[] = [];
    for (const suffix of ['', '/_history/1', '/_history']) {
      const never = await answer('never-written-1', suffix);
      expect(never.status).toBe(404);
      for (const [label, id] of [
        ['V', veryRestricted.id],
        ['hidden', hidden.id],
      ] as const) {
        const got = await answer(id, suffix);
        if (got.status !== never.status || got.body !== never.body)
          differences.push(
            `${label} ${suffix || 'read'}: ${got.status} ${got.body} — never written: ${never.status} ${never.body}`,
          );
      }
    }
    expect(differences).toEqual([]);
  });

  it('a hidden document’s history does not exist for others (404), and is whole for the holder', async () => {
    const doc = await createDocument(env, gp, 'demo-patient');
    await mustSimulate(env, patient, 'demo-patient', 'hide-document', { document: `DocumentReference/${doc.id}` });
    expect((await env.request('GET', `/fhir/DocumentReference/${doc.id}/_history/1`, { token: nurse })).status).toBe(404);
    expect((await env.request('GET', `/fhir/DocumentReference/${doc.id}/_history`, { token: nurse })).status).toBe(404);
    const mine = await env.request('GET', `/fhir/DocumentReference/${doc.id}/_history`, { token: patient });
    expect(mine.json.entry).toHaveLength(2);
  });

  it('a correction in a transaction Bundle supersedes the old document with it; a refused one writes nothing', async () => {
    const old = await createDocument(env, gp, 'demo-patient');
    const bundle = (by: string) => ({
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [{ fullUrl: `urn:uuid:${by}`, resource: replacing(old.id), request: { method: 'POST', url: 'DocumentReference' } }],
    });
    const before = await env.platform.fingerprint();
    expect(
      (await env.request('POST', '/fhir', { token: nurse, body: bundle('00000000-0000-4000-8000-000000000001') })).status,
    ).toBe(403);
    expect((await env.platform.fingerprint()).hash).toBe(before.hash);
    // The refusal itself is in the holder's access log.
    const log = await env.request('GET', '/fhir/Patient/demo-patient/$access-log?_count=50', { token: patient });
    const refusal = (log.json.entry as Json[])
      .map((e) => e.resource)
      .find((a) => a.outcome === '4' && a.entity.some((x: Json) => x.what?.reference === `DocumentReference/${old.id}`));
    expect(refusal?.agent[0].who.reference).toBe('Practitioner/demo-nurse');
    expect((await env.request('POST', '/fhir', { token: gp, body: bundle('00000000-0000-4000-8000-000000000002') })).status).toBe(
      200,
    );
    expect((await env.request('GET', `/fhir/DocumentReference/${old.id}`, { token: gp })).json.status).toBe('superseded');
  });
});

describe('document Binaries', () => {
  it('a document’s Binary follows its document: readable with it, never overwritten, hidden with it', async () => {
    const binary = {
      resourceType: 'Binary',
      contentType: 'application/pdf',
      data: Buffer.from('%PDF-1.4\n%%EOF\n').toString('base64'),
    };
    const doc = await createDocument(env, gp, 'demo-patient');
    const put = await env.request('PUT', '/fhir/Binary/bin-doc-1', {
      token: gp,
      body: { ...binary, id: 'bin-doc-1', securityContext: { reference: `DocumentReference/${doc.id}` } },
    });
    expect(put.status).toBe(201);
    expect((await env.request('GET', '/fhir/Binary/bin-doc-1', { token: nurse })).status).toBe(200);
    expect((await env.request('GET', '/fhir/Binary/bin-doc-1', { token: secretary })).status).toBe(403);
    expect(
      (
        await env.request('PUT', '/fhir/Binary/bin-doc-1', {
          token: gp,
          body: { ...binary, id: 'bin-doc-1', securityContext: { reference: `DocumentReference/${doc.id}` } },
          headers: { 'If-Match': 'W/"1"' },
        })
      ).status,
    ).toBe(409);
    expect(
      (
        await env.request('PUT', '/fhir/Binary/bin-doc-2', {
          token: nurse,
          body: { ...binary, id: 'bin-doc-2', securityContext: { reference: `DocumentReference/${doc.id}` } },
        })
      ).status,
    ).toBe(403);
    await mustSimulate(env, patient, 'demo-patient', 'hide-document', { document: `DocumentReference/${doc.id}` });
    expect((await env.request('GET', '/fhir/Binary/bin-doc-1', { token: nurse })).status).toBe(404);
    expect((await env.request('GET', '/fhir/Binary/bin-doc-1', { token: patient })).status).toBe(200);
  });
});

describe('no care mandate: nothing of the DSP (row 5)', () => {
  it('a secretary sees nothing of the DSP, not even metadata: read, vread, _history, search and $changes', async () => {
    const doc = await createDocument(env, gp, 'demo-patient');
    for (const path of [
      `/fhir/DocumentReference/${doc.id}`,
      `/fhir/DocumentReference/${doc.id}/_history/1`,
      `/fhir/DocumentReference/${doc.id}/_history`,
      `/fhir/DocumentReference?subject=Patient/demo-patient&_id=${doc.id}`,
      `/fhir/DocumentReference?_id=${doc.id}`,
    ]) {
      const refused = await env.request('GET', path, { token: secretary });
      expect({ path, status: refused.status }).toEqual({ path, status: 403 });
      expect(refused.json.resourceType).toBe('OperationOutcome');
      expect(refused.json.issue[0].diagnostics).toContain('no care mandate');
      expect(JSON.stringify(refused.json)).not.toContain('text/plain'); // not even the attachment's metadata
    }
    const feed = await pull(env, secretary);
    expect(feed.entries.filter((e: Json) => e.request.url.startsWith('DocumentReference/'))).toEqual([]);
    expect(feed.entries.map((e: Json) => e.request.url)).not.toContain('Patient/demo-patient');
  });

  it('a facility administrator sees nothing of the DSP either', async () => {
    const admin = await env.login('facility-admin');
    const doc = await createDocument(env, gp, 'demo-patient');
    expect((await env.request('GET', `/fhir/DocumentReference/${doc.id}`, { token: admin })).status).toBe(403);
    expect((await env.request('GET', '/fhir/DocumentReference?subject=Patient/demo-patient', { token: admin })).status).toBe(403);
  });

  it('a secretary writes no document (403), the holder writes to their own DSP (201)', async () => {
    expect(
      (await env.request('POST', '/fhir/DocumentReference', { token: secretary, body: documentBody('demo-patient') })).status,
    ).toBe(403);
    expect(
      (await env.request('POST', '/fhir/DocumentReference', { token: patient, body: documentBody('demo-patient') })).status,
    ).toBe(201);
  });

  it('the holder’s $changes carries their whole DSP, hidden documents included', async () => {
    const doc = await createDocument(env, gp, 'demo-patient');
    await mustSimulate(env, patient, 'demo-patient', 'hide-document', { document: `DocumentReference/${doc.id}` });
    const feed = await pull(env, patient);
    const entry = feed.entries.find((e: Json) => e.request.url === `DocumentReference/${doc.id}`);
    expect(entry.resource.content[0].attachment.data).toBeDefined();
  });
});
