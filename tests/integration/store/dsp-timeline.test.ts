import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { DocumentReference } from 'fhir/r4';
import { afterEach, describe, expect, it } from 'vitest';
import { createStore, MIGRATIONS, openStore, type Migration } from '../../../src-main/core/store/index';
import { removeTempDirs, tempDir } from '../../unit/keys/test-keys';
import { newTestStore } from '../../unit/store/test-store';

function doc(id: string, version: number, extra: Partial<DocumentReference> = {}): DocumentReference {
  return {
    resourceType: 'DocumentReference',
    id,
    meta: { versionId: String(version), lastUpdated: `2025-02-1${version}T10:00:00Z` },
    status: 'current',
    type: { coding: [{ system: 'http://loinc.org', code: '11488-4' }] },
    subject: { reference: 'Patient/p1' },
    date: `2025-01-0${version}T08:00:00Z`,
    author: [{ reference: 'Practitioner/gp-1' }, { reference: 'Organization/chl' }],
    description: `Lettre ${id}`,
    securityLabel: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R' }] }],
    content: [{ attachment: { contentType: 'application/pdf', data: Buffer.from('%PDF-1.4').toString('base64') } }],
    ...extra,
  };
}

/** How SQLite runs the timeline query on this cache (read through a probe migration that rolls back). */
function timelinePlan(path: string, dataKey: Buffer): string {
  let plan = '';
  const probe: Migration = {
    version: 1_000_000,
    name: 'probe',
    up(db) {
      plan = (
        db
          .prepare(
            `EXPLAIN QUERY PLAN SELECT patient_id, date, id, type, title, status, confidentiality, content_type,
               practitioner_ref, organization_ref, replaces, authors, pending
             FROM dsp_documents WHERE patient_id = ? ORDER BY date DESC LIMIT ?`,
          )
          .all('p1', 10_000) as { detail: string }[]
      )
        .map((r) => r.detail)
        .join('; ');
      throw new Error('probe done');
    },
  };
  expect(() => openStore({ path, dataKey: Buffer.from(dataKey), migrations: [...MIGRATIONS, probe] })).toThrow('probe done');
  return plan;
}

afterEach(removeTempDirs);

describe('DSP timeline from a covering index (migration 0130) on a real encrypted cache', () => {
  it('is one range of an index holding every column the timeline shows — no table lookup, no sort', () => {
    const { store, path, dataKey } = newTestStore();
    store.close();
    const plan = timelinePlan(path, dataKey);
    expect(plan).toContain('USING COVERING INDEX dsp_documents_timeline (patient_id=?)');
    expect(plan).not.toContain('TEMP B-TREE');
  });

  it('follows feed versions, local writes and purges in the same transaction', () => {
    const { store } = newTestStore();
    store.resources.upsert(doc('d1', 1));
    store.resources.upsert(doc('d2', 2, { relatesTo: [{ code: 'replaces', target: { reference: 'DocumentReference/d1' } }] }));
    expect(store.dspDocuments.timeline('p1')).toEqual([
      {
        id: 'd2',
        patientId: 'p1',
        date: '2025-01-02T08:00:00Z',
        authors: ['Practitioner/gp-1', 'Organization/chl'],
        practitionerRef: 'Practitioner/gp-1',
        organizationRef: 'Organization/chl',
        type: '11488-4',
        title: 'Lettre d2',
        status: 'current',
        confidentiality: 'R',
        contentType: 'application/pdf',
        replaces: 'd1',
        pending: false,
      },
      expect.objectContaining({ id: 'd1', replaces: null }),
    ]);
    store.resources.upsert(doc('d1', 3, { status: 'entered-in-error', date: '2025-01-09T08:00:00Z' }));
    store.transaction(() => store.resources.saveLocal(doc('d3', 0, { custodian: { reference: 'Organization/hrs' } })));
    expect(store.dspDocuments.timeline('p1').map((r) => [r.id, r.status, r.pending, r.organizationRef])).toEqual([
      ['d1', 'entered-in-error', false, 'Organization/chl'],
      ['d2', 'current', false, 'Organization/chl'],
      ['d3', 'current', true, 'Organization/hrs'],
    ]);
    expect(() =>
      store.transaction(() => {
        store.resources.markDeleted('DocumentReference', 'd2', 5);
        throw new Error('rolled back');
      }),
    ).toThrow('rolled back');
    expect(store.dspDocuments.timeline('p1')).toHaveLength(3);
    store.resources.markDeleted('DocumentReference', 'd2', 5);
    store.resources.upsert(doc('d3', 4));
    expect(store.dspDocuments.timeline('p1').map((r) => [r.id, r.pending])).toEqual([
      ['d1', false],
      ['d3', false],
    ]);
    store.close();
  });

  it('a cache from before the migration gets its timeline rows from the documents it already holds', () => {
    const path = join(tempDir(), 'cache.db');
    const dataKey = randomBytes(32);
    const heldByOldBuild: Migration = {
      version: 125,
      name: 'fixture: rows written by the previous build',
      up(db) {
        for (const [d, version] of [
          [doc('d1', 1), 1],
          [doc('d2', 2, { description: undefined, content: [{ attachment: { title: 'Scan', contentType: 'image/png' } }] }), 0],
        ] as const) {
          db.prepare('INSERT INTO resources (type, id, version_id, last_updated, json, deleted) VALUES (?, ?, ?, ?, ?, 0)').run(
            'DocumentReference',
            d.id,
            version,
            d.meta!.lastUpdated,
            JSON.stringify(d),
          );
          db.prepare('INSERT INTO dsp_documents (id, patient_id, date, author) VALUES (?, ?, ?, ?)').run(
            d.id,
            'p1',
            d.date,
            'Practitioner/gp-1',
          );
        }
      },
    };
    createStore({
      path,
      dataKey: Buffer.from(dataKey),
      migrations: [...MIGRATIONS.filter((m) => m.version < 125), heldByOldBuild],
    }).close();
    const upgraded = openStore({ path, dataKey: Buffer.from(dataKey) });
    expect(upgraded.dspDocuments.timeline('p1').map((r) => [r.id, r.title, r.contentType, r.pending])).toEqual([
      ['d2', 'Scan', 'image/png', true],
      ['d1', 'Lettre d1', 'application/pdf', false],
    ]);
    expect(upgraded.dspDocuments.patientList('Practitioner/gp-1')).toMatchObject([
      { patientId: 'p1', documents: 2, authored: true },
    ]);
    expect(upgraded.integrityCheck()).toEqual({ ok: true, problems: [] });
    upgraded.close();
  });
});
