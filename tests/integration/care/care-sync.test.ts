import type { CarePlan, EpisodeOfCare, MedicationAdministration, MedicationRequest } from 'fhir/r4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../../src-main/core';
import { doseId, instantAt, localDateOf } from '../../../src-shared/domain/care';
import { createTestClient, loginAs, syncNow } from '../../fixtures/test-client';
import { startTestPlatform, type TestPlatform } from '../../fixtures/test-platform';

// Two client cores of the home-care network's nurse against one real platform (Joplin-style).
let platform: TestPlatform;
let laptop: Core;
let desktop: Core;
const PATIENT = 'demo-patient';
const TODAY = localDateOf(new Date());
const EIGHT = instantAt(TODAY, '08:00').toISOString();

function request(id: string, status: MedicationRequest['status']): MedicationRequest {
  return {
    resourceType: 'MedicationRequest',
    id,
    status,
    intent: 'order',
    subject: { reference: `Patient/${PATIENT}` },
    medicationCodeableConcept: { text: id === 'sync-metformin' ? 'Metformine 500 mg' : 'Amoxicilline 1 g' },
    authoredOn: `${TODAY}T00:00:00Z`,
    dosageInstruction: [
      { text: '1 comprimé', timing: { repeat: { frequency: 1, period: 1, periodUnit: 'd', timeOfDay: ['08:00:00'] } } },
    ],
  };
}

/** Offline: the device's sync worker stopped, so its writes wait in the outbox (a local write otherwise nudges it). */
async function offline(...cores: Core[]) {
  for (const core of cores) await core.sessions.require().worker.stop();
}

/** Back online, one device after the other: each sync runs with the device's worker started again. */
async function syncOnline(core: Core) {
  core.sessions.require().worker.start();
  return syncNow(core);
}

async function putOnPlatform(core: Core, resource: MedicationRequest | CarePlan, opId: string) {
  await core.sessions
    .require()
    .client.write({ method: 'PUT', url: `${resource.resourceType}/${resource.id}`, body: resource, ifMatch: null, opId });
}

beforeAll(async () => {
  platform = await startTestPlatform({ seed: 'demo' });
  laptop = createTestClient(platform.url);
  desktop = createTestClient(platform.url);
  await loginAs(laptop, 'nurse');
  await loginAs(desktop, 'nurse');
  await putOnPlatform(laptop, request('sync-metformin', 'active'), 'setup-metformin');
  await putOnPlatform(laptop, request('sync-amoxicillin', 'stopped'), 'setup-amoxicillin');
  await putOnPlatform(
    laptop,
    {
      resourceType: 'CarePlan',
      id: 'sync-careplan',
      status: 'active',
      intent: 'plan',
      title: 'Soins à domicile',
      description: 'Pansement quotidien',
      subject: { reference: `Patient/${PATIENT}` },
    },
    'setup-careplan',
  );
  await syncNow(laptop);
  await syncNow(desktop);
});
afterAll(async () => {
  await laptop?.close();
  await desktop?.close();
  await platform?.stop();
});

describe('the medication round across two devices', () => {
  it('the same dose recorded on both offline makes one administration and one conflict in clinical words', async () => {
    await offline(laptop, desktop);
    const given = await laptop.desk.care.recordAdministration({
      requestId: 'sync-metformin',
      scheduledAt: EIGHT,
      outcome: 'given',
    });
    const refused = await desktop.desk.care.recordAdministration({
      requestId: 'sync-metformin',
      scheduledAt: EIGHT,
      outcome: 'refused',
      reason: { code: 'patient-refused' },
    });
    expect(given).toEqual({ ok: true, value: { doseId: doseId('sync-metformin', EIGHT) } });
    expect(refused).toEqual(given);
    expect(await syncOnline(laptop)).toMatchObject({ pending: 0, conflicts: 0 });
    expect(await syncOnline(desktop)).toMatchObject({ conflicts: 1 });

    // One administration on the platform: the first nurse's, recorded once.
    const onPlatform = (
      await laptop.sessions
        .require()
        .client.read<MedicationAdministration>('MedicationAdministration', doseId('sync-metformin', EIGHT))
    ).resource;
    expect(onPlatform).toMatchObject({ status: 'completed', meta: { versionId: '1' } });

    const conflicts = await desktop.desk.care.doseConflicts({});
    expect(conflicts.ok && conflicts.value).toEqual([
      expect.objectContaining({
        doseId: doseId('sync-metformin', EIGHT),
        patientId: PATIENT,
        medication: 'Metformine 500 mg',
        scheduledAt: EIGHT.replace('.000Z', 'Z'),
        mine: expect.objectContaining({ outcome: 'refused', reason: { code: 'patient-refused', text: null } }),
        theirs: expect.objectContaining({ outcome: 'given' }),
      }),
    ]);
    // The round says so on that dose; the generic conflict list names it an administration.
    const round = await desktop.desk.care.round({ date: TODAY, shift: 'morning' });
    expect(round.ok && round.value.find((d) => d.requestId === 'sync-metformin')).toMatchObject({ inConflict: true });

    // Keeping the colleague's record: nothing pending, nothing in conflict, the cache shows the one record.
    const opId = conflicts.ok ? conflicts.value[0]!.opId : '';
    expect(await desktop.desk.care.resolveDoseConflict({ opId, keep: 'theirs' })).toEqual({ ok: true, value: {} });
    expect(await syncNow(desktop)).toMatchObject({ pending: 0, conflicts: 0 });
    const after = await desktop.desk.care.round({ date: TODAY, shift: 'morning' });
    expect(after.ok && after.value.find((d) => d.requestId === 'sync-metformin')).toMatchObject({
      state: 'given',
      inConflict: false,
    });
  });

  it('keeping this device’s record replaces the other only as a correction that says why', async () => {
    const nine = instantAt(TODAY, '08:00');
    const tomorrow = new Date(nine.getTime() + 24 * 3_600_000).toISOString();
    await offline(laptop, desktop);
    await laptop.desk.care.recordAdministration({ requestId: 'sync-metformin', scheduledAt: tomorrow, outcome: 'given' });
    await desktop.desk.care.recordAdministration({
      requestId: 'sync-metformin',
      scheduledAt: tomorrow,
      outcome: 'held',
      reason: { code: 'nil-by-mouth' },
    });
    await syncOnline(laptop);
    await syncOnline(desktop);
    const conflicts = await desktop.desk.care.doseConflicts({});
    const opId = conflicts.ok ? conflicts.value[0]!.opId : '';
    expect(await desktop.desk.care.resolveDoseConflict({ opId, keep: 'mine' })).toMatchObject({
      ok: false,
      error: { field: 'reason', rule: 'correction-reason' },
    });
    expect(await desktop.desk.care.resolveDoseConflict({ opId, keep: 'mine', reason: 'patient à jeun pour examen' })).toEqual({
      ok: true,
      value: {},
    });
    expect(await syncNow(desktop)).toMatchObject({ pending: 0, conflicts: 0 });
    const onPlatform = (
      await laptop.sessions
        .require()
        .client.read<MedicationAdministration>('MedicationAdministration', doseId('sync-metformin', tomorrow))
    ).resource;
    expect(onPlatform).toMatchObject({ status: 'not-done', meta: { versionId: '2' } });
  });

  it.each([
    ['a refused dose without a reason', { requestId: 'sync-metformin', outcome: 'refused' }, 'reason', 'reason-required'],
    [
      'a dose for a stopped prescription',
      { requestId: 'sync-amoxicillin', outcome: 'given' },
      'requestId',
      'prescription-not-active',
    ],
  ] as const)('%s is refused before it is queued, naming the field and the rule', async (_name, input, field, rule) => {
    const noon = instantAt(TODAY, '08:00');
    const later = new Date(noon.getTime() + 3 * 24 * 3_600_000).toISOString();
    const result = await laptop.desk.care.recordAdministration({ ...input, scheduledAt: later });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input', field, rule } });
  });
});

