import { spawn, type ChildProcess } from 'node:child_process';
import { tempDir } from '../../fixtures/temp-dirs';

export interface RunningApp {
  url: string;
  dataDir: string;
  output: () => string;
  stop(): Promise<void>;
}

const RUNNING_LINE = /eSanté Desk is running at (http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]+)/;

/** Starts the app exactly as a user does (`npm start -- --browser`) and waits for its running line. */
export async function startApp(options: { dataDir?: string; args?: string[] } = {}): Promise<RunningApp> {
  const dataDir = options.dataDir ?? tempDir('desk-e2e-');
  const child: ChildProcess = spawn(
    process.execPath,
    ['scripts/start.mjs', '--browser', '--port', '0', '--data-dir', dataDir, ...(options.args ?? [])],
    { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`app did not print its running line:\n${output}`)), 150_000);
    const check = () => {
      const match = RUNNING_LINE.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`app exited with ${code}:\n${output}`));
    });
  });
  return {
    url,
    dataDir,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(-child.pid!, 'SIGTERM'); // the whole group: start script, shell, platform
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
      if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
    },
  };
}
