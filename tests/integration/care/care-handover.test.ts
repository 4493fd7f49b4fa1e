/**
 * The shift handover as a record colleagues see (issue 11, left over): "done" wrote a time on the device only,
 * so the next shift's nurse, on her own laptop, started from twelve hours back and never knew who handed over.
 * Now one handover Observation per patient in care is queued, reaches the platform, and the colleague's device
 * takes its time as the start of the next handover and says who made it.
 */
import type { Observation } from 'fhir/r4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../../src-main/core';
import { DEMO_ACCOUNTS } from '../../../src-main/platform/seed/demo-accounts';
import { createTestClient, syncNow, TEST_PASSPHRASE, value } from '../../fixtures/test-client';
import { startTestPlatform, type TestPlatform } from '../../fixtures/test-platform';

let platform: TestPlatform;
let nurse: Core;
let colleague: Core;

async function login(core: Core, identifier: string) {
  const account = DEMO_ACCOUNTS.find((a) => a.identifier === identifier)!;
  value(await core.desk.session.login({ identifier, password: account.password, otp: account.otp, passphrase: TEST_PASSPHRASE }));
}

beforeAll(async () => {
  platform = await startTestPlatform({ seed: 'demo' });
  [nurse, colleague] = [createTestClient(platform.url), createTestClient(platform.url)];
  await login(nurse, 'demo.nurse');
  await login(colleague, 'demo.nurse2');
  await syncNow(nurse);
  await syncNow(colleague);
});
afterAll(async () => {
  await Promise.all([nurse?.close(), colleague?.close()]);
  await platform?.stop();
});

describe('the handover is a record the team shares', () => {
  it('done on one laptop, it opens the next handover on the colleague’s, with who made it', async () => {
    const note = value(
      await nurse.desk.care.addNote({ patientId: 'demo-patient', kind: 'free', text: 'Nuit agitée, à surveiller.' }),
    );
    const before = value(await colleague.desk.care.handover({}));
    expect(before.last).toBeNull();

    const done = value(await nurse.desk.care.completeHandover({}));
    expect(done.records).toBeGreaterThan(0);
    await syncNow(nurse);
    expect(nurse.sessions.require().store.outbox.listUnacked(100)).toEqual([]);

    await syncNow(colleague);
    const after = value(await colleague.desk.care.handover({}));
    expect(after.last).toMatchObject({ at: done.at, by: 'Practitioner/demo-nurse' });
    expect(after.last!.byName).not.toBe('Practitioner/demo-nurse');
    expect(after.since).toBe(done.at);
    // What was handed over is named in the demo patient's record: the note written before.
    const store = colleague.sessions.require().store;
    const records = store.care
      .allOfKind('handover')
      .map((row) => store.resources.get<Observation>('Observation', row.id)!.resource)
      .filter((o) => o.subject?.reference === 'Patient/demo-patient');
    expect(records).toHaveLength(1);
    expect(records[0]!.hasMember?.map((m) => m.reference)).toContain(`Observation/${note.id}`);
    // The author's device agrees: the next handover starts at this one.
    expect(value(await nurse.desk.care.handover({})).since).toBe(done.at);
  });

  it('the network’s planner (no care mandate) cannot write one: refused on the device, nothing queued', async () => {
    const planner = createTestClient(platform.url);
    try {
      await login(planner, 'demo.planner');
      await syncNow(planner);
      const refused = await planner.desk.care.completeHandover({});
      expect(refused.ok).toBe(false);
      expect(!refused.ok && refused.error.code).toBe('forbidden');
      expect(planner.sessions.require().store.outbox.listUnacked(100)).toEqual([]);
    } finally {
      await planner.close();
    }
  });
});
