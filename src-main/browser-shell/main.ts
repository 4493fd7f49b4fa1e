import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createCore } from '../core';
import { FileSettingsStore } from '../core/settings';
import { startEmbeddedPlatform } from './embedded-platform';
import { startBrowserShell } from './server';

/** `npm start -- --browser [--port N] [--data-dir DIR] [--platform-url URL]`: the app in any browser, API over 127.0.0.1. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      'data-dir': { type: 'string', default: join(homedir(), '.esante-desk') },
      /** Use a platform that is already running (standalone or remote) instead of the embedded one. */
      'platform-url': { type: 'string' },
      /** The platform at --platform-url is the mock (e.g. `npm run platform`): offer the patient simulator. */
      simulator: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0–65535, got ${values.port}`);
  const dataDir = values['data-dir'];
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;

  const settings = new FileSettingsStore(join(dataDir, 'settings.json'));
  const remote = values['platform-url'] ?? settings.read().remotePlatformUrl;
  const platform = remote ? undefined : await startEmbeddedPlatform(join(dataDir, 'platform'));
  const core = createCore({
    version,
    shell: 'browser',
    platformUrl: remote ?? platform!.url,
    dataDir,
    settings,
    embeddedPlatform: !remote || values.simulator,
  });
  const shell = await startBrowserShell({ core, staticDir: join(root, 'dist', 'renderer'), port });

  console.log(`eSanté Desk is running at ${shell.launchUrl}`);

  // Node ends the process on a rejection nobody handled, taking the user's session and the embedded
  // platform with it. The server handles each request's promise, so one reaching here is our bug: say so
  // by name (tests fail on this line; the error's kind only, its text may hold patient data) and keep serving.
  process.on('unhandledRejection', (reason) => {
    console.error(`[browser-shell] unhandledRejection: ${reason instanceof Error ? reason.name : typeof reason}`);
  });

  const stop = async () => {
    await shell.close();
    await core.close();
    platform?.child.kill('SIGTERM');
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  console.error(`eSanté Desk could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
