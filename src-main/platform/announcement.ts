/**
 * How the embedded platform tells the shell that started it where it listens: one IPC message once
 * its HTTP server is up. Shared by the Electron shell (utilityProcess) and the browser shell
 * (child_process), which differ only in how they start the process.
 */
export interface PlatformListening {
  type: 'listening';
  url: string;
}

export function isPlatformListening(message: unknown): message is PlatformListening {
  const m = message as Partial<PlatformListening> | null;
  return m?.type === 'listening' && typeof m.url === 'string';
}

/** The two events both kinds of child process emit. */
export interface AnnouncingProcess {
  on(event: 'message', listener: (message: unknown) => void): unknown;
  once(event: 'exit', listener: (code: number | null) => void): unknown;
}

/** Resolves with the platform's URL, or rejects if the process exits first or takes too long. */
export function awaitPlatformUrl(child: AnnouncingProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`embedded platform did not start within ${timeoutMs / 1000} s`)), timeoutMs);
    child.on('message', (message) => {
      if (isPlatformListening(message)) {
        clearTimeout(timer);
        resolve(message.url);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`embedded platform exited with code ${code}`));
    });
  });
}
