/**
 * No answer before its durability (issue 10, group commit on SQLite): a COMMIT only writes the log, and
 * the log's fsync runs off the event loop (storage/wal-sync.ts). These tests hold that fsync and watch
 * what is answered meanwhile. Every observation sits on a phase signal — "a sync began" is the held
 * sync being called; "a commit was written" is a second, raw connection seeing its row — never a timer.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStorage } from '../../../src-main/platform/storage/sqlite-storage';
import type { SyncFile } from '../../../src-main/platform/storage/wal-sync';
import { tempDir } from '../../fixtures/temp-dirs';

/** Each call of the storage's log sync, held until the test releases (or fails) it. */
class HeldSyncs {
  private readonly started: Array<{ release: () => void; fail: (error: Error) => void }> = [];
  private readonly unreleased = new Set<() => void>();
  private wake: (() => void) | undefined;
  private passing = false;
  count = 0;

  readonly sync: SyncFile = () =>
    new Promise<void>((resolve, reject) => {
      this.count++;
      if (this.passing) return resolve();
      const release = () => (this.unreleased.delete(release), resolve());
      this.unreleased.add(release);
      this.started.push({ release, fail: reject });
      this.wake?.();
    });

  /** The next sync the storage began (waits for the call itself). */
  async next(): Promise<{ release: () => void; fail: (error: Error) => void }> {
    while (this.started.length === 0) await new Promise<void>((resolve) => (this.wake = resolve));
    return this.started.shift()!;
  }

  get waiting(): number {
    return this.started.length;
  }

  /** Lets every held sync finish (a failed test must not leave close() waiting for one). */
  releaseAll(): void {
    this.passing = true;
    for (const release of [...this.unreleased]) release();
  }
}

/** Lets every pending promise callback run (one turn of the event loop, no clock involved). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Records when a promise settles, so a test can assert it has not yet. */
function watch<T>(promise: Promise<T>): { done: boolean; result: Promise<T> } {
  const watched = { done: false, result: promise };
  promise.then(
    () => (watched.done = true),
    () => (watched.done = true),
  );
  return watched;
}

const opened: Array<{ close(): unknown }> = [];
afterEach(async () => {
  for (const thing of opened.splice(0).reverse()) await thing.close();
});

