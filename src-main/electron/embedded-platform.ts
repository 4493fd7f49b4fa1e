import { utilityProcess, type UtilityProcess } from 'electron';

/**
 * Runs the embedded platform in its own utility process, so a platform crash cannot take the client
 * down and "offline" (platform stopped) is real. The platform announces its URL over the parent port.
 */
export function startEmbeddedPlatform(entry: string, dataDir: string): Promise<{ url: string; child: UtilityProcess }> {
  const child = utilityProcess.fork(entry, ['--port', '0', '--data-dir', dataDir, '--seed', 'demo'], {
    serviceName: 'eSanté platform',
    stdio: 'inherit',
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('embedded platform did not start within 60 s')), 60_000);
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
