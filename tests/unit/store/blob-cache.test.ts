import { createHash, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { removeTempDirs } from '../keys/test-keys';
import { newTestStore } from './test-store';

afterEach(removeTempDirs);

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

function chunkRows(store: ReturnType<typeof newTestStore>['store'], hash: string): { offset: number; length: number }[] {
  // The layout itself is what this test guards, so it reads the rows (through the store's own connection).
  return (
    store as unknown as { sql: { prepare(sql: string): { all(...a: unknown[]): { offset: number; length: number }[] } } }
  ).sql
    .prepare('SELECT offset, length(bytes) AS length FROM blob_chunks WHERE sha256 = ? ORDER BY offset')
    .all(hash);
}

describe('blob bytes are stored as one row per chunk', () => {
  it('appending a chunk adds its row and leaves the rows already held untouched', () => {
    const { store } = newTestStore();
    const bytes = randomBytes(2500);
    const hash = sha256(bytes);
    store.blobs.appendChunk(hash, 0, bytes.subarray(0, 1000), bytes.length);
    store.blobs.appendChunk(hash, 1000, bytes.subarray(1000, 2000), bytes.length);
    expect(chunkRows(store, hash)).toEqual([
      { offset: 0, length: 1000 },
      { offset: 1000, length: 1000 },
    ]);
    expect(store.blobs.appendChunk(hash, 2000, bytes.subarray(2000), bytes.length)).toBe(true);
    expect(chunkRows(store, hash)).toHaveLength(3);
    expect(store.blobs.get(hash)!.equals(bytes)).toBe(true);
    store.close();
  });

  it('a range is read across chunk boundaries, and bytes not held are refused naming the offset', () => {
    const { store } = newTestStore();
    const bytes = randomBytes(3000);
    const hash = sha256(bytes);
    store.blobs.appendChunk(hash, 0, bytes.subarray(0, 1000), bytes.length);
    store.blobs.appendChunk(hash, 1000, bytes.subarray(1000, 2000), bytes.length);
    expect(store.blobs.read(hash, 900, 300).equals(bytes.subarray(900, 1200))).toBe(true);
    expect(() => store.blobs.read(hash, 1900, 200)).toThrow(expect.objectContaining({ field: 'offset' }));
    store.close();
  });

  it('complete content put at once is split into chunks and verified again on demand', () => {
    const { store } = newTestStore();
    const bytes = randomBytes(3 * 1024 * 1024 + 17);
    const hash = sha256(bytes);
    store.blobs.put(hash, bytes);
    expect(chunkRows(store, hash).map((r) => r.length)).toEqual([1024 * 1024, 1024 * 1024, 1024 * 1024, 17]);
    expect(store.blobs.verify(hash)).toBe(true);
    expect(store.blobs.read(hash, 1024 * 1024 - 5, 10).equals(bytes.subarray(1024 * 1024 - 5, 1024 * 1024 + 5))).toBe(true);
    store.close();
  });
});

describe('the cache keeps to its byte budget', () => {
  const blob = (n: number) => {
    const bytes = Buffer.alloc(1000, n);
    return { bytes, hash: sha256(bytes) };
  };

  it('the least recently used blobs are evicted first, and a use counts', () => {
    const { store } = newTestStore();
    const [a, b, c] = [blob(1), blob(2), blob(3)];
    for (const x of [a, b, c]) store.blobs.put(x.hash, x.bytes);
    store.blobs.get(a.hash); // a is now the most recently used
    expect(store.blobs.evictToBudget(2000)).toEqual([b.hash]);
    expect(store.blobs.has(b.hash)).toBe(false);
    expect(store.blobs.has(a.hash) && store.blobs.has(c.hash)).toBe(true);
    expect(store.blobs.heldBytes()).toBe(2000);
    store.close();
  });

  it('a blob pinned by a prefetch, or by a write the platform has not acknowledged, is never evicted', () => {
    const { store } = newTestStore();
    const [a, b, c] = [blob(1), blob(2), blob(3)];
    for (const x of [a, b, c]) store.blobs.put(x.hash, x.bytes);
    store.blobs.pin(a.hash, 'prefetch');
    const op = store.transaction(() => {
      const queued = store.outbox.enqueue({
        entityKey: 'DocumentReference/d1',
        method: 'PUT',
        url: 'DocumentReference/d1',
        body: {},
      });
      store.blobs.pin(b.hash, 'unsent', queued.opId);
      return queued;
    });
    expect(store.blobs.evictToBudget(0)).toEqual([c.hash]);
    store.outbox.ack(op.opId);
    expect(store.blobs.evictToBudget(0)).toEqual([b.hash]);
    store.blobs.unpin(a.hash, 'prefetch');
    expect(store.blobs.evictToBudget(0)).toEqual([a.hash]);
    expect(store.blobs.heldBytes()).toBe(0);
    store.close();
  });
});

describe('the upload queue holds the outbox', () => {
  it('an operation waiting for its blob is not sent; once the upload completed it is, in order', () => {
    const { store } = newTestStore();
    const bytes = randomBytes(100);
    const hash = sha256(bytes);
    const [held, other] = store.transaction(() => {
      store.blobs.put(hash, bytes);
      store.blobUploads.enqueue(hash, bytes.length, 'application/pdf');
      const doc = store.outbox.enqueue({
        entityKey: 'DocumentReference/d1',
        method: 'PUT',
        url: 'DocumentReference/d1',
        body: {},
      });
      store.blobUploads.hold(doc.opId, hash);
      const patient = store.outbox.enqueue({ entityKey: 'Patient/p1', method: 'PUT', url: 'Patient/p1', body: {} });
      return [doc, patient];
    });
    store.outbox.enqueue({ entityKey: 'DocumentReference/d1', method: 'PUT', url: 'DocumentReference/d1', body: { v: 2 } });
    expect(store.outbox.nextBatch().map((op) => op.opId)).toEqual([other.opId]);
    store.blobUploads.started(hash, 'up-1', 64, 0);
    store.blobUploads.confirm(hash, 64);
    expect(store.blobUploads.get(hash)).toMatchObject({ uploadId: 'up-1', confirmed: 64, complete: false });
    store.blobUploads.complete(hash);
    expect(store.outbox.nextBatch().map((op) => op.opId)).toEqual([held.opId, other.opId]);
    expect(store.blobUploads.pending()).toEqual([]);
    store.close();
  });
});
