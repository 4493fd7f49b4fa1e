/**
 * Threat: a patient account reading another patient's DSP. `GET /fhir/DocumentReference/<doc>` as
 * demo.patient on someone else's document answered 200 with its metadata, because the "no care
 * mandate" row also matched the patient role. Revised table row 5: a patient who is not the holder
 * gets nothing at all — not even metadata — on every way in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../platform/platform-harness';
import { mentions, PDF_BINARY, PDF_DOCUMENT } from './demo-dsp';

let env: TestPlatform;
let otherPatient: string;

beforeAll(async () => {
  env = await startTestPlatform({ patients: 5, docsPerPatient: 1 });
  otherPatient = await env.loginAs('demo.patient2');
});
afterAll(async () => env?.stop());

describe('a patient who is not the holder gets nothing of the DSP', () => {
  it.each([
    ['read', `/fhir/DocumentReference/${PDF_DOCUMENT}`],
    ['vread', `/fhir/DocumentReference/${PDF_DOCUMENT}/_history/1`],
    ['history', `/fhir/DocumentReference/${PDF_DOCUMENT}/_history`],
    ['Binary', `/fhir/Binary/${PDF_BINARY}`],
  ])('%s is refused with 403 and no metadata', async (_way, path) => {
    const answer = await env.request('GET', path, { token: otherPatient });
    expect(answer.status).toBe(403);
    expect(answer.json.resourceType).toBe('OperationOutcome');
    expect(mentions(answer.json, 'loinc')).toBe(false);
  });

  it('a search of the holder’s DSP is refused, and their own (empty) DSP answers', async () => {
    const other = await env.request('GET', '/fhir/DocumentReference?patient=Patient/demo-patient', { token: otherPatient });
    expect(other.status).toBe(403);
    const own = await env.request('GET', '/fhir/DocumentReference?patient=Patient/demo-patient-2', { token: otherPatient });
    expect(own.status).toBe(200);
    expect(own.json.entry ?? []).toEqual([]);
  });

  it('their $changes carries none of the holder’s documents', async () => {
    const feed = await env.request('GET', '/fhir/$changes?_count=1000', { token: otherPatient });
    expect(feed.status).toBe(200);
    expect(mentions(feed.json, PDF_DOCUMENT)).toBe(false);
  });
});
