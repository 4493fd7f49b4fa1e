/**
 * `npm run platform -- [--port 8787] [--data-dir DIR] [--storage postgres://USER@HOST/DB] [--seed demo|none]
 *   [--patients N] [--docs-per-patient N]
 *   [--care-patients N] [--care-days D]`
 * Without --storage the data is the SQLite file in the data directory; with a PostgreSQL URL, several
 * platforms (on other ports or hosts) can serve the same data.
 * Prints exactly one line once listening; exits cleanly on SIGTERM/SIGINT. Started as a child with an
 * IPC channel, it also sends `{ type: 'listening', url }` to its parent.
 */
import type { PlatformListening } from './announcement';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_DOCS_PER_PATIENT, DEFAULT_PATIENTS, startPlatform } from './index';

function fail(message: string): never {
  process.stderr.write(`eSanté platform: ${message}\n`);
  process.exit(2);
}

function count(name: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) > max) fail(`--${name} must be an integer between 0 and ${max}`);
  return Number(value);
}

async function main(): Promise<void> {
  // This process writes health data: whatever it creates is its user's alone, even a file a later
  // change forgets to give an explicit mode (the data directory and database already get theirs).
  process.umask(0o077);
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string', default: '8787' },
        host: { type: 'string', default: '127.0.0.1' },
        'data-dir': { type: 'string', default: '.data/platform' },
        storage: { type: 'string' },
        seed: { type: 'string', default: 'demo' },
        patients: { type: 'string' },
        'docs-per-patient': { type: 'string' },
        'care-patients': { type: 'string' },
        'care-days': { type: 'string' },
        'token-ttl': { type: 'string' },
      },
      strict: true,
    }));
  } catch (error) {
    fail((error as Error).message);
  }
  if (values.seed !== 'demo' && values.seed !== 'none') fail('--seed must be "demo" or "none"');
  const storage = values.storage;
  if (storage !== undefined && !/^postgres(ql)?:\/\/[^\s]+$/.test(storage))
    fail('--storage must be a PostgreSQL URL, postgres://USER@HOST[:PORT]/DATABASE (omit it for the SQLite file in --data-dir)');
  const platform = await startPlatform({
    port: count('port', values.port, 8787, 65535),
    host: values.host!,
    dataDir: resolve(values['data-dir']!),
    ...(storage !== undefined ? { storage } : {}),
    seed: values.seed,
    patients: count('patients', values.patients, DEFAULT_PATIENTS, 10_000_000),
    docsPerPatient: count('docs-per-patient', values['docs-per-patient'], DEFAULT_DOCS_PER_PATIENT, 10_000),
    carePatients: count('care-patients', values['care-patients'], 0, 100_000),
    careDays: count('care-days', values['care-days'], 14, 3_650),
    ...(values['token-ttl'] !== undefined ? { accessTokenTtlSeconds: count('token-ttl', values['token-ttl'], 900, 86_400) } : {}),
  });
  process.stdout.write(`eSanté platform listening on ${platform.url}\n`);
  process.send?.({ type: 'listening', url: platform.url } satisfies PlatformListening);

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    platform.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`eSanté platform: error while stopping: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // A parent that dies or closes the IPC channel takes the platform with it.
  process.on('disconnect', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`eSanté platform: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