describe('the care plan across two devices', () => {
  it('concurrent edits: the first is kept, the second gets a 412 and waits in the quarantine with both versions', async () => {
    const plan = (core: Core) => core.sessions.require().store.resources.get<CarePlan>('CarePlan', 'sync-careplan')!;
    await offline(laptop, desktop);
    await laptop.desk.care.editCarePlan({
      id: 'sync-careplan',
      baseVersion: plan(laptop).versionId,
      description: 'Pansement matin et soir',
      reason: '',
    });
    await desktop.desk.care.editCarePlan({
      id: 'sync-careplan',
      baseVersion: plan(desktop).versionId,
      description: 'Pansement un jour sur deux',
      reason: '',
    });
    expect(await syncOnline(laptop)).toMatchObject({ pending: 0, conflicts: 0 });
    expect(await syncOnline(desktop)).toMatchObject({ pending: 1, conflicts: 1 });
    const conflicts = await desktop.desk.sync.conflicts({});
    expect(conflicts.ok && conflicts.value[0]).toMatchObject({
      entityKey: 'CarePlan/sync-careplan',
      reason: expect.stringContaining('If-Match'),
      local: { description: 'Pansement un jour sur deux' },
      server: { description: 'Pansement matin et soir' },
    });
  });
});

describe('revocation', () => {
  it('ending the episode purges the patient’s care records at the next sync, keeping unsent writes for a decision', async () => {
    // The desktop, offline (its sync worker stopped), writes a vital sign that cannot leave yet.
    await desktop.sessions.require().worker.stop();
    const added = await desktop.desk.care.addVitals({
      patientId: PATIENT,
      entries: [{ kind: 'pulse', value: 72, unit: '/min' }],
    });
    expect(added.ok).toBe(true);
    const store = desktop.sessions.require().store;
    expect(store.care.ofPatient(PATIENT, ['medication'])).not.toHaveLength(0);
    // The network ends the episode of care (from the laptop).
    const episode = laptop.sessions
      .require()
      .store.resources.get<EpisodeOfCare>('EpisodeOfCare', 'episode-demo-patient-homecare')!;
    await laptop.sessions.require().client.write({
      method: 'PUT',
      url: 'EpisodeOfCare/episode-demo-patient-homecare',
      body: { ...episode.resource, status: 'finished', period: { ...episode.resource.period, end: new Date().toISOString() } },
      ifMatch: `W/"${episode.versionId}"`,
      opId: 'revoke-episode',
    });
    desktop.sessions.require().worker.start();
    await syncNow(desktop);
    // The synced care records are gone from the cache and its index…
    expect(store.care.ofPatient(PATIENT, ['medication', 'careplan', 'administration'])).toEqual([]);
    expect(store.resources.get('MedicationRequest', 'sync-metformin')).toBeUndefined();
    // …the unsent vital sign is kept, refused by the platform, for the nurse to decide.
    const id = added.ok ? added.value.ids[0]! : '';
    const quarantined = store.quarantine.list().map((q) => q.entityKey);
    expect(quarantined).toContain(`Observation/${id}`);
    expect(store.resources.get('Observation', id)).toBeDefined();
  });
});
