import { describe, expect, it } from 'vitest';
import { describeConflict } from '../../../src-main/core/sync/conflict-description';

const names: Record<string, string> = {
  'Patient/demo-patient': 'REUTER Jean',
  'Practitioner/demo-gp': 'Dr Claude Weber',
  'Practitioner/demo-nurse': 'Marie Hoffmann',
};
const nameOf = (reference: string) => names[reference] ?? null;

const base = {
  resourceType: 'DocumentReference',
  id: 'doc-1',
  status: 'current',
  subject: { reference: 'Patient/demo-patient' },
  type: { coding: [{ system: 'http://loinc.org', code: '34746-8', display: 'Note infirmière' }] },
  content: [{ attachment: { contentType: 'text/plain', title: 'Passage du soir', data: 'QUJD' } }],
};

describe('a conflict in clinical words', () => {
  it('names the patient, the record and each version’s author, and lists only the fields that differ', () => {
    const view = describeConflict(
      {
        opId: 'op-1',
        entityKey: 'DocumentReference/doc-1',
        reason: 'stale',
        createdAt: '2026-11-25T10:00:00Z',
        resolvedAt: null,
        local: { ...base, description: 'Pansement refait', author: [{ reference: 'Practitioner/demo-nurse' }] },
        server: {
          ...base,
          meta: { versionId: '2', lastUpdated: '2026-11-25T09:30:00Z' },
          description: 'Pansement à refaire demain',
          author: [{ reference: 'Practitioner/demo-gp' }],
          content: [{ attachment: { contentType: 'text/plain', title: 'Passage du soir', data: 'QUJDREVG' } }],
        },
      },
      nameOf,
    );
    expect(view).toMatchObject({
      resourceType: 'DocumentReference',
      record: 'Pansement refait',
      patient: { id: 'demo-patient', name: 'REUTER Jean' },
      mineBy: 'Marie Hoffmann',
      theirsBy: 'Dr Claude Weber',
      theirsAt: '2026-11-25T09:30:00Z',
      platformHasVersion: true,
    });
    expect(view.changes).toEqual([
      { field: 'author', mine: { text: 'Marie Hoffmann', kind: 'text' }, theirs: { text: 'Dr Claude Weber', kind: 'text' } },
      { field: 'content.attachment.data', mine: { text: '3', kind: 'binary' }, theirs: { text: '6', kind: 'binary' } },
      {
        field: 'description',
        mine: { text: 'Pansement refait', kind: 'text' },
        theirs: { text: 'Pansement à refaire demain', kind: 'text' },
      },
    ]);
  });

  it('a refusal without the platform’s version lists this device’s fields against nothing', () => {
    const view = describeConflict(
      {
        opId: 'op-2',
        entityKey: 'DocumentReference/doc-2',
        reason: 'forbidden',
        createdAt: '2026-11-25T10:00:00Z',
        resolvedAt: null,
        local: { ...base, id: 'doc-2' },
        server: null,
      },
      nameOf,
    );
    expect(view.platformHasVersion).toBe(false);
    expect(view.record).toBe('Note infirmière');
    expect(view.changes.every((c) => c.theirs === null)).toBe(true);
    expect(view.changes.map((c) => c.field)).toContain('status');
  });
});
