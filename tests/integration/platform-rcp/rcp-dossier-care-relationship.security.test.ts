/**
 * Threat: a tumour board's case dossier (the question, the diagnosis, the staging, the proposal) was read
 * by anyone with a care relationship to the patient — the home-care nurse of the demo patient read it on
 * every way in — because Task, Condition, Observation and CarePlan are care-record types. Issue 12: the
 * dossier is read by the board's members and the case's presenter only (RCP rule 5–6), audited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RCP_DEMO } from '../../../src-main/platform/seed/demo-rcp';
import { startTestPlatform, type TestPlatform } from '../platform/platform-harness';

let env: TestPlatform;
let nurse: string;

beforeAll(async () => {
  env = await startTestPlatform({ patients: 1, docsPerPatient: 1 });
  nurse = await env.login('nurse');
});
afterAll(async () => env?.stop());

const DOSSIER = [
  `Task/${RCP_DEMO.demoPatientCase}`,
  `Condition/${RCP_DEMO.demoPatientCase}-condition`,
  `Observation/${RCP_DEMO.demoPatientCase}-stagegroup`,
  `CarePlan/${RCP_DEMO.pastProposal}`,
];

describe('a care relationship does not open a tumour-board dossier', () => {
  it.each(DOSSIER)('the nurse caring for the patient is refused %s', async (record) => {
    const read = await env.request('GET', `/fhir/${record}`, { token: nurse });
    expect(read.status).toBe(403);
    expect(read.json.issue[0].diagnostics).toMatch(/RCP rule 9/);
  });

  it('nor does she find it by search or in $changes', async () => {
    for (const type of ['Task', 'Condition', 'Observation', 'CarePlan']) {
      const found = await env.request('GET', `/fhir/${type}?patient=Patient/demo-patient&_count=1000`, { token: nurse });
      expect(JSON.stringify(found.json)).not.toContain('rcp-demo');
    }
    const feed = await env.request('GET', '/fhir/$changes?_count=1000', { token: nurse });
    const urls: string[] = (feed.json.entry ?? []).map((e: { request: { url: string } }) => e.request.url);
    // What she holds of the board is the minutes in the DSP she may read (trust circle), not the dossier.
    expect(urls.filter((url) => /^(Task|Condition|Observation|CarePlan)\/rcp-demo/.test(url))).toEqual([]);
  });
});
