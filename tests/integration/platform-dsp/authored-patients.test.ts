/** "Mes patients" names every patient a professional may list: the feed carries the Patient record of each DSP they wrote in. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type Json, type TestPlatform } from '../platform/platform-harness';

let env: TestPlatform;
let gp: string;

beforeAll(async () => {
  env = await startTestPlatform({ patients: 40, docsPerPatient: 3 });
  gp = await env.login('gp');
});
afterAll(async () => env?.stop());

describe('names, not ids', () => {
  it('the GP’s $changes carries the Patient record of every patient he authored a document for', async () => {
    const authored = await env.request('GET', '/fhir/DocumentReference?author=Practitioner/demo-gp&_count=500', { token: gp });
    expect(authored.status).toBe(200);
    const patients = new Set<string>(authored.json.entry.map((e: Json) => e.resource.subject.reference));
    // Some of them he has no DSP right on (he only wrote there): those are the ones that used to appear by id.
    expect(patients.size).toBeGreaterThan(1);
    const fed = new Set<string>();
    for (let cursor: string | undefined, more = true; more;) {
      const page = await env.request('GET', `/fhir/$changes?_count=1000${cursor ? `&cursor=${cursor}` : ''}`, { token: gp });
      for (const entry of page.json.entry ?? [])
        if (entry.resource?.resourceType === 'Patient') fed.add(`Patient/${entry.resource.id}`);
      cursor = page.json.extension.find((e: Json) => e.url.endsWith('changes-next-cursor')).valueString;
      more = page.json.extension.find((e: Json) => e.url.endsWith('changes-has-more')).valueBoolean;
    }
    expect([...patients].filter((p) => !fed.has(p))).toEqual([]);
  });
});
