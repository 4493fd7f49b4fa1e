import type { DocumentReference } from 'fhir/r4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../../src-main/core';
import { demoAccount } from '../../../src-main/platform/seed/demo-accounts';
import { createTestClient, loginAs, syncNow } from '../../fixtures/test-client';
import { startTestPlatform, type TestPlatform } from '../../fixtures/test-platform';

// Issue 5, acceptance 2, and the presence code, end to end: the patient acts through the simulator
// (another device); the professionals' caches follow at their next sync.
let platform: TestPlatform;
let patientDevice: Core;
let nurse: Core;
let specialist: Core;

function cachedDocuments(core: Core): DocumentReference[] {
  return core.sessions
    .require()
    .store.resources.listByType<DocumentReference>('DocumentReference', { limit: 10_000 })
    .map((c) => c.resource)
    .filter((d) => d.subject?.reference === 'Patient/demo-patient');
}

beforeAll(async () => {
  platform = await startTestPlatform({ seed: 'demo' });
  patientDevice = createTestClient(platform.url, undefined, { embeddedPlatform: true });
  const patient = demoAccount('patient');
  const loggedIn = await patientDevice.desk.simulator.login({
    identifier: patient.identifier,
    password: patient.password,
    otp: patient.otp,
  });
  if (!loggedIn.ok) throw new Error(JSON.stringify(loggedIn.error));
  nurse = createTestClient(platform.url);
  specialist = createTestClient(platform.url);
  await loginAs(nurse, 'nurse');
  await loginAs(specialist, 'specialist');
  await syncNow(nurse);
  await syncNow(specialist);
});
afterAll(async () => {
  for (const core of [patientDevice, nurse, specialist]) await core?.close();
  await platform?.stop();
});

describe('the patient’s rights reach the professionals’ caches', () => {
  it('the simulator shows the seeded rights: the GP as référent, the nurse in the trust circle', async () => {
    const state = await patientDevice.desk.simulator.state({});
    expect(state.ok).toBe(true);
    if (!state.ok) return;
    expect(state.value.rights).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'referent', practitioner: 'Practitioner/demo-gp' }),
        expect.objectContaining({ kind: 'trust-circle', practitioner: 'Practitioner/demo-nurse' }),
      ]),
    );
    expect(state.value.documents.length).toBeGreaterThan(0);
  });

  it('a trust-circle nurse has the DSP in her cache and sees why in Mes patients', async () => {
    expect(cachedDocuments(nurse).length).toBeGreaterThan(0);
    const patients = await nurse.desk.dsp.patients({});
    expect(patients.ok && patients.value.find((p) => p.id === 'demo-patient')?.access).toEqual([
      { kind: 'trust-circle', until: null },
    ]);
  });

  it('removed from the trust circle, her cache loses that DSP at the next sync, and her queued write is kept and surfaced', async () => {
    const session = nurse.sessions.require();
    await session.worker.stop(); // she is writing in the car: nothing leaves before the revocation
    const queued = await nurse.desk.dsp.addDocument({
      patientId: 'demo-patient',
      type: '34746-8',
      title: 'Passage infirmier du soir',
      contentType: 'text/plain',
      data: Buffer.from('Pansement refait, plaie propre.').toString('base64'),
    });
    expect(queued.ok).toBe(true);
    const before = cachedDocuments(nurse).filter((d) => !d.author?.some((a) => a.reference === 'Practitioner/demo-nurse'));
    expect(before.length).toBeGreaterThan(0);

    const removed = await patientDevice.desk.simulator.act({
      action: { operation: 'remove-from-trust-circle', practitioner: 'Practitioner/demo-nurse' },
    });
    expect(removed.ok).toBe(true);

    session.worker.start();
    const status = await syncNow(nurse);
    // Every document she had received is purged from the encrypted cache…
    for (const doc of before) expect(session.store.resources.get('DocumentReference', doc.id!), doc.id).toBeUndefined();
    // …while her own write is neither lost nor silently dropped: it waits for her decision.
    expect(status.pending).toBe(1);
    expect(status.conflicts).toBe(1);
    const [conflict] = session.store.quarantine.list();
    expect(conflict!.local).toMatchObject({ description: 'Passage infirmier du soir' });
  });

  it('a presence code the patient gives opens the DSP to a professional without other rights', async () => {
    expect(cachedDocuments(specialist)).toEqual([]);
    const wrong = await specialist.desk.dsp.redeemPresenceCode({ patientId: 'demo-patient', code: '00000000' });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'code' } });

    const issued = await patientDevice.desk.simulator.act({ action: { operation: 'issue-presence-code' } });
    const code = issued.ok ? issued.value.presenceCode : null;
    expect(code).toMatch(/^\d{8}$/);
    const redeemed = await specialist.desk.dsp.redeemPresenceCode({ patientId: 'demo-patient', code: code! });
    expect(redeemed.ok && Date.parse(redeemed.value.until!)).toBeGreaterThan(Date.now());
    await syncNow(specialist);
    expect(cachedDocuments(specialist).length).toBeGreaterThan(0);
    const patients = await specialist.desk.dsp.patients({});
    expect(patients.ok && patients.value.find((p) => p.id === 'demo-patient')?.access[0]?.kind).toBe('presence-code');
    // Single use.
    expect(await specialist.desk.dsp.redeemPresenceCode({ patientId: 'demo-patient', code: code! })).toMatchObject({
      ok: false,
      error: { field: 'code' },
    });
  });

  it('the patient’s access log shows who opened the DSP', async () => {
    const log = await patientDevice.desk.simulator.accessLog({});
    expect(log.ok).toBe(true);
    if (log.ok) expect(log.value.some((entry) => /demo-specialist|Schmit/.test(entry.who))).toBe(true);
  });
});

describe('a right that comes back', () => {
  it('brings the revoked documents back into the cache at the next sync', async () => {
    expect(cachedDocuments(nurse).filter((d) => !d.author?.some((a) => a.reference === 'Practitioner/demo-nurse'))).toEqual([]);
    const added = await patientDevice.desk.simulator.act({
      action: { operation: 'add-to-trust-circle', practitioner: 'Practitioner/demo-nurse', restricted: false },
    });
    expect(added.ok).toBe(true);
    await syncNow(nurse);
    const back = cachedDocuments(nurse).filter((d) => !d.author?.some((a) => a.reference === 'Practitioner/demo-nurse'));
    expect(back.length).toBeGreaterThan(0);
  });
});
