import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { removeTempDirs } from '../keys/test-keys';
import { newTestStore, patient } from './test-store';

afterEach(removeTempDirs);

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('sync state', () => {
  it('a feed page and its cursor commit together: a failed page leaves the old cursor', () => {
    const { store } = newTestStore();
    store.syncState.set('changes.cursor', '10');
    expect(() =>
      store.transaction(() => {
        store.resources.upsert(patient('p1', 1, 'Lang', 'Ben'));
        store.syncState.set('changes.cursor', '20');
        throw new Error('page failed half way');
      }),
    ).toThrow();
    expect(store.syncState.get('changes.cursor')).toBe('10');
    expect(store.resources.get('Patient', 'p1')).toBeUndefined();
    store.close();
  });
});

describe('attachment blobs', () => {
  it('content is stored under its sha256 and bytes that do not match their address are refused', () => {
    const { store } = newTestStore();
    const bytes = Buffer.from('%PDF-1.7 lab report');
    store.blobs.put(sha256(bytes), bytes);
    expect(store.blobs.get(sha256(bytes))?.equals(bytes)).toBe(true);
    expect(() => store.blobs.put(sha256(bytes), Buffer.from('something else'))).toThrow(
      expect.objectContaining({ code: 'invalid_input' }),
    );
    store.close();
  });

  it('a chunked download resumes where it stopped and is readable only once complete and verified', () => {
    const { store } = newTestStore();
    const bytes = Buffer.from('a'.repeat(1000) + 'b'.repeat(500));
    const hash = sha256(bytes);
    expect(store.blobs.appendChunk(hash, 0, bytes.subarray(0, 600), bytes.length)).toBe(false);
    expect(store.blobs.get(hash)).toBeUndefined();
    expect(store.blobs.resumeOffset(hash)).toBe(600);
    expect(() => store.blobs.appendChunk(hash, 0, bytes.subarray(0, 600), bytes.length)).toThrow(
      expect.objectContaining({ field: 'offset' }),
    );
    expect(store.blobs.appendChunk(hash, 600, bytes.subarray(600), bytes.length)).toBe(true);
    expect(store.blobs.get(hash)?.equals(bytes)).toBe(true);
    store.close();
  });

  it('a download whose bytes do not hash to the address is dropped and starts over', () => {
    const { store } = newTestStore();
    const hash = sha256(Buffer.from('expected'));
    expect(store.blobs.appendChunk(hash, 0, Buffer.from('tamp'), 8)).toBe(false);
    expect(() => store.blobs.appendChunk(hash, 4, Buffer.from('ered'), 8)).toThrow(
      expect.objectContaining({ code: 'invalid_input', field: 'sha256' }),
    );
    expect(store.blobs.resumeOffset(hash)).toBe(0);
    store.close();
  });
});
