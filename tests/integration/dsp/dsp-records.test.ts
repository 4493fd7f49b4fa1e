import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../../src-main/core';
import { createTestClient, loginAs, syncNow } from '../../fixtures/test-client';
import { startTestPlatform, type TestPlatform } from '../../fixtures/test-platform';

// The client half of issue 5: DSP documents written through the outbox (offline first), listed,
// searched and corrected — a correction replaces, it never overwrites.
let platform: TestPlatform;
let gp: Core;
const NOTE = Buffer.from('Contrôle tensionnel : 13/8. Poursuite du traitement par ramipril.').toString('base64');

beforeAll(async () => {
  platform = await startTestPlatform({ seed: 'none' });
  gp = createTestClient(platform.url);
  await loginAs(gp, 'gp');
  await syncNow(gp);
});
afterAll(async () => {
  await gp?.close();
  await platform?.stop();
});

async function documents(filter: { text?: string } = {}) {
  const listed = await gp.desk.dsp.documents({ patientId: 'demo-patient', ...filter });
  if (!listed.ok) throw new Error(JSON.stringify(listed.error));
  return listed.value;
}

describe('DSP documents on the client', () => {
  it('a document added offline is shown as pending, then synced when the platform is back', async () => {
    const port = platform.port;
    await platform.stop();
    const added = await gp.desk.dsp.addDocument({
      patientId: 'demo-patient',
      type: '11488-4',
      title: 'Consultation du 25/11',
      confidentiality: 'N',
      contentType: 'text/plain',
      data: NOTE,
    });
    expect(added.ok).toBe(true);
    const id = added.ok ? added.value.id : '';
    await gp.desk.sync.now({});
    expect((await documents()).find((d) => d.id === id)).toMatchObject({
      pending: true,
      title: 'Consultation du 25/11',
      mine: true,
    });

    platform = await startTestPlatform({ dataDir: platform.dataDir, port });
    await syncNow(gp);
    expect((await documents()).find((d) => d.id === id)).toMatchObject({ pending: false, status: 'current', type: '11488-4' });
  });

  it('finds a text document by the words it contains', async () => {
    expect((await documents({ text: 'ramipril' })).map((d) => d.title)).toEqual(['Consultation du 25/11']);
    expect(await documents({ text: 'insuline' })).toEqual([]);
  });

  it('opens a text document', async () => {
    const [doc] = await documents({ text: 'ramipril' });
    const opened = await gp.desk.dsp.document({ id: doc!.id });
    expect(opened).toMatchObject({
      ok: true,
      value: { text: 'Contrôle tensionnel : 13/8. Poursuite du traitement par ramipril.', data: null },
    });
  });

  it('a correction is a new document that replaces the old one', async () => {
    const [original] = await documents({ text: 'ramipril' });
    const corrected = await gp.desk.dsp.correct({
      replaces: original!.id,
      type: '11488-4',
      title: 'Consultation du 25/11 (corrigée)',
      confidentiality: 'N',
      contentType: 'text/plain',
      data: Buffer.from('Contrôle tensionnel : 14/8. Poursuite du ramipril.').toString('base64'),
    });
    expect(corrected.ok).toBe(true);
    await syncNow(gp);
    const all = await documents();
    const replacement = all.find((d) => d.title === 'Consultation du 25/11 (corrigée)');
    expect(replacement).toMatchObject({ replaces: original!.id, pending: false });
    // The original is still there: never overwritten.
    expect(all.find((d) => d.id === original!.id)?.title).toBe('Consultation du 25/11');
  });

  it('remembers the DSPs opened last, newest first, and lists only those this professional may still open', async () => {
    expect(await gp.desk.dsp.opened({ patientId: 'demo-patient' })).toEqual({ ok: true, value: {} });
    // A patient this professional has no DSP for (a stale link, a revoked right) is remembered but not shown.
    expect((await gp.desk.dsp.opened({ patientId: 'not-my-patient' })).ok).toBe(true);
    const recent = await gp.desk.dsp.recentPatients({ limit: 5 });
    expect(recent).toMatchObject({ ok: true, value: [{ id: 'demo-patient' }] });
    const [entry] = recent.ok ? recent.value : [];
    expect(entry!.name).not.toBe('demo-patient');
    expect(Date.parse(entry!.openedAt)).not.toBeNaN();
    expect(await gp.desk.dsp.recentPatients({ limit: 0 })).toMatchObject({ ok: false, error: { field: 'limit' } });
  });

  it('refuses bad input with the field and the rule', async () => {
    const wrongType = await gp.desk.dsp.addDocument({
      patientId: 'demo-patient',
      type: '99999-9',
      title: 'x',
      contentType: 'text/plain',
      data: NOTE,
    });
    expect(wrongType).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'type' } });
    const noTitle = await gp.desk.dsp.addDocument({
      patientId: 'demo-patient',
      type: '11488-4',
      title: ' ',
      contentType: 'text/plain',
      data: NOTE,
    });
    expect(noTitle).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'title' } });
  });
});
