/**
 * Threat: conditional interactions as a side door around the DSP table. `If-None-Exist` (REST and
 * transaction entries) used to run before any policy: demo.secretary got a V document whole with
 * `If-None-Exist: _id=<doc>`, demo.admin got a PDF through `POST /fhir/Binary`, any criteria worked
 * as an existence oracle for hidden documents, and nothing reached the patient's access log.
 * ARCHITECTURE §5: a conditional lookup runs as the caller's own search.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../platform/platform-harness';
import { HOLDER, mentions, PDF_BINARY, V_DOCUMENT } from './demo-dsp';

let env: TestPlatform;
let secretary: string;
let admin: string;
let specialist: string;
let holder: string;

const documentBody = {
  resourceType: 'DocumentReference',
  status: 'current',
  type: { coding: [{ system: 'http://loinc.org', code: '11488-4' }] },
  subject: { reference: HOLDER },
  content: [{ attachment: { contentType: 'text/plain', data: Buffer.from('x').toString('base64') } }],
};

beforeAll(async () => {
  env = await startTestPlatform({ patients: 5, docsPerPatient: 1 });
  [secretary, admin, specialist, holder] = await Promise.all([
    env.login('secretary'),
    env.login('facility-admin'),
    env.login('specialist'),
    env.login('patient'),
  ]);
});
afterAll(async () => env?.stop());

async function accessLog(): Promise<string> {
  const log = await env.request('GET', `/fhir/Patient/demo-patient/$access-log?_count=1000`, { token: holder });
  expect(log.status).toBe(200);
  return JSON.stringify(log.json);
}

describe('a conditional lookup runs as the caller’s own search', () => {
  it('If-None-Exist on a V document gives a secretary nothing of it, and the refusal is in the access log', async () => {
    const before = (await accessLog()).length;
    const answer = await env.request('POST', '/fhir/DocumentReference', {
      token: secretary,
      body: documentBody,
      headers: { 'if-none-exist': `_id=${V_DOCUMENT}` },
    });
    expect(answer.status).toBe(403);
    expect(mentions(answer.json, V_DOCUMENT)).toBe(false);
    const log = await accessLog();
    expect(log.length).toBeGreaterThan(before);
    expect(log).toContain('Practitioner/demo-secretary');
  });

  it('If-None-Exist on a document Binary gives the facility admin no PDF', async () => {
    const answer = await env.request('POST', '/fhir/Binary', {
      token: admin,
      body: { resourceType: 'Binary', contentType: 'application/pdf', data: 'JVBERi0=' },
      headers: { 'if-none-exist': `_id=${PDF_BINARY}` },
    });
    expect(answer.status).not.toBe(200);
    expect(mentions(answer.json, PDF_BINARY)).toBe(false);
    expect(mentions(answer.json, 'JVBERi0xLjQ')).toBe(false);
  });

  it('a transaction entry with ifNoneExist leaks nothing to an unrelated specialist', async () => {
    const answer = await env.request('POST', '/fhir', {
      token: specialist,
      body: {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          { request: { method: 'POST', url: 'DocumentReference', ifNoneExist: `_id=${V_DOCUMENT}` }, resource: documentBody },
        ],
      },
    });
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(mentions(answer.json, V_DOCUMENT)).toBe(false);
  });

  it('is no existence oracle: a V document and an id that never existed answer alike', async () => {
    const probe = (id: string) =>
      env.request('POST', '/fhir/Binary', {
        token: specialist,
        body: {
          resourceType: 'Binary',
          contentType: 'text/plain',
          data: 'eA==',
          securityContext: { reference: `DocumentReference/${id}` },
        },
        headers: { 'if-none-exist': `_id=${id}` },
      });
    const [existing, missing] = [await probe(V_DOCUMENT), await probe('never-existed-0001')];
    expect(existing.status).toBe(missing.status);
    // Word for word the same answer, but for the id the caller sent.
    const asked = (answer: { json: unknown }, id: string) => JSON.stringify(answer.json).replaceAll(id, '<id>');
    expect(asked(existing, V_DOCUMENT)).toBe(asked(missing, 'never-existed-0001'));
  });
});
