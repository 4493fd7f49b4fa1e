import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Consent, DocumentReference } from 'fhir/r4';
import { afterEach, describe, expect, it } from 'vitest';
import { LU_MATRICULE_SYSTEM } from '../../../src-shared/domain/fhir-sync';
import { createStore, MIGRATIONS, openStore, type Migration, type Store } from '../../../src-main/core/store/index';
import { removeTempDirs, tempDir } from '../../unit/keys/test-keys';
import { newTestStore, patient } from '../../unit/store/test-store';

const ME = 'Practitioner/gp-1';
const OTHER = 'Practitioner/nurse-1';

function meta(version: number) {
  return { versionId: String(version), lastUpdated: `2025-02-${String(10 + version).padStart(2, '0')}T10:00:00Z` };
}

function consent(id: string, version: number, patientId: string, actor: string, extra: Partial<Consent> = {}): Consent {
  return {
    resourceType: 'Consent',
    id,
    meta: meta(version),
    status: 'active',
    scope: { coding: [{ code: 'patient-privacy' }] },
    category: [{ coding: [{ code: 'medecin-referent', display: 'Médecin référent' }] }],
    patient: { reference: `Patient/${patientId}` },
    provision: { actor: [{ role: { text: 'referent' }, reference: { reference: actor } }], period: { end: '2026-12-31' } },
    ...extra,
  } as Consent;
}

function doc(id: string, version: number, patientId: string, author: string): DocumentReference {
  return {
    resourceType: 'DocumentReference',
    id,
    meta: meta(version),
    status: 'current',
    subject: { reference: `Patient/${patientId}` },
    date: `2025-01-${String(version).padStart(2, '0')}T08:00:00Z`,
    author: [{ reference: author }],
    content: [{ attachment: { contentType: 'text/plain', data: Buffer.from(`note ${id}`).toString('base64') } }],
  };
}

const withMatricule = (id: string, family: string, given: string) =>
  patient(id, 1, family, given, {
    identifier: [{ system: LU_MATRICULE_SYSTEM, value: '1980010112345' }],
    birthDate: '1980-01-01',
  });

/** "Mes patients" for `me` as the list shows it: patient id → [documents, authored, access kinds]. */
function listOf(store: Store, me = ME) {
  return Object.fromEntries(
    store.dspDocuments
      .patientList(me)
      .map((r) => [
        r.patientId,
        { name: r.name, documents: r.documents, authored: r.authored, access: r.access.map((a) => a.kind) },
      ]),
  );
}

afterEach(removeTempDirs);

