import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../src-main/core/store/index';
import { removeTempDirs } from '../keys/test-keys';
import { newTestStore, patient } from './test-store';

afterEach(removeTempDirs);

function put(store: Store, entityKey: string, note: string) {
  return store.outbox.enqueue({ entityKey, method: 'PUT', url: entityKey, body: { note }, ifMatch: 'W/"1"' });
}

describe('outbox', () => {
  it('operations get increasing sequence numbers and client-generated UUIDs', () => {
    const { store } = newTestStore();
    const a = put(store, 'Observation/o1', 'a');
    const b = put(store, 'Observation/o2', 'b');
    expect(b.seq).toBeGreaterThan(a.seq);
    expect(a.opId).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.opId).not.toBe(b.opId);
    expect(store.outbox.get(a.opId)).toMatchObject({ status: 'pending', body: { note: 'a' }, ifMatch: 'W/"1"', attempts: 0 });
    store.close();
  });

  it('per entity, only the oldest unacknowledged operation is offered; others entities go in parallel', () => {
    const { store } = newTestStore();
    const a1 = put(store, 'Observation/a', 'a1');
    const b1 = put(store, 'Observation/b', 'b1');
    const a2 = put(store, 'Observation/a', 'a2');
    expect(store.outbox.nextBatch().map((op) => op.opId)).toEqual([a1.opId, b1.opId]);
    store.outbox.markInflight(a1.opId);
    // An operation in flight holds its entity back: a2 must not overtake a1.
    expect(store.outbox.nextBatch().map((op) => op.opId)).toEqual([b1.opId]);
    store.outbox.ack(a1.opId);
    expect(store.outbox.nextBatch().map((op) => op.opId)).toEqual([b1.opId, a2.opId]);
    store.close();
  });

  it('an entity with a quarantined operation is skipped, and does not block the others', () => {
    const { store } = newTestStore();
    const a1 = put(store, 'Observation/a', 'a1');
    put(store, 'Observation/a', 'a2');
    const b1 = put(store, 'Observation/b', 'b1');
    store.quarantine.add({
      opId: a1.opId,
      entityKey: 'Observation/a',
      local: { note: 'a1' },
      server: { note: 'theirs' },
      reason: 'precondition failed (412)',
    });
    expect(store.outbox.nextBatch().map((op) => op.opId)).toEqual([b1.opId]);
    store.transaction(() => {
      store.quarantine.resolve(a1.opId);
      store.outbox.discard(a1.opId);
    });
    expect(store.outbox.nextBatch().map((op) => op.body)).toEqual([{ note: 'a2' }, { note: 'b1' }]);
    expect(store.quarantine.list()).toEqual([]);
    expect(store.quarantine.list({ includeResolved: true })).toHaveLength(1);
    store.close();
  });

  it('a local write and its outbox operation commit together', () => {
    const { store } = newTestStore();
    store.transaction(() => {
      store.resources.saveLocal(patient('p1', 1, 'Kremer', 'Jos'));
      store.outbox.enqueue({
        entityKey: 'Patient/p1',
        method: 'PUT',
        url: 'Patient/p1',
        body: patient('p1', 1, 'Kremer', 'Jos'),
      });
    });
    expect(store.resources.get('Patient', 'p1')).toBeDefined();
    expect(store.outbox.countUnacked()).toBe(1);
    store.close();
  });

  it('a failure after the local write rolls back the write and the operation together', () => {
    const { store } = newTestStore();
    expect(() =>
      store.transaction(() => {
        store.resources.saveLocal(patient('p1', 1, 'Kremer', 'Jos'));
        store.outbox.enqueue({ entityKey: 'Patient/p1', method: 'PUT', url: 'Patient/p1', body: {} });
        throw new Error('crash between write and commit');
      }),
    ).toThrow('crash between write and commit');
    expect(store.resources.get('Patient', 'p1')).toBeUndefined();
    expect(store.resources.search('Kremer')).toEqual([]);
    expect(store.outbox.countUnacked()).toBe(0);
    store.close();
  });

  it('a failed attempt goes back to pending with its error and attempt count, keeping its op id', () => {
    const { store } = newTestStore();
    const op = put(store, 'Observation/a', 'a');
    store.outbox.markInflight(op.opId);
    store.outbox.markFailed(op.opId, 'ECONNRESET');
    expect(store.outbox.nextBatch()).toEqual([expect.objectContaining({ opId: op.opId, attempts: 1, lastError: 'ECONNRESET' })]);
    store.close();
  });

  it('after a restart, operations left in flight are offered again with the same op id', () => {
    const { store } = newTestStore();
    const op = put(store, 'Observation/a', 'a');
    store.outbox.markInflight(op.opId);
    expect(store.outbox.nextBatch()).toEqual([]);
    expect(store.outbox.requeueInflight()).toBe(1);
    expect(store.outbox.nextBatch().map((o) => o.opId)).toEqual([op.opId]);
    store.close();
  });

  it('acknowledging is idempotent and an acknowledged operation is never offered again', () => {
    const { store } = newTestStore();
    const op = put(store, 'Observation/a', 'a');
    store.outbox.ack(op.opId);
    store.outbox.ack(op.opId);
    expect(store.outbox.nextBatch()).toEqual([]);
    expect(() => store.outbox.markFailed(op.opId, 'late failure')).toThrow(expect.objectContaining({ code: 'not_found' }));
    store.close();
  });

  it('an operation on something that is not Type/id is refused', () => {
    const { store } = newTestStore();
    expect(() => store.outbox.enqueue({ entityKey: 'Patient', method: 'PUT', url: 'Patient' })).toThrow(
      expect.objectContaining({ code: 'invalid_input', field: 'entityKey' }),
    );
    store.close();
  });
});
