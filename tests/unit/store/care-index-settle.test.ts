/**
 * The care index by patient in two parts (migration 0220): new rows are recent until `settle` moves them in
 * one pass. Whatever part a row is in, the screens' queries find it exactly once, and a newer copy or a
 * deletion replaces it wherever it is.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createStore, openStore, type Store } from '../../../src-main/core/store';
import { MIGRATIONS } from '../../../src-main/core/store/migrations';
import { tempDir } from '../keys/test-keys';
import { newTestStore } from './test-store';

let store: Store;
afterEach(() => store?.close());

function heartRate(id: string, patientId: string, at: string, bpm: number, version = 1) {
  return {
    resourceType: 'Observation',
    id,
    meta: { versionId: String(version), lastUpdated: at },
    status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
    code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Fréquence cardiaque' }] },
    subject: { reference: `Patient/${patientId}` },
    effectiveDateTime: at,
    valueQuantity: { value: bpm, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
  };
}

const settledCount = () =>
  (store as unknown as { db: { prepare(sql: string): { get(): { n: number } } } }).db
    .prepare('SELECT count(*) AS n FROM care_index WHERE settled = 1')
    .get().n;

function readings(patientId: string) {
  const kind = store.care.row('Observation', 'hr-1')!.kind;
  return {
    series: store.care.ofPatient(patientId, [kind]).map((r) => `${r.id}:${r.num1}`),
    latest: store.care.latest(patientId, kind)?.id,
    ranged: store.care.ofPatient(patientId, [kind], { from: '2025-03-02', to: '2025-03-04' }).map((r) => r.id),
    footprint: store.care.footprint(patientId).careRecords,
    patients: store.care.patientIds().sort(),
  };
}

describe('care index, recent and settled rows', () => {
  it('answers the same before, during and after settling, each row once', () => {
    ({ store } = newTestStore());
    store.resources.upsert(heartRate('hr-1', 'p1', '2025-03-01T08:00:00Z', 70));
    store.resources.upsert(heartRate('hr-2', 'p1', '2025-03-03T08:00:00Z', 75));
    store.resources.upsert(heartRate('hr-3', 'p2', '2025-03-02T08:00:00Z', 90));
    const expected = {
      series: ['hr-1:70', 'hr-2:75'],
      latest: 'hr-2',
      ranged: ['hr-2'],
      footprint: 2,
      patients: ['p1', 'p2'],
    };
    expect(settledCount()).toBe(0);
    expect(readings('p1')).toEqual(expected);

    expect(store.care.settle(4)).toBe(0); // fewer recent rows than the threshold: nothing moves
    expect(store.transaction(() => store.care.settle(3))).toBe(3);
    expect(settledCount()).toBe(3);
    expect(readings('p1')).toEqual(expected);

    // A newer reading lands recent beside settled ones: the latest is the newest whatever its part.
    store.resources.upsert(heartRate('hr-4', 'p1', '2025-03-05T08:00:00Z', 80));
    expect(readings('p1')).toEqual({ ...expected, series: [...expected.series, 'hr-4:80'], latest: 'hr-4', footprint: 3 });
  });

  it('a newer copy of a settled row replaces it (recent again), and a deletion removes it from either part', () => {
    ({ store } = newTestStore());
    store.resources.upsert(heartRate('hr-1', 'p1', '2025-03-01T08:00:00Z', 70));
    store.resources.upsert(heartRate('hr-2', 'p1', '2025-03-03T08:00:00Z', 75));
    const kind = store.care.row('Observation', 'hr-1')!.kind;
    store.care.settle(1);
    store.resources.upsert(heartRate('hr-1', 'p1', '2025-03-01T08:00:00Z', 72, 2));
    expect(settledCount()).toBe(1);
    expect(readings('p1').series).toEqual(['hr-1:72', 'hr-2:75']);

    store.resources.markDeleted('Observation', 'hr-2', 2); // settled
    expect(readings('p1').series).toEqual(['hr-1:72']);
    store.resources.markDeleted('Observation', 'hr-1', 3); // recent
    expect(store.care.ofPatient('p1', [kind])).toEqual([]);
    expect(store.care.patientIds()).toEqual([]);
    expect(store.care.footprint('p1').careRecords).toBe(0);
  });

  it('counts a patient’s pending records in both parts', () => {
    ({ store } = newTestStore());
    store.resources.saveLocal(heartRate('hr-1', 'p1', '2025-03-01T08:00:00Z', 70, 0));
    store.care.settle(1);
    store.resources.saveLocal(heartRate('hr-2', 'p1', '2025-03-02T08:00:00Z', 71, 0));
    expect(settledCount()).toBe(1);
    expect(store.care.pendingCount('p1')).toBe(2);
  });
});

describe('migration 0220', () => {
  it('keeps the rows of an existing cache, settled, and found by patient', () => {
    const path = join(tempDir(), 'cache.db');
    const dataKey = randomBytes(32);
    const before = MIGRATIONS.filter((m) => m.version < 220);
    const old = createStore({ path, dataKey: Buffer.from(dataKey), migrations: before });
    // Written as the 0150 schema did (this code's insert names the 0220 column).
    const db = (old as unknown as { db: { prepare(sql: string): { run(...args: unknown[]): unknown } } }).db;
    const record = heartRate('hr-1', 'p1', '2025-03-01T08:00:00Z', 70);
    db.prepare("INSERT INTO resources (type, id, version_id, last_updated, json) VALUES ('Observation', 'hr-1', 1, ?, ?)").run(
      record.meta.lastUpdated,
      JSON.stringify(record),
    );
    db.prepare(
      "INSERT INTO care_index (type, id, patient_id, kind, at, num1, unit) VALUES ('Observation', 'hr-1', 'p1', 'heart-rate', ?, 70, '/min')",
    ).run(record.effectiveDateTime);
    old.close();
    store = openStore({ path, dataKey: Buffer.from(dataKey) });
    expect(store.schemaVersion).toBeGreaterThanOrEqual(220);
    expect(settledCount()).toBe(1);
    expect(readings('p1')).toMatchObject({ series: ['hr-1:70'], latest: 'hr-1', footprint: 1 });
  });
});
