import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { awaitPlatformUrl } from '../platform/announcement';

/**
 * Runs the embedded platform as a child process (the browser shell's counterpart of Electron's
 * utilityProcess), so stopping it makes "offline" real.
 */
export async function startEmbeddedPlatform(
  dataDir: string,
  extraArgs: string[] = [],
): Promise<{ url: string; child: ChildProcess }> {
  const entry = fileURLToPath(new URL('../platform/cli.ts', import.meta.url));
  const child = fork(entry, ['--port', '0', '--data-dir', dataDir, '--seed', 'demo', ...extraArgs], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  try {
    return { url: await awaitPlatformUrl(child, 120_000), child };
  } catch (error) {
    child.kill();
    throw error;
  }
}
