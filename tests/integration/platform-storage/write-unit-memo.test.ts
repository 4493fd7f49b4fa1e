/**
 * The write unit's policy memo (policy/write-unit-memo.ts) on a real store: a value is made again once the unit
 * appends a version of a type it depends on (any type when it names none), and after a savepoint rolls back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resourceTypeDef } from '../../../src-main/platform/fhir/resource-types';
import { validateResource } from '../../../src-main/platform/fhir/validation';
import { SYSTEM_AUTHOR } from '../../../src-main/platform/policy/principal';
import { trackingAppends, WriteUnitMemo } from '../../../src-main/platform/policy/write-unit-memo';
import type { PlatformStorage, StorageTx } from '../../../src-main/platform/storage/platform-storage';
import { openTestStorage } from '../../fixtures/test-storage';
import { tempDir } from '../../fixtures/temp-dirs';

let storage: PlatformStorage;
beforeAll(async () => {
  storage = await openTestStorage(tempDir('desk-unit-memo-'));
});
afterAll(() => storage?.close());

let serial = 0;
function append(tx: StorageTx, resource: { resourceType: string } & Record<string, unknown>) {
  const stored = { ...resource, id: `memo-${++serial}`, meta: { versionId: '1', lastUpdated: new Date().toISOString() } };
  const def = resourceTypeDef(stored.resourceType)!;
  return tx.append({
    type: def.type,
    id: stored.id,
    versionId: 1,
    lastUpdated: stored.meta.lastUpdated,
    author: SYSTEM_AUTHOR,
    createdBy: SYSTEM_AUTHOR,
    resource: stored as never,
    index: validateResource(def, stored as never).index,
  });
}
const careTeam = { resourceType: 'CareTeam', status: 'active', subject: { reference: 'Patient/memo-patient' } };
const organization = { resourceType: 'Organization', name: 'Memo' };

describe('the write unit memo', () => {
  it('keeps a value across appends of other types, and makes it again after an append of a type it depends on', async () => {
    await storage.write(async (raw) => {
      const memo = new WriteUnitMemo();
      const tx = trackingAppends(raw, memo);
      let made = 0;
      const teams = () => memo.memo('teams', () => ++made, ['CareTeam']);
      const anything = () => memo.memo('anything', () => ++made);
      expect([teams(), anything()]).toEqual([1, 2]);
      await append(tx, organization);
      expect([teams(), anything()]).toEqual([1, 3]); // the undeclared one depends on every type
      expect(teams()).toBe(1);
      await append(tx, careTeam);
      expect(teams()).toBe(4);
      expect(teams()).toBe(4);
    });
  });

  it('forgets everything when a savepoint rolls back (what was made inside may describe undone writes)', async () => {
    await storage.write(async (raw) => {
      const memo = new WriteUnitMemo();
      const tx = trackingAppends(raw, memo);
      let made = 0;
      const teams = () => memo.memo('teams', () => ++made, ['CareTeam']);
      await expect(
        tx.savepoint(async () => {
          await append(tx, careTeam);
          expect(teams()).toBe(1); // made after the append, inside the savepoint
          throw new Error('the entry fails');
        }),
      ).rejects.toThrow('the entry fails');
      expect(teams()).toBe(2);
      // The other calls reach the store unchanged.
      expect(await tx.currentSequence()).toBe(await raw.currentSequence());
    });
  });
});
