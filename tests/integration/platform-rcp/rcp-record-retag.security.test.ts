/**
 * Threat: a tumour-board record leaves the board's rules by losing its marker — the presenter (who also
 * cares for the patient) rewrites the case without its RCP code, turning the dossier into a care task that
 * everyone caring for the patient reads. Issue 12: a record keeps its kind (422); the board's rules
 * govern it for good.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RCP_DEMO } from '../../../src-main/platform/seed/demo-rcp';
import { startTestPlatform, type TestPlatform } from '../platform/platform-harness';

let env: TestPlatform;
let gp: string;
let nurse: string;

beforeAll(async () => {
  env = await startTestPlatform({ patients: 1, docsPerPatient: 1 });
  [gp, nurse] = await Promise.all([env.login('gp'), env.login('nurse')]);
});
afterAll(async () => env?.stop());

describe('a tumour-board record keeps its kind', () => {
  it('the case rewritten without its RCP code is refused, and stays out of the nurse’s reach', async () => {
    const task = (await env.request('GET', `/fhir/Task/${RCP_DEMO.demoPatientCase}`, { token: gp })).json;
    const retagged = { ...task, code: { text: 'Tâche de soins' } };
    const result = await env.request('PUT', `/fhir/Task/${RCP_DEMO.demoPatientCase}`, {
      token: gp,
      body: retagged,
      headers: { 'if-match': `W/"${task.meta.versionId}"` },
    });
    expect(result.status).toBe(422);
    expect(result.json.issue[0].diagnostics).toMatch(/keeps its kind/);
    expect((await env.request('GET', `/fhir/Task/${RCP_DEMO.demoPatientCase}`, { token: nurse })).status).toBe(403);
  });

  it('the staging Observation loses its case link: refused too', async () => {
    const obs = (await env.request('GET', `/fhir/Observation/${RCP_DEMO.demoPatientCase}-ecog`, { token: gp })).json;
    const { extension: _dropped, ...unlinked } = obs;
    const result = await env.request('PUT', `/fhir/Observation/${RCP_DEMO.demoPatientCase}-ecog`, {
      token: gp,
      body: unlinked,
      headers: { 'if-match': `W/"${obs.meta.versionId}"` },
    });
    expect(result.status).toBe(422);
  });
});
