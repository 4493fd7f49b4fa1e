/**
 * Bench children: TypeScript entry points forked with tsx and an IPC channel, so the parent can time
 * them from outside and read their /proc while they are alive.
 */
import { fork, type ChildProcess } from 'node:child_process';

export interface BenchChild<M extends { type: string }> {
  child: ChildProcess;
  pid: number;
  /** The next message of `type` (rejects if the child exits first). */
  next<T extends M['type']>(type: T): Promise<Extract<M, { type: T }>>;
  send(message: unknown): void;
  /** SIGTERM, then wait for the exit. */
  stop(): Promise<void>;
}

export function forkTs<M extends { type: string }>(
  entry: string,
  args: string[],
  options: { stdout?: 'ignore' | 'inherit' } = {},
): BenchChild<M> {
  // BENCH_CPU_PROF=<dir>: every child writes a V8 CPU profile there (NODE_OPTIONS may not carry --cpu-prof).
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child = fork(entry, args, {
    execArgv: [...profile, '--import', 'tsx'],
    stdio: ['ignore', options.stdout ?? 'ignore', 'inherit', 'ipc'],
  });
  const inbox: M[] = [];
  const waiters: Array<{ type: string; resolve: (m: M) => void; reject: (e: Error) => void }> = [];
  let exited: Error | null = null;
  child.on('message', (message: M) => {
    const at = waiters.findIndex((w) => w.type === message.type);
    if (at >= 0) waiters.splice(at, 1)[0]!.resolve(message);
    else inbox.push(message);
  });
  const exitPromise = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = new Error(`${entry} exited (${code ?? signal})`);
      for (const w of waiters.splice(0)) w.reject(exited);
      resolve();
    }),
  );
  return {
    child,
    pid: child.pid!,
    next: <T extends M['type']>(type: T) =>
      new Promise<Extract<M, { type: T }>>((resolve, reject) => {
        const at = inbox.findIndex((m) => m.type === type);
        if (at >= 0) return resolve(inbox.splice(at, 1)[0] as Extract<M, { type: T }>);
        if (exited) return reject(exited);
        waiters.push({ type, resolve: resolve as (m: M) => void, reject });
      }),
    send: (message) => child.send(message as never),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exitPromise;
    },
  };
}

/**
 * The child side: keeps a started platform up until the parent stops it (SIGTERM) or goes away
 * (IPC disconnect), then exits; a failed start is printed with `label` and exits non-zero.
 */
export function serveUntilParentLeaves(label: string, start: () => Promise<{ stop(): Promise<void> }>): void {
  // A forked child's IPC channel does not keep it alive until a 'disconnect' listener exists: were every pending
  // promise of the start waiting on something unref'd, the process would end with code 0 and say nothing. Say it.
  const emptied = () => {
    process.stderr.write(`${label}: the event loop ran empty before the platform was serving (a promise nothing settles)\n`);
    process.exit(1);
  };
  process.once('beforeExit', emptied);
  start().then(
    (platform) => {
      process.off('beforeExit', emptied);
      let stopping = false;
      const stop = () => {
        if (stopping) return;
        stopping = true;
        void platform.stop().finally(() => process.exit(0));
      };
      process.on('SIGTERM', stop);
      process.on('disconnect', stop);
    },
    (error: unknown) => {
      process.stderr.write(`${label}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
