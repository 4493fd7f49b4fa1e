/**
 * The seeded demo DSP (issue 5): the demo patient's documents of the 8 types, the demo GP as médecin
 * référent, the demo nurse in the trust circle, the demo specialist with nothing until a presence code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blobOf } from '../../../src-shared/domain/attachments';
import { DSP_DOCUMENT_TYPE_CODES } from '../../../src-main/platform/fhir/resource-types';
import { DEMO_DSP_DOCUMENTS } from '../../../src-main/platform/seed/demo-dsp';
import { startTestPlatform, type TestPlatform } from '../platform/platform-harness';
import { mustSimulate, pull, urlsOf, type Json } from './dsp-harness';

let env: TestPlatform;
const ids = DEMO_DSP_DOCUMENTS.map((d) => `dsp-demo-patient-${d.code}`);

beforeAll(async () => {
  env = await startTestPlatform({ patients: 3, docsPerPatient: 1 });
});
afterAll(() => env?.stop());

async function readable(token: string): Promise<string[]> {
  const statuses = await Promise.all(
    ids.map(async (id) => ({ id, status: (await env.request('GET', `/fhir/DocumentReference/${id}`, { token })).status })),
  );
  return statuses.filter((s) => s.status === 200).map((s) => s.id);
}

describe('the demo DSP', () => {
  it('holds one document of each of the 8 DSP types, with LOINC codes', async () => {
    const patient = await env.login('patient');
    const search = await env.request('GET', '/fhir/DocumentReference?patient=Patient/demo-patient&_count=100', {
      token: patient,
    });
    const codes = new Set((search.json.entry as Json[]).map((e) => e.resource.type?.coding?.[0]?.code));
    expect([...DSP_DOCUMENT_TYPE_CODES].every((c) => codes.has(c))).toBe(true);
    expect(ids.every((id) => (search.json.entry as Json[]).some((e) => e.resource.id === id))).toBe(true);
  });

  it('the référent reads all but the very restricted letter; the nurse the normal ones; the specialist nothing', async () => {
    const [gp, nurse, specialist] = await Promise.all([env.login('gp'), env.login('nurse'), env.login('specialist')]);
    const level = (id: string) => DEMO_DSP_DOCUMENTS.find((d) => id.endsWith(d.code))!.confidentiality;
    expect(await readable(gp)).toEqual(ids.filter((id) => level(id) !== 'V'));
    expect(await readable(nurse)).toEqual(ids.filter((id) => level(id) === 'N'));
    expect(await readable(specialist)).toEqual([]);
  });

  it('the imaging report is a PDF Binary that travels with its document and is redeemable by presence code', async () => {
    const [patient, specialist] = await Promise.all([env.login('patient'), env.login('specialist')]);
    const issued = await mustSimulate(env, patient, 'demo-patient', 'issue-presence-code');
    const code = issued.parameter.find((p: Json) => p.name === 'code').valueString;
    expect(
      (
        await env.request('POST', '/fhir/Patient/demo-patient/$redeem-presence-code', {
          token: specialist,
          body: { code },
          contentType: 'application/json',
        })
      ).status,
    ).toBe(201);
    const doc = await env.request('GET', '/fhir/DocumentReference/dsp-demo-patient-18748-4', { token: specialist });
    expect(doc.json.content[0].attachment.contentType).toBe('application/pdf');
    // Its Binary names the PDF's blob (issue 10); the bytes come with a non-FHIR Accept.
    const binary = await env.request('GET', `/fhir/${doc.json.content[0].attachment.url}`, { token: specialist });
    expect(binary.status).toBe(200);
    expect(binary.json.data).toBeUndefined();
    expect(blobOf(binary.json)?.size).toBe(doc.json.content[0].attachment.size);
    const bytes = await fetch(`${env.url}/${doc.json.content[0].attachment.url}`, {
      headers: { authorization: `Bearer ${specialist}`, accept: 'application/octet-stream' },
    });
    expect(bytes.status).toBe(200);
    const pdf = Buffer.from(await bytes.arrayBuffer()).toString('latin1');
    expect(pdf.startsWith('%PDF-1.4')).toBe(true);
    expect(pdf.trimEnd().endsWith('%%EOF')).toBe(true);
    const feed = await pull(env, specialist);
    expect(urlsOf(feed.entries, 'PUT', 'Binary')).toContain('Binary/dsp-demo-patient-18748-4-pdf');
    // The feed carries the reference, never the bytes.
    expect(JSON.stringify(feed.entries)).not.toContain(Buffer.from(pdf, 'latin1').toString('base64'));
  });

  it('a professional’s feed carries the Consents naming them and the patients whose DSP they see, not other patients’', async () => {
    const nurse = await env.login('nurse');
    const feed = await pull(env, nurse);
    const consents = (feed.entries as Json[]).filter((e) => e.request.url.startsWith('Consent/')).map((e) => e.resource);
    expect(consents.map((c) => c.id)).toContain('dsp-demo-patient-tc-demo-nurse');
    expect(consents.every((c) => c.provision.actor[0].reference.reference === 'Practitioner/demo-nurse')).toBe(true);
    const patients = urlsOf(feed.entries, 'PUT', 'Patient');
    expect(patients).toContain('Patient/demo-patient');
    expect(patients.every((p) => p === 'Patient/demo-patient')).toBe(true);
  });
});
