import type { Observation } from 'fhir/r4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../../src-main/core';
import { createTestClient, loginAs, syncNow } from '../../fixtures/test-client';
import { startTestPlatform, type TestPlatform } from '../../fixtures/test-platform';

// Two devices of the demo nurse (who cares for the demo patient through the home-care network's episode).
let platform: TestPlatform;
let laptop: Core;
let desktop: Core;
const PATIENT = 'demo-patient';

beforeAll(async () => {
  // The demo patient's relationships exist in every data directory; the demo's seeded care records (dated from today) would share the chart.
  platform = await startTestPlatform({ seed: 'none' });
  laptop = createTestClient(platform.url);
  desktop = createTestClient(platform.url);
  await loginAs(laptop, 'nurse');
  await loginAs(desktop, 'nurse');
});
afterAll(async () => {
  await laptop?.close();
  await desktop?.close();
  await platform?.stop();
});

describe('documenting care', () => {
  it('vital signs typed on one device reach the platform and the other device, on the chart with their flags', async () => {
    const added = await laptop.desk.care.addVitals({
      patientId: PATIENT,
      at: '2026-11-20T08:15:00.000Z',
      entries: [
        { kind: 'temperature', value: 38.4, unit: 'Cel' },
        { kind: 'blood-pressure', systolic: 135, diastolic: 85, unit: 'mm[Hg]' },
        { kind: 'spo2', value: 97, unit: '%' },
      ],
    });
    expect(added.ok).toBe(true);
    const before = await laptop.desk.care.vitals({
      patientId: PATIENT,
      kind: 'temperature',
      from: '2026-11-01',
      to: '2026-11-30',
    });
    expect(before.ok && before.value.points.map((p) => [p.value, p.flag, p.pending])).toEqual([[38.4, 'high', true]]);
    expect((await syncNow(laptop)).pending).toBe(0);
    await syncNow(desktop);
    const series = await desktop.desk.care.vitals({
      patientId: PATIENT,
      kind: 'blood-pressure',
      from: '2026-11-01',
      to: '2026-11-30',
    });
    expect(series.ok && series.value).toMatchObject({ low: 90, high: 140, low2: 60, high2: 90 });
    expect(series.ok && series.value.points.map((p) => [p.systolic, p.diastolic, p.pending])).toEqual([[135, 85, false]]);
  });

  it('a corrected value is a new version with its reason; the chart shows the correction', async () => {
    const added = await laptop.desk.care.addVitals({
      patientId: PATIENT,
      at: '2026-11-21T08:00:00.000Z',
      entries: [{ kind: 'pulse', value: 180, unit: '/min' }],
    });
    if (!added.ok) throw new Error(added.error.message);
    const [id] = added.value.ids;
    await syncNow(laptop);
    const corrected = await laptop.desk.care.correctVital({
      id: id!,
      entry: { kind: 'pulse', value: 80, unit: '/min' },
      reason: 'faute de frappe',
    });
    expect(corrected.ok).toBe(true);
    expect((await syncNow(laptop)).pending).toBe(0);
    const platformCopy = (await laptop.sessions.require().client.read<Observation>('Observation', id!)).resource;
    expect(platformCopy.meta?.versionId).toBe('2');
    expect(platformCopy.valueQuantity?.value).toBe(80);
    const series = await laptop.desk.care.vitals({ patientId: PATIENT, kind: 'pulse', from: '2026-11-21', to: '2026-11-21' });
    expect(series.ok && series.value.points.map((p) => [p.value, p.correction])).toEqual([[80, 'faute de frappe']]);
  });

  it('a nursing note draft is kept on the device until the note is saved', async () => {
    await laptop.desk.care.saveNoteDraft({ patientId: PATIENT, kind: 'soap', soap: { subjective: 'Se plaint de douleurs' } });
    expect(await laptop.desk.care.noteDraft({ patientId: PATIENT })).toEqual({
      ok: true,
      value: { kind: 'soap', soap: { subjective: 'Se plaint de douleurs' } },
    });
    const saved = await laptop.desk.care.addNote({
      patientId: PATIENT,
      kind: 'soap',
      soap: { subjective: 'Se plaint de douleurs', plan: 'Rappeler le médecin' },
    });
    expect(saved.ok).toBe(true);
    expect(await laptop.desk.care.noteDraft({ patientId: PATIENT })).toEqual({ ok: true, value: null });
    await syncNow(laptop);
    await syncNow(desktop);
    const chart = await desktop.desk.care.chart({ patientId: PATIENT });
    expect(chart.ok && chart.value.notes[0]).toMatchObject({
      kind: 'soap',
      soap: { subjective: 'Se plaint de douleurs', plan: 'Rappeler le médecin' },
    });
  });

  it.each([
    ['mmHG', { kind: 'blood-pressure', systolic: 120, diastolic: 80, unit: 'mmHG' }, 'entries.0.unit', 'ucum-unit'],
    [
      'a blood pressure without its components',
      { kind: 'blood-pressure', systolic: 120, unit: 'mm[Hg]' },
      'entries.0.diastolic',
      'bp-components',
    ],
    ['SpO2 of 120 %', { kind: 'spo2', value: 120, unit: '%' }, 'entries.0.value', 'plausible-range'],
    ['a temperature of 60 °C', { kind: 'temperature', value: 60, unit: 'Cel' }, 'entries.0.value', 'plausible-range'],
  ] as const)('%s is refused before it is queued, naming the field and the rule', async (_name, entry, field, rule) => {
    const pending = laptop.sessions.require().store.outbox.countUnacked();
    const result = await laptop.desk.care.addVitals({ patientId: PATIENT, entries: [entry] });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input', field, rule } });
    expect(laptop.sessions.require().store.outbox.countUnacked()).toBe(pending);
  });

  it('a wound photo travels through the attachment queue without its camera metadata, and the other device shows it', async () => {
    // A minimal JPEG: SOI, an APP1 Exif segment naming a place, a comment, then the picture (SOS … EOI).
    const segment = (marker: number, body: string) => {
      const bytes = Buffer.from(body, 'latin1');
      return Buffer.concat([Buffer.from([0xff, marker, 0, bytes.length + 2]), bytes]);
    };
    const exif = segment(0xe1, 'Exif\0\0GPS 49.61N 6.13E');
    const comment = segment(0xfe, 'Owner X');
    const picture = Buffer.from([0xff, 0xda, 0x00, 0x02, 0x11, 0x22, 0x33, 0xff, 0xd9]);
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8]), exif, comment, picture]);
    const added = await laptop.desk.care.addWoundAssessment({
      patientId: PATIENT,
      bodySite: 'Talon gauche',
      length: 2.5,
      stage: '2',
      photo: { contentType: 'image/jpeg', data: jpeg.toString('base64') },
    });
    if (!added.ok) throw new Error(JSON.stringify(added.error));
    expect((await syncNow(laptop)).pending).toBe(0);
    await syncNow(desktop);
    const chart = await desktop.desk.care.chart({ patientId: PATIENT });
    const wound = chart.ok ? chart.value.wounds.find((w) => w.id === added.value.woundId) : undefined;
    expect(wound).toMatchObject({
      site: 'Talon gauche',
      assessments: [{ length: 2.5, stage: '2', photos: [added.value.photo] }],
    });
    const photo = await desktop.desk.care.photo({ reference: added.value.photo! });
    const bytes = photo.ok && photo.value ? Buffer.from(photo.value.data, 'base64') : Buffer.alloc(0);
    expect(bytes).toEqual(Buffer.concat([Buffer.from([0xff, 0xd8]), picture]));
    expect(bytes.includes(Buffer.from('GPS'))).toBe(false);
  });
});
