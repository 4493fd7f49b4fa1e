/**
 * Issue 12 on the client: the board's meeting, agenda and dossiers read offline from the encrypted cache,
 * writes through the outbox (answer, proposal, minutes, a new case), the proposal two participants edit
 * offline meeting as a 412 conflict shown in words, and minutes that are only replaced — the GP's DSP
 * shows the replacement.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../../src-main/core';
import { DEMO_ACCOUNTS } from '../../../src-main/platform/seed/demo-accounts';
import { RCP_DEMO } from '../../../src-main/platform/seed/demo-rcp';
import { createTestClient, syncNow, TEST_PASSPHRASE, value } from '../../fixtures/test-client';
import { startTestPlatform, type TestPlatform } from '../../fixtures/test-platform';

let platform: TestPlatform;
let oncologist: Core;
let pathologist: Core;
let gp: Core;

async function login(core: Core, identifier: string) {
  const account = DEMO_ACCOUNTS.find((a) => a.identifier === identifier)!;
  const result = await core.desk.session.login({
    identifier,
    password: account.password,
    otp: account.otp,
    passphrase: TEST_PASSPHRASE,
  });
  if (!result.ok) throw new Error(JSON.stringify(result.error));
}

const MEETING = RCP_DEMO.upcomingMeeting;
const CASE = RCP_DEMO.demoPatientCase;

beforeAll(async () => {
  platform = await startTestPlatform({ seed: 'demo' });
  [oncologist, pathologist, gp] = [
    createTestClient(platform.url),
    createTestClient(platform.url),
    createTestClient(platform.url),
  ];
  await login(oncologist, 'demo.oncologist');
  await login(pathologist, 'demo.pathologist');
  await login(gp, 'demo.gp');
  await Promise.all([syncNow(oncologist), syncNow(pathologist), syncNow(gp)]);
});
afterAll(async () => {
  await Promise.all([oncologist?.close(), pathologist?.close(), gp?.close()]);
  await platform?.stop();
});

describe('a tumour board on the client', () => {
  it('the oncologist reads his meetings, the agenda and a dossier offline, answers and drafts the proposal', async () => {
    const port = platform.port;
    await platform.stop();
    const meetings = value(await oncologist.desk.rcp.meetings({}));
    expect(meetings.upcoming.map((m) => m.id)).toContain(MEETING);
    expect(meetings.past.map((m) => m.id)).toContain(RCP_DEMO.pastMeeting);
    const meeting = value(await oncologist.desk.rcp.meeting({ id: MEETING }));
    expect(meeting.myAnswer).toBe('needs-action');
    expect(meeting.cases).toHaveLength(3);
    expect(meeting.cases[0]).toMatchObject({
      id: CASE,
      readable: true,
      patientName: 'REUTER Jean',
      presenter: 'Dr Claude Weber',
    });
    expect(meeting.cases[0]!.staging).toMatchObject({ t: 'cT2a', n: 'cN1', m: 'cM0', stageGroup: 'IIB', ecog: '1' });
    const dossier = value(await oncologist.desk.rcp.dossier({ caseId: CASE }));
    expect(dossier.diagnosis).toBe('Adénocarcinome pulmonaire du lobe supérieur droit');
    expect(dossier.question).toMatch(/deuxième ligne/);

    value(await oncologist.desk.rcp.answer({ meetingId: MEETING, answer: 'accepted' }));
    const afterAnswer = value(await oncologist.desk.rcp.meeting({ id: MEETING }));
    expect(afterAnswer).toMatchObject({ myAnswer: 'accepted', pending: true, canRecord: true, quorum: { met: true } });
    value(
      await oncologist.desk.rcp.saveProposal({
        caseId: CASE,
        meetingId: MEETING,
        text: 'Immunothérapie de deuxième ligne',
        alternatives: ['Chimiothérapie par docétaxel'],
        dissent: '',
        specialtiesPresent: ['oncology', 'pathology', 'surgery'],
      }),
    );
    expect(value(await oncologist.desk.rcp.dossier({ caseId: CASE })).proposal).toMatchObject({
      text: 'Immunothérapie de deuxième ligne',
      pending: true,
    });

    platform = await startTestPlatform({ dataDir: platform.dataDir, port, seed: 'demo' });
    await syncNow(oncologist);
    const recorded = value(await oncologist.desk.rcp.dossier({ caseId: CASE })).proposal;
    expect(recorded).toMatchObject({ pending: false, inConflict: false, alternatives: ['Chimiothérapie par docétaxel'] });
  });

  it('the minutes are a real PDF, published to the DSP; new minutes replace them and the GP’s DSP shows the replacement', async () => {
    const preview = value(await oncologist.desk.rcp.minutesPreview({ meetingId: MEETING }));
    expect(preview.cases).toBe(1);
    expect(Buffer.from(preview.data, 'base64').subarray(0, 5).toString()).toBe('%PDF-');
    const first = value(await oncologist.desk.rcp.publishMinutes({ meetingId: MEETING })).published;
    await syncNow(oncologist);
    await syncNow(gp);
    const dsp = value(await gp.desk.dsp.documents({ patientId: 'demo-patient' }));
    expect(dsp.find((d) => d.id === first[0])).toMatchObject({ status: 'current', contentType: 'application/pdf' });

    const second = value(await oncologist.desk.rcp.publishMinutes({ meetingId: MEETING })).published;
    await syncNow(oncologist);
    await syncNow(gp);
    const after = value(await gp.desk.dsp.documents({ patientId: 'demo-patient' }));
    expect(after.find((d) => d.id === first[0])?.status).toBe('superseded');
    expect(after.find((d) => d.id === second[0])).toMatchObject({ status: 'current', replaces: first[0] });
    const opened = value(await gp.desk.dsp.document({ id: second[0]! }));
    expect(Buffer.from(opened.data!, 'base64').subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('two participants edit the same proposal offline: the second meets a 412 and the conflict is shown in words', async () => {
    await syncNow(pathologist);
    const port = platform.port;
    await platform.stop();
    const base = value(await oncologist.desk.rcp.dossier({ caseId: CASE })).proposal!;
    const edit = (text: string) => ({
      caseId: CASE,
      meetingId: MEETING,
      text,
      alternatives: base.alternatives,
      dissent: '',
      specialtiesPresent: [],
    });
    value(await oncologist.desk.rcp.saveProposal(edit('Immunothérapie de deuxième ligne, réévaluation à 3 mois')));
    value(await pathologist.desk.rcp.saveProposal(edit('Immunothérapie, sous réserve du PD-L1')));
    platform = await startTestPlatform({ dataDir: platform.dataDir, port, seed: 'demo' });
    await syncNow(oncologist);
    await syncNow(pathologist);
    const conflicts = value(await pathologist.desk.sync.conflicts({}));
    const conflict = conflicts.find((c) => JSON.stringify(c).includes('PD-L1'));
    expect(conflict).toBeDefined();
    expect(JSON.stringify(conflict)).toContain('réévaluation à 3 mois');
    expect(value(await pathologist.desk.rcp.dossier({ caseId: CASE })).proposal?.inConflict).toBe(true);
  });

  it('the GP registers a case for his patient offline; it reaches the agenda and the board', async () => {
    const port = platform.port;
    await platform.stop();
    const id = value(
      await gp.desk.rcp.registerCase({
        patientId: 'demo-patient',
        meetingId: MEETING,
        question: 'Métastase surrénalienne isolée : traitement local ?',
        diagnosis: 'Adénocarcinome pulmonaire, oligométastase surrénalienne',
        staging: { t: 'cT2a', n: 'cN1', m: 'cM1b', stageGroup: 'IVA', ecog: '1' },
      }),
    ).id;
    expect(value(await gp.desk.rcp.casesOf({ patientId: 'demo-patient' })).find((c) => c.id === id)).toMatchObject({
      pending: true,
    });
    platform = await startTestPlatform({ dataDir: platform.dataDir, port, seed: 'demo' });
    await syncNow(gp);
    await syncNow(oncologist);
    const meeting = value(await oncologist.desk.rcp.meeting({ id: MEETING }));
    expect(meeting.cases.find((c) => c.id === id)).toMatchObject({
      readable: true,
      diagnosis: 'Adénocarcinome pulmonaire, oligométastase surrénalienne',
    });
    expect(meeting.cases.find((c) => c.id === id)?.staging).toMatchObject({ m: 'cM1b', stageGroup: 'IVA' });
  });

  it('the presenter attaches a copy of a DSP document; a member without a right on the DSP reads the copy', async () => {
    const offered = value(await gp.desk.rcp.dossier({ caseId: CASE }));
    expect(offered.canAttach).toBe(true);
    expect(offered.attachable.map((d) => d.id)).toContain('dsp-demo-patient-18748-4');
    value(await gp.desk.rcp.attachCopy({ caseId: CASE, documentId: 'dsp-demo-patient-18748-4' }));
    await syncNow(gp);
    await syncNow(pathologist);
    const seen = value(await pathologist.desk.rcp.dossier({ caseId: CASE }));
    expect(seen.canAttach).toBe(false);
    expect(seen.documents).toContainEqual(
      expect.objectContaining({
        copiedFrom: 'DocumentReference/dsp-demo-patient-18748-4',
        available: true,
        contentType: 'application/pdf',
      }),
    );
    expect(value(await pathologist.desk.dsp.documents({ patientId: 'demo-patient' }))).toEqual([]);
  });
});
