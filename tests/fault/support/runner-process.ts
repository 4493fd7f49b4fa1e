/**
 * Starts a fault runner (`client-runner.ts` by default) as a child process and turns its stdout into events the parent can aim a
 * SIGKILL at (see the runner for the line protocol, phase-signals.ts for where it can be parked).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { formatParkTarget, PARK_ENV, type ParkTarget } from './phase-signals';

export const CLIENT_RUNNER = resolve(import.meta.dirname, 'client-runner.ts');

export interface RunnerLine {
  kind: string;
  rest: string;
}

export interface RunnerProcess {
  child: ChildProcess;
  lines: RunnerLine[];
  /** Called for every line as it arrives. */
  onLine(listener: (line: RunnerLine) => void): void;
  /** Resolves with how the process ended, and its stderr. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
  kill(): void;
}

/** Every runner ever started, so afterAll can make sure none survives the test. */
export const startedRunners = new Set<ChildProcess>();

export function killAllRunners(): void {
  for (const child of startedRunners) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

export function startRunner(args: {
  url: string;
  dataDir: string;
  /** client-runner.ts's and blob-runner.ts's launch number, seed and number of writes. */
  run?: number;
  seed?: number;
  writes?: number;
  final?: boolean;
  /** Make every write while the worker is stopped, then start it: the writes leave together, in batches. */
  queueFirst?: boolean;
  /** Where the launch stops for good, waiting to be killed. */
  parkAt?: ParkTarget;
  /** Another runner speaking the same line protocol (default: client-runner.ts), and its own arguments. */
  script?: string;
  extra?: string[];
}): RunnerProcess {
  const argv = ['--import', 'tsx', args.script ?? CLIENT_RUNNER, '--url', args.url, '--data-dir', args.dataDir];
  for (const name of ['run', 'seed', 'writes'] as const) if (args[name] !== undefined) argv.push(`--${name}`, String(args[name]));
  if (args.final) argv.push('--final');
  if (args.queueFirst) argv.push('--queue-first');
  argv.push(...(args.extra ?? []));
  const env = { ...process.env };
  if (args.parkAt) env[PARK_ENV] = formatParkTarget(args.parkAt);
  else delete env[PARK_ENV];
  const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'], env });
  startedRunners.add(child);
  const lines: RunnerLine[] = [];
  const listeners: ((line: RunnerLine) => void)[] = [];
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const reader = createInterface({ input: child.stdout! });
  reader.on('line', (text) => {
    const space = text.indexOf(' ');
    const line = {
      kind: space < 0 ? text : text.slice(0, space),
      rest: space < 0 ? '' : text.slice(space + 1),
    };
    lines.push(line);
    for (const listener of listeners) listener(line);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolveExit) => {
    // 'close' waits for stdout to be drained, so every line the child printed is in `lines`.
    child.once('close', (code, signal) => {
      startedRunners.delete(child);
      resolveExit({ code, signal, stderr });
    });
  });
  return {
    child,
    lines,
    onLine: (listener) => listeners.push(listener),
    exited,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
