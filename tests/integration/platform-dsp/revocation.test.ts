/**
 * Revoking a DSP right reaches the professional at their next `$changes` page (ARCHITECTURE §5/§6):
 * a DELETE entry per document they had and may no longer see, and reads are refused from then on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../platform/platform-harness';
import { REVOKED_EXTENSION_URL } from '../../../src-shared/domain/fhir-sync';
import { createDocument, mustSimulate, pull, urlsOf, type Json } from './dsp-harness';

let env: TestPlatform;
let gp: string;
let patient: string;
let specialist: string;
let nurse: string;

beforeAll(async () => {
  env = await startTestPlatform({ seed: 'none' });
  [gp, patient, specialist, nurse] = await Promise.all([
    env.login('gp'),
    env.login('patient'),
    env.login('specialist'),
    env.login('nurse'),
  ]);
});
afterAll(() => env?.stop());

describe('revocations in $changes', () => {
  it('a GP removed from the trust circle gets a DELETE for exactly the DSP documents they had, then 403 on read', async () => {
    // The demo GP is the référent in the seed: make the specialist a trust-circle member instead, with restricted access.
    await mustSimulate(env, patient, 'demo-patient', 'add-to-trust-circle', {
      practitioner: 'Practitioner/demo-specialist',
      restricted: true,
    });
    const byGp = await Promise.all([
      createDocument(env, gp, 'demo-patient'),
      createDocument(env, gp, 'demo-patient', {
        meta: { security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R' }] },
      }),
    ]);
    const own = await createDocument(env, specialist, 'demo-patient');
    const first = await pull(env, specialist);
    const received = urlsOf(first.entries, 'PUT');
    expect(received).toEqual([...byGp.map((d: Json) => `DocumentReference/${d.id}`), `DocumentReference/${own.id}`].sort());

    await mustSimulate(env, patient, 'demo-patient', 'remove-from-trust-circle', {
      practitioner: 'Practitioner/demo-specialist',
    });
    const next = await pull(env, specialist, first.cursor);
    const deleted = next.entries.filter((e: Json) => e.request.method === 'DELETE');
    // Their own document stays theirs (rule 5): only the GP's documents are revoked.
    expect(deleted.map((e: Json) => e.request.url).sort()).toEqual(byGp.map((d: Json) => `DocumentReference/${d.id}`).sort());
    for (const entry of deleted) {
      expect(entry.extension).toEqual([{ url: REVOKED_EXTENSION_URL, valueCode: 'revoked' }]);
      expect(entry.response.outcome.issue[0].diagnostics).toMatch(/^revoked/);
    }
    for (const doc of byGp)
      expect((await env.request('GET', `/fhir/DocumentReference/${doc.id}`, { token: specialist })).status).toBe(403);
    expect((await env.request('GET', `/fhir/DocumentReference/${own.id}`, { token: specialist })).status).toBe(200);
    // A later page does not repeat them.
    expect(urlsOf((await pull(env, specialist, next.cursor)).entries, 'DELETE')).toEqual([]);
  });

  it('hiding a document revokes it for the référent; unhiding sends it again', async () => {
    // Written by the demo nurse (trust circle, seeded), read by the référent.
    const doc = await createDocument(env, nurse, 'demo-patient');
    const start = await pull(env, gp);
    expect(urlsOf(start.entries, 'PUT')).toContain(`DocumentReference/${doc.id}`);
    await mustSimulate(env, patient, 'demo-patient', 'hide-document', { document: `DocumentReference/${doc.id}` });
    const hidden = await pull(env, gp, start.cursor);
    expect(urlsOf(hidden.entries, 'DELETE')).toEqual([`DocumentReference/${doc.id}`]);
    expect(urlsOf(hidden.entries, 'PUT')).not.toContain(`DocumentReference/${doc.id}`);
    expect((await env.request('GET', `/fhir/DocumentReference/${doc.id}`, { token: gp })).status).toBe(404);
    await mustSimulate(env, patient, 'demo-patient', 'unhide-document', { document: `DocumentReference/${doc.id}` });
    const shown = await pull(env, gp, hidden.cursor);
    expect(urlsOf(shown.entries, 'PUT')).toContain(`DocumentReference/${doc.id}`);
  });

  it('an expired presence grant revokes the documents it gave at the next pull', async () => {
    const issued = await mustSimulate(env, patient, 'demo-patient', 'issue-presence-code', { ttlSeconds: 2 });
    const code = issued.parameter.find((p: Json) => p.name === 'code').valueString;
    const redeemed = await env.request('POST', '/fhir/Patient/demo-patient/$redeem-presence-code', {
      token: specialist,
      body: { code },
      contentType: 'application/json',
    });
    expect(redeemed.status).toBe(201);
    const doc = await createDocument(env, gp, 'demo-patient');
    const before = await pull(env, specialist);
    expect(urlsOf(before.entries, 'PUT')).toContain(`DocumentReference/${doc.id}`);
    await new Promise((r) => setTimeout(r, 2100));
    const after = await pull(env, specialist, before.cursor);
    expect(urlsOf(after.entries, 'DELETE')).toContain(`DocumentReference/${doc.id}`);
    expect((await env.request('GET', `/fhir/DocumentReference/${doc.id}`, { token: specialist })).status).toBe(403);
  });

  it('raising a document to V revokes it for the référent and the trust circle, not for its author', async () => {
    const doc = await createDocument(env, nurse, 'demo-patient');
    const [gpStart, nurseStart] = await Promise.all([pull(env, gp), pull(env, nurse)]);
    expect(urlsOf(gpStart.entries, 'PUT')).toContain(`DocumentReference/${doc.id}`);
    await mustSimulate(env, patient, 'demo-patient', 'set-confidentiality', {
      document: `DocumentReference/${doc.id}`,
      confidentiality: 'V',
    });
    expect(urlsOf((await pull(env, gp, gpStart.cursor)).entries, 'DELETE')).toEqual([`DocumentReference/${doc.id}`]);
    const nurseNext = await pull(env, nurse, nurseStart.cursor);
    expect(urlsOf(nurseNext.entries, 'DELETE')).toEqual([]);
    expect(urlsOf(nurseNext.entries, 'PUT')).toContain(`DocumentReference/${doc.id}`); // the new version, still theirs
  });

  it('closing the DSP revokes every document for every professional, authors included; reopening sends them again', async () => {
    const doc = await createDocument(env, gp, 'demo-patient');
    const start = await pull(env, gp);
    await mustSimulate(env, patient, 'demo-patient', 'close-dsp');
    const closed = await pull(env, gp, start.cursor);
    expect(urlsOf(closed.entries, 'DELETE')).toContain(`DocumentReference/${doc.id}`);
    expect((await env.request('GET', `/fhir/DocumentReference/${doc.id}`, { token: gp })).status).toBe(403);
    await mustSimulate(env, patient, 'demo-patient', 'reopen-dsp');
    const reopened = await pull(env, gp, closed.cursor);
    expect(urlsOf(reopened.entries, 'PUT')).toContain(`DocumentReference/${doc.id}`);
    expect(urlsOf(reopened.entries, 'DELETE')).toEqual([]);
  });

  it('revoking the référent revokes the documents others wrote, with their Binaries', async () => {
    const doc = await createDocument(env, nurse, 'demo-patient', {
      content: [{ attachment: { contentType: 'application/pdf', url: 'Binary/rev-pdf-1' } }],
    });
    const put = await env.request('PUT', '/fhir/Binary/rev-pdf-1', {
      token: nurse,
      body: {
        resourceType: 'Binary',
        id: 'rev-pdf-1',
        contentType: 'application/pdf',
        securityContext: { reference: `DocumentReference/${doc.id}` },
        data: Buffer.from('%PDF-1.4').toString('base64'),
      },
    });
    expect(put.status).toBe(201);
    const start = await pull(env, gp);
    expect(urlsOf(start.entries, 'PUT', 'Binary')).toContain('Binary/rev-pdf-1');
    await mustSimulate(env, patient, 'demo-patient', 'revoke-referent');
    const next = await pull(env, gp, start.cursor);
    expect(urlsOf(next.entries, 'DELETE')).toContain(`DocumentReference/${doc.id}`);
    expect(urlsOf(next.entries, 'DELETE', 'Binary')).toEqual(['Binary/rev-pdf-1']);
    expect((await env.request('GET', '/fhir/Binary/rev-pdf-1', { token: gp })).status).toBe(403);
    await mustSimulate(env, patient, 'demo-patient', 'set-referent', { practitioner: 'Practitioner/demo-gp' });
  });
});
