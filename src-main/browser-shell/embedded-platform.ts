import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Runs the embedded platform as a child process (the browser shell's counterpart of Electron's
 * utilityProcess), so stopping it makes "offline" real. It announces its URL over the IPC channel.
 */
export function startEmbeddedPlatform(dataDir: string, extraArgs: string[] = []): Promise<{ url: string; child: ChildProcess }> {
  const entry = fileURLToPath(new URL('../platform/cli.ts', import.meta.url));
  const child = fork(entry, ['--port', '0', '--data-dir', dataDir, '--seed', 'demo', ...extraArgs], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error('embedded platform did not start within 120 s'));
    }, 120_000);
    child.on('message', (message: { type?: string; url?: string }) => {
      if (message?.type === 'listening' && typeof message.url === 'string') {
        clearTimeout(timer);
        resolve({ url: message.url, child });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`embedded platform exited with code ${code}`));
    });
  });
}
