/**
 * Makes a SQLite write-ahead log durable without blocking the event loop (issue 10).
 *
 * With `synchronous = NORMAL` a COMMIT only write()s its frames to the -wal file; this class then
 * fdatasync()s that file on libuv's thread pool, one sync at a time, each covering every commit written
 * before it began (group commit: many commits, one fsync). A caller learns its commit is durable only once
 * a sync that *began after* that commit was written has finished — a sync already running when the commit
 * was written may have missed its frames. fdatasync of any descriptor of the file flushes the file (Linux:
 * the page cache belongs to the inode), so this one covers the frames SQLite wrote through its own.
 *
 * A failed sync leaves durability unknown, and a later sync may succeed without the lost pages (the kernel
 * forgets the error once reported): the log is then broken for good — every waiter and every later caller
 * fails, and the platform must be restarted (SQLite recovers from the log what did reach the disk).
 */
import { closeSync, fdatasync, fstatSync, fsyncSync, openSync } from 'node:fs';
import { dirname } from 'node:path';

/** How the file is synced: fdatasync on the thread pool by default; tests hold or fail it to observe the order of events. */
export type SyncFile = (fd: number) => Promise<void>;

const fdatasyncOnThreadPool: SyncFile = (fd) =>
  new Promise((resolve, reject) => fdatasync(fd, (error) => (error ? reject(error) : resolve())));

interface Waiter {
  commit: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class WalSync {
  private readonly fd: number;
  /** Commits written to the log (their COMMIT returned), numbered from 1. */
  private written = 0;
  /** Every commit up to this one is on disk. */
  private durable = 0;
  private syncing: Promise<void> | undefined;
  private waiters: Waiter[] = [];
  private failure: Error | undefined;

  /** Opens the -wal file (it must exist: SQLite never removes it while a connection is open). */
  constructor(
    walFile: string,
    private readonly syncFile: SyncFile = fdatasyncOnThreadPool,
  ) {
    this.fd = openSync(walFile, 'r');
    // SQLite in FULL mode syncs the directory after creating a journal; here, once: the -wal file's
    // name must survive a power loss for its frames to.
    const dir = openSync(dirname(walFile), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  }

  /** Records that one more commit has been written to the log; returns its number. */
  committed(): number {
    return ++this.written;
  }

  /** The number of the last commit written: whatever a reader's snapshot holds is at most this. */
  get lastWritten(): number {
    return this.written;
  }

  /** Resolves once commit `commit` (and so every earlier one) is on disk; rejects if the log broke. */
  durableUpTo(commit: number): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (commit <= this.durable) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ commit, resolve, reject });
      this.startSync();
    });
  }

  /** Resolves when no sync is running or wanted (before the file is closed). */
  async idle(): Promise<void> {
    while (this.syncing) await this.syncing;
  }

  /** The log's size in bytes (it starts over from nothing after a complete checkpoint: journal_size_limit = 0). */
  size(): number {
    return fstatSync(this.fd).size;
  }

  close(): void {
    closeSync(this.fd);
  }

  /** One sync at a time; when it ends, the next starts at once if anyone still waits (covering all written since). */
  private startSync(): void {
    if (this.syncing || this.failure) return;
    const covers = this.written;
    this.syncing = this.syncFile(this.fd).then(
      () => {
        this.durable = Math.max(this.durable, covers);
        const still: Waiter[] = [];
        for (const waiter of this.waiters) {
          if (waiter.commit <= this.durable) waiter.resolve();
          else still.push(waiter);
        }
        this.waiters = still;
        this.syncing = undefined;
        if (still.length > 0) this.startSync();
      },
      (error: unknown) => {
        this.failure = new Error(`the write-ahead log could not be synced to disk; restart the platform (${String(error)})`, {
          cause: error,
        });
        for (const waiter of this.waiters) waiter.reject(this.failure);
        this.waiters = [];
        this.syncing = undefined;
      },
    );
  }

  /** Throws if the log broke (no further work may be answered). */
  check(): void {
    if (this.failure) throw this.failure;
  }
}