function open(): { storage: SqliteStorage; syncs: HeldSyncs; committed: (key: string) => string | undefined } {
  const file = join(tempDir('esante-durable-'), 'platform.sqlite');
  const syncs = new HeldSyncs();
  const storage = new SqliteStorage(file, { syncWal: syncs.sync });
  // A raw connection sees what is written to the log, durable or not: the "commit written" signal.
  const raw = new Database(file, { readonly: true });
  opened.push({ close: () => (syncs.releaseAll(), storage.close()) }, raw);
  const committed = (key: string) =>
    (raw.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  return { storage, syncs, committed };
}

describe('SQLite storage: every answer waits for the sync that makes it durable', () => {
  it('a write answers only after a sync that began after its commit, never one already running', async () => {
    const { storage, syncs, committed } = open();
    const first = watch(storage.write((tx) => tx.setMeta('first', '1')));
    const firstSync = await syncs.next();
    expect(committed('first')).toBe('1');
    await settle();
    expect(first.done).toBe(false);

    // Written while the first sync runs: that sync may have missed its frames.
    const second = watch(storage.write((tx) => tx.setMeta('second', '2')));
    await settle();
    expect(committed('second')).toBe('2');
    expect(second.done).toBe(false);

    firstSync.release();
    await first.result;
    await settle();
    expect(second.done).toBe(false);

    // The second answer needs a sync of its own, begun after its commit.
    const secondSync = await syncs.next();
    await settle();
    expect(second.done).toBe(false);
    secondSync.release();
    await second.result;
    expect(syncs.count).toBe(2);
  });

  it('concurrent writes share one sync (group commit), and all answer after it', async () => {
    const { storage, syncs, committed } = open();
    const opener = watch(storage.write((tx) => tx.setMeta('opener', '0')));
    const openerSync = await syncs.next();
    const writes = Array.from({ length: 20 }, (_, n) => watch(storage.write((tx) => tx.setMeta(`w${n}`, String(n)))));
    await settle();
    for (let n = 0; n < 20; n++) expect(committed(`w${n}`)).toBe(String(n));
    openerSync.release();
    await opener.result;

    const shared = await syncs.next();
    await settle();
    expect(writes.filter((w) => w.done)).toEqual([]);
    shared.release();
    await Promise.all(writes.map((w) => w.result));
    expect(syncs.count).toBe(2);
    expect(syncs.waiting).toBe(0);
  });

  it('a read that saw a commit not yet durable answers only once it is (no sequence a power loss could reuse)', async () => {
    const { storage, syncs } = open();
    const write = watch(
      storage.write(async (tx) => {
        await tx.setMeta('cursor-source', 'x');
        return tx.currentSequence();
      }),
    );
    const held = await syncs.next();
    const read = watch(storage.read((tx) => tx.getMeta('cursor-source')));
    await settle();
    expect(read.done).toBe(false);
    expect(write.done).toBe(false);
    held.release();
    expect(await read.result).toBe('x');
    await write.result;

    // Everything written is durable now: a read answers without waiting for another sync.
    expect(await storage.read((tx) => tx.getMeta('cursor-source'))).toBe('x');
    expect(syncs.count).toBe(1);
  });

  it('a refused unit waits for its group too (its error may describe what the group wrote)', async () => {
    const { storage, syncs } = open();
    const refused = watch(
      storage.write(async (tx) => {
        await tx.setMeta('undone', 'y');
        throw new Error('refused');
      }),
    );
    const held = await syncs.next();
    await settle();
    expect(refused.done).toBe(false);
    held.release();
    await expect(refused.result).rejects.toThrow('refused');
    expect(await storage.read((tx) => tx.getMeta('undone'))).toBeUndefined();
  });

  it('a failed sync fails every answer waiting for it, and every later read and write', async () => {
    const { storage, syncs } = open();
    const write = storage.write((tx) => tx.setMeta('lost', 'maybe'));
    const held = await syncs.next();
    const read = watch(storage.read((tx) => tx.getMeta('lost')));
    await settle();
    expect(read.done).toBe(false);
    held.fail(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
    await expect(write).rejects.toThrow(/write-ahead log could not be synced to disk/);
    await expect(read.result).rejects.toThrow(/write-ahead log could not be synced to disk/);
    await expect(storage.write((tx) => tx.setMeta('after', '1'))).rejects.toThrow(/could not be synced/);
    await expect(storage.read((tx) => tx.getMeta('after'))).rejects.toThrow(/could not be synced/);
  });
});

describe('SQLite storage: checkpoints run off the event loop and keep the log bounded', () => {
  it('once the log has grown, a worker checkpoints it, and the next write starts the log over', async () => {
    const file = join(tempDir('esante-checkpoint-'), 'platform.sqlite');
    let checkpointed: (result: { log: number; checkpointed: number } | undefined) => void = () => {};
    const done = new Promise<{ log: number; checkpointed: number } | undefined>((resolve) => (checkpointed = resolve));
    const storage = new SqliteStorage(file, { checkpointEvery: 256 * 1024, onCheckpoint: (result) => checkpointed(result) });
    opened.push(storage);
    const value = 'x'.repeat(64 * 1024);
    // One commit crosses the threshold, so nothing is written while the checkpoint runs.
    await storage.write(async (tx) => {
      for (let n = 0; n < 8; n++) await tx.setMeta(`big-${n}`, value);
    });
    const grown = statSync(`${file}-wal`).size;
    expect(grown).toBeGreaterThan(256 * 1024);

    const result = await done;
    expect(result?.checkpointed).toBeGreaterThan(0);
    expect(result?.checkpointed).toBe(result?.log);
    await storage.write((tx) => tx.setMeta('small', 'y'));
    expect(statSync(`${file}-wal`).size).toBeLessThan(grown / 4);
    expect(await storage.read((tx) => tx.getMeta('big-7'))).toBe(value);
  });
});