describe('"Mes patients" projection (migration 0120) on a real encrypted cache', () => {
  it('follows the documents, consents and patients it derives from: feed, local writes, revocation and purge', () => {
    const { store } = newTestStore();
    store.resources.upsert(withMatricule('p1', 'Schmit', 'Anne'));
    store.resources.upsert(consent('c1', 1, 'p1', ME));
    store.resources.upsert(consent('c2', 1, 'p2', OTHER));
    store.resources.upsert(doc('d1', 1, 'p1', OTHER));
    store.resources.upsert(doc('d2', 1, 'p1', ME));
    store.resources.upsert(doc('d3', 1, 'p3', ME));
    expect(listOf(store)).toEqual({
      p1: { name: 'SCHMIT Anne', documents: 2, authored: true, access: ['referent'] },
      p3: { name: null, documents: 1, authored: true, access: [] },
    });
    expect(store.dspDocuments.patientList(ME).find((r) => r.patientId === 'p1')).toMatchObject({
      matricule: '1980010112345',
      birthDate: '1980-01-01',
      access: [{ kind: 'referent', until: '2026-12-31' }],
    });
    expect(listOf(store, OTHER)).toMatchObject({ p2: { documents: 0, access: ['referent'] } });

    // A newer version moving a document to another author, and a local (not yet sent) document.
    store.resources.upsert(doc('d2', 2, 'p1', OTHER));
    store.transaction(() => store.resources.saveLocal(doc('d4', 0, 'p3', OTHER)));
    expect(listOf(store)).toMatchObject({ p1: { documents: 2, authored: false }, p3: { documents: 2, authored: true } });

    // Revocation: the consent ends (a new inactive version) or is purged from the feed; the documents go.
    store.resources.upsert(consent('c1', 2, 'p1', ME, { status: 'inactive' }));
    store.resources.markDeleted('DocumentReference', 'd1', 2);
    store.resources.markDeleted('DocumentReference', 'd2', 3);
    expect(listOf(store)).not.toHaveProperty('p1');
    store.resources.markDeleted('Consent', 'c2', 2);
    expect(listOf(store, OTHER)).not.toHaveProperty('p2');

    // A new snapshot keeps only what waits in the outbox (the local document d4).
    store.resources.upsert(consent('c3', 1, 'p3', ME));
    store.resources.upsert(patient('p3', 1, 'Weber', 'Luc'));
    store.resources.purgeSynced(new Set(['DocumentReference/d4']));
    expect(listOf(store)).toEqual({ p3: { name: null, documents: 1, authored: false, access: [] } });
    store.close();
  });

  it('changes in the same transaction as the resource: a rolled-back page leaves the list as it was', () => {
    const { store } = newTestStore();
    store.resources.upsert(consent('c1', 1, 'p1', ME));
    const before = listOf(store);
    expect(() =>
      store.transaction(() => {
        store.resources.upsert(doc('d1', 1, 'p1', ME));
        store.resources.upsert(consent('c1', 2, 'p1', ME, { status: 'inactive' }));
        throw new Error('the page failed half-way');
      }),
    ).toThrow('half-way');
    expect(listOf(store)).toEqual(before);
    store.close();
  });

  it('a cache from before the migration is backfilled from what it already holds', () => {
    const path = join(tempDir(), 'cache.db');
    const dataKey = randomBytes(32);
    const resources = [
      withMatricule('p1', 'Schmit', 'Anne'),
      consent('c1', 1, 'p1', ME),
      consent('c2', 1, 'p2', ME, { category: [{ coding: [{ code: 'presence-code' }] }] }),
      consent('c3', 1, 'p4', ME, { status: 'rejected' }),
      ...[1, 2, 3].map((i) => doc(`d${i}`, i, 'p1', i === 3 ? ME : OTHER)),
      doc('d9', 1, 'p2', OTHER),
    ];
    // A cache as the build before 0120 left it: its resources, and the dsp_documents index it kept.
    const heldByOldBuild: Migration = {
      version: 119,
      name: 'fixture: rows written by the previous build',
      up(db) {
        for (const r of resources) {
          db.prepare('INSERT INTO resources (type, id, version_id, last_updated, json, deleted) VALUES (?, ?, ?, ?, ?, 0)').run(
            r.resourceType,
            r.id,
            Number(r.meta!.versionId),
            r.meta!.lastUpdated,
            JSON.stringify(r),
          );
          if (r.resourceType === 'DocumentReference') {
            const d = r as DocumentReference;
            db.prepare('INSERT INTO dsp_documents (id, patient_id, date, author) VALUES (?, ?, ?, ?)').run(
              d.id,
              d.subject!.reference!.slice('Patient/'.length),
              d.date,
              d.author![0]!.reference,
            );
          }
        }
      },
    };
    createStore({
      path,
      dataKey: Buffer.from(dataKey),
      migrations: [...MIGRATIONS.filter((m) => m.version < 119), heldByOldBuild],
    }).close();

    const upgraded = openStore({ path, dataKey: Buffer.from(dataKey) });
    expect(upgraded.schemaVersion).toBeGreaterThanOrEqual(120);
    expect(listOf(upgraded)).toEqual({
      p1: { name: 'SCHMIT Anne', documents: 3, authored: true, access: ['referent'] },
      p2: { name: null, documents: 1, authored: false, access: ['presence-code'] },
    });
    // and maintained from there on
    upgraded.resources.markDeleted('DocumentReference', 'd3', 4);
    expect(listOf(upgraded)).toMatchObject({ p1: { documents: 2, authored: false } });
    expect(upgraded.integrityCheck()).toEqual({ ok: true, problems: [] });
    upgraded.close();
  });
});
