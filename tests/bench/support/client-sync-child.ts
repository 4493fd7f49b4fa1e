/**
 * Bench child: one device's initial sync, alone in its process so its peak RSS is its own. The client
 * core's own pieces — PlatformClient, SyncEngine.pull() and the Store (encrypted SQLCipher cache, or the
 * plain-SQLite baseline) — pull the whole `$changes` feed of the demo user into a new cache.
 *
 * argv: --url FHIR_BASE --cache FILE --mode encrypted|plain [--key HEX] [--role nurse]
 * IPC: sends { type: 'ready', rssMb } after login (before the pull), then { type: 'synced', ms, cpuMs, applied, pages }
 *      (cpuMs: this process's user+system time for the pull);
 *      the parent reads /proc/<pid>/status, then sends { type: 'exit' }.
 */
import { parseArgs } from 'node:util';
import { PlatformClient } from '../../../src-main/core/platform-client';
import { createStore } from '../../../src-main/core/store';
import { SyncEngine } from '../../../src-main/core/sync';
import { demoAccount } from '../../../src-main/platform/seed/demo-accounts';
import type { Role } from '../../../src-shared/domain/roles';
import { procStatusMb } from './measure';
import { createPlainStore } from './plain-store';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    cache: { type: 'string' },
    mode: { type: 'string' },
    key: { type: 'string' },
    role: { type: 'string', default: 'nurse' },
  },
});

async function main(): Promise<void> {
  const store =
    values.mode === 'plain'
      ? createPlainStore(values.cache!)
      : createStore({ path: values.cache!, dataKey: Buffer.from(values.key!, 'hex') });
  const client = new PlatformClient({ fhirBaseUrl: values.url!, timeoutMs: 120_000 });
  const account = demoAccount(values.role as Role);
  await client.login(account.identifier, account.password, account.otp);
  const engine = new SyncEngine(store, client);
  process.send!({ type: 'ready', rssMb: procStatusMb('self', 'VmRSS') });
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  const report = await engine.pull();
  const ms = performance.now() - start;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  process.send!({ type: 'synced', ms, cpuMs, applied: report.applied, pages: report.pages });
  process.on('message', (m: { type?: string }) => {
    if (m.type !== 'exit') return;
    store.close();
    process.exit(0);
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`bench client sync: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
