import { utilityProcess, type UtilityProcess } from 'electron';
import { awaitPlatformUrl } from '../platform/announcement';

/**
 * Runs the embedded platform in its own utility process, so a platform crash cannot take the client
 * down and "offline" (platform stopped) is real.
 */
export async function startEmbeddedPlatform(entry: string, dataDir: string): Promise<{ url: string; child: UtilityProcess }> {
  const child = utilityProcess.fork(entry, ['--port', '0', '--data-dir', dataDir, '--seed', 'demo'], {
    serviceName: 'eSanté platform',
    stdio: 'inherit',
  });
  try {
    return { url: await awaitPlatformUrl(child, 120_000), child };
  } catch (error) {
    child.kill();
    throw error;
  }
}
