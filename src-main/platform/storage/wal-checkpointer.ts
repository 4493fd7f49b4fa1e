/**
 * Checkpoints a SQLite write-ahead log on a worker thread (issue 10). SQLite's automatic checkpoint runs
 * inside the COMMIT that crosses its threshold: it syncs the log, copies its pages into the database and
 * syncs that — tens of milliseconds during which the event loop answers nobody. Here the writer's
 * automatic checkpoint is off, and once the log has grown by `growthBytes` since the last request, a
 * worker with its own connection runs a PASSIVE checkpoint (it never blocks the writer or the readers;
 * the next write transaction after a complete one starts the log over). Should the log still grow past
 * `hardLimitBytes` (a checkpoint that never catches up with a steady stream of writes), the owner is told
 * to checkpoint between groups itself.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/** Runs in the worker (as CommonJS source, so it needs no file of its own in any bundle). */
const CHECKPOINT_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.file);
// Its checkpoints sync the log before copying it and the database after (FULL also syncs the log's header).
db.pragma('synchronous = FULL');
db.pragma('wal_autocheckpoint = 0');
parentPort.on('message', (message) => {
  if (message === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ ok: true, result });
  } catch (error) {
    parentPort.postMessage({ ok: false, error: String(error) });
  }
});
`;

export class WalCheckpointer {
  /** Started at the first checkpoint wanted (a small database never needs one). */
  private worker: { thread: Worker; exited: Promise<void> } | undefined;
  private running = false;
  /** Log size when the last checkpoint was asked for. */
  private requestedAt = 0;

  constructor(
    private readonly file: string,
    private readonly growthBytes = 4 * 1024 * 1024,
    private readonly hardLimitBytes = 64 * 1024 * 1024,
    /** Told each finished checkpoint (SQLite's busy/log/checkpointed frames): a phase signal for tests. */
    private readonly onCheckpoint?: (result: { busy: number; log: number; checkpointed: number } | undefined) => void,
  ) {}

  private start(): Worker {
    const module = createRequire(fileURLToPath(import.meta.url)).resolve('better-sqlite3-multiple-ciphers');
    const thread = new Worker(CHECKPOINT_WORKER, { eval: true, workerData: { file: this.file, module } });
    thread.unref();
    const exited = new Promise<void>((resolve) => thread.once('exit', () => resolve()));
    thread.on(
      'message',
      (reply: { ok: boolean; error?: string; result?: { busy: number; log: number; checkpointed: number } }) => {
        this.running = false;
        // A failed checkpoint loses nothing (the log keeps every frame); the next growth asks again.
        if (!reply.ok) console.error('eSanté platform: background checkpoint failed:', reply.error);
        this.onCheckpoint?.(reply.result);
      },
    );
    thread.on('error', (error) => console.error('eSanté platform: checkpoint worker failed:', error));
    this.worker = { thread, exited };
    return thread;
  }

  /**
   * Told the log's size after each commit: asks the worker for a checkpoint once it has grown enough.
   * Returns true when the log is past its hard limit and the caller should checkpoint itself.
   */
  grew(logBytes: number): boolean {
    if (logBytes < this.requestedAt) this.requestedAt = 0; // the log started over (or was truncated)
    if (!this.running && logBytes - this.requestedAt >= this.growthBytes) {
      this.running = true;
      this.requestedAt = logBytes;
      (this.worker?.thread ?? this.start()).postMessage('checkpoint');
    }
    return logBytes >= this.hardLimitBytes;
  }

  /** Closes the worker's connection (before the owner closes its own, which then removes the log). */
  async close(): Promise<void> {
    if (!this.worker) return;
    // Unref'd so an idle worker never keeps the process alive; while closing it must, or a process whose
    // last work is this close (a seeding child) ends mid-await, with exit code 0 and its storage half-closed.
    this.worker.thread.ref();
    this.worker.thread.postMessage('close');
    await this.worker.exited;
  }
}
