import type { Practitioner } from 'fhir/r4';
import { afterEach, describe, expect, it } from 'vitest';
import { makeMatricule } from '../../../src-shared/domain/matricule';
import { removeTempDirs } from '../keys/test-keys';
import { newTestStore, patient } from './test-store';

afterEach(removeTempDirs);

describe('cached resources', () => {
  it('upsert stores a newer version and ignores an older or equal one (idempotent feed)', () => {
    const { store } = newTestStore();
    expect(store.resources.upsert(patient('p1', 2, 'Schmit', 'Anne'))).toBe('stored');
    expect(store.resources.upsert(patient('p1', 1, 'Old', 'Name'))).toBe('ignored');
    expect(store.resources.upsert(patient('p1', 2, 'Same', 'Version'))).toBe('ignored');
    expect(store.resources.get('Patient', 'p1')).toMatchObject({ versionId: 2, resource: { name: [{ family: 'Schmit' }] } });
    expect(store.resources.upsert(patient('p1', 3, 'Schmit-Weber', 'Anne'))).toBe('stored');
    expect(store.resources.get('Patient', 'p1')?.versionId).toBe(3);
    store.close();
  });

  it('a deletion purges content, search hits and list rows, and an older version arriving late does not resurrect it', () => {
    const { store } = newTestStore();
    store.resources.upsert(patient('p1', 3, 'Hoffmann', 'Luc'));
    expect(store.resources.markDeleted('Patient', 'p1', 4)).toBe('stored');
    expect(store.resources.get('Patient', 'p1')).toBeUndefined();
    expect(store.resources.search('Hoffmann')).toEqual([]);
    expect(store.directory.patients()).toEqual([]);
    expect(store.resources.upsert(patient('p1', 3, 'Hoffmann', 'Luc'))).toBe('ignored');
    expect(store.resources.versionOf('Patient', 'p1')).toEqual({ versionId: 4, deleted: true });
    store.close();
  });

  it('a revocation at the current version purges the cached copy', () => {
    const { store } = newTestStore();
    store.resources.upsert(patient('p1', 3, 'Hoffmann', 'Luc'));
    expect(store.resources.markDeleted('Patient', 'p1', 3)).toBe('stored');
    expect(store.resources.get('Patient', 'p1')).toBeUndefined();
    store.close();
  });

  it('a deletion older than the cached version is ignored', () => {
    const { store } = newTestStore();
    store.resources.upsert(patient('p1', 5, 'Hoffmann', 'Luc'));
    expect(store.resources.markDeleted('Patient', 'p1', 4)).toBe('ignored');
    expect(store.resources.get('Patient', 'p1')?.versionId).toBe(5);
    store.close();
  });

  it('search finds words by prefix, ignores accents and case, and can be limited to one type', () => {
    const { store } = newTestStore();
    store.resources.upsert(patient('p1', 1, 'Müller', 'Élodie'));
    store.resources.upsert(patient('p2', 1, 'Muller', 'Jean'));
    const eva: Practitioner = {
      resourceType: 'Practitioner',
      id: 'dr1',
      meta: { versionId: '1', lastUpdated: '2025-01-01T00:00:00Z' },
      name: [{ family: 'Mullerova', given: ['Eva'] }],
    };
    store.resources.upsert(eva);
    expect(store.resources.search('muller elo').map((r) => r.id)).toEqual(['p1']);
    expect(
      store.resources
        .search('mul')
        .map((r) => r.id)
        .sort(),
    ).toEqual(['dr1', 'p1', 'p2']);
    expect(
      store.resources
        .search('mul', 10, 'Patient')
        .map((r) => r.id)
        .sort(),
    ).toEqual(['p1', 'p2']);
    expect(store.resources.search('"; DROP TABLE resources; --')).toEqual([]);
    store.close();
  });

  it('a newer version replaces the indexed text: the old name no longer finds it', () => {
    const { store } = newTestStore();
    store.resources.upsert(patient('p1', 1, 'Wagner', 'Tom'));
    store.resources.upsert(patient('p1', 2, 'Reuter', 'Tom'));
    expect(store.resources.search('Wagner')).toEqual([]);
    expect(store.resources.search('Reuter').map((r) => r.id)).toEqual(['p1']);
    store.close();
  });

  it('patient and practitioner list rows follow the cached resources', () => {
    const { store } = newTestStore();
    const matricule = makeMatricule(1984, 5, 17, 123);
    store.resources.upsert(
      patient('p1', 1, 'Weber', 'Marie', {
        birthDate: '1984-05-17',
        identifier: [{ system: 'urn:example:other', value: 'X-1' }, { value: matricule }],
      }),
    );
    const paul: Practitioner = {
      resourceType: 'Practitioner',
      id: 'dr1',
      meta: { versionId: '1', lastUpdated: '2025-01-01T00:00:00Z' },
      name: [{ prefix: ['Dr'], given: ['Paul'], family: 'Kieffer' }],
      qualification: [{ code: { text: 'Médecine générale' } }],
      address: [{ city: 'Esch-sur-Alzette' }],
    };
    store.resources.upsert(paul);
    expect(store.directory.patientByMatricule(matricule)).toEqual({
      id: 'p1',
      matricule,
      family: 'Weber',
      given: 'Marie',
      birthDate: '1984-05-17',
    });
    expect(store.directory.practitioners()).toEqual([
      { id: 'dr1', name: 'Dr Paul Kieffer', specialty: 'Médecine générale', city: 'Esch-sur-Alzette' },
    ]);
    store.close();
  });

  it('a resource without an integer versionId or a valid id is refused, naming the field', () => {
    const { store } = newTestStore();
    expect(() => store.resources.upsert({ ...patient('p1', 1, 'A', 'B'), meta: { versionId: 'abc', lastUpdated: 'x' } })).toThrow(
      expect.objectContaining({ code: 'invalid_input', field: 'meta.versionId' }),
    );
    expect(() => store.resources.upsert(patient('../etc', 1, 'A', 'B'))).toThrow(
      expect.objectContaining({ code: 'invalid_input', field: 'id' }),
    );
    store.close();
  });

  it('a local edit keeps the platform version it is based on, and the same version from the feed does not overwrite it', () => {
    const { store } = newTestStore();
    store.resources.upsert(patient('p1', 3, 'Thill', 'Nora'));
    store.resources.saveLocal(patient('p1', 3, 'Thill', 'Nora-Edited'));
    expect(store.resources.upsert(patient('p1', 3, 'Thill', 'Nora'))).toBe('ignored');
    expect(store.resources.get('Patient', 'p1')).toMatchObject({
      versionId: 3,
      resource: { name: [{ given: ['Nora-Edited'] }] },
    });
    store.close();
  });

  it('listByType returns live resources of that type only', () => {
    const { store } = newTestStore();
    store.resources.upsert(patient('p1', 1, 'A', 'B'));
    store.resources.upsert(patient('p2', 1, 'C', 'D'));
    store.resources.markDeleted('Patient', 'p2', 2);
    store.resources.upsert({ resourceType: 'Task', id: 't1', meta: { versionId: '1', lastUpdated: '2025-01-01T00:00:00Z' } });
    expect(store.resources.listByType('Patient').map((r) => r.id)).toEqual(['p1']);
    store.close();
  });

  it('a new snapshot purges every synced copy, its search text and list rows, but keeps entities with local edits', () => {
    const { store } = newTestStore();
    store.resources.upsert(patient('p1', 1, 'Kayser', 'Ana'));
    store.resources.upsert(patient('p2', 1, 'Kayser', 'Bob'));
    store.resources.markDeleted('Patient', 'p3', 2);
    store.resources.saveLocal(patient('p4', 0, 'Kayser', 'Cid'));
    expect(store.resources.purgeSynced(new Set(['Patient/p4', 'Patient/unknown']))).toBe(3);
    expect(store.resources.search('Kayser').map((r) => r.id)).toEqual(['p4']);
    expect(store.directory.patients().map((p) => p.id)).toEqual(['p4']);
    expect(store.resources.versionOf('Patient', 'p1')).toBeUndefined();
    store.close();
  });
});
