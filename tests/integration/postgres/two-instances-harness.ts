/** Two platform instances on one new PostgreSQL database of the run's cluster (tests/fixtures/postgres-cluster.ts). */
import { inject } from 'vitest';
import { createTestDatabase } from '../../fixtures/postgres-cluster';
import { startPlatformProcess, type PlatformProcess } from '../../fixtures/platform-process';
import { startTestPlatform, type TestPlatform } from '../platform/platform-harness';

export async function startTwoInstances(): Promise<[TestPlatform, TestPlatform]> {
  const storage = await createTestDatabase(inject('postgresServerUrl'));
  const options = { seed: 'none', storage } as const;
  const a = await startTestPlatform(options);
  return [a, await startTestPlatform(options)];
}

/**
 * Two `npm run platform -- --storage postgres://…` processes (platform-process.ts) on one new database of the
 * run's cluster, both seeded from `seed` (the second waits for the first one's seed). `restart(instance)` stops
 * one and starts it again on its port and the same database: a client pointed at it finds it where it was.
 */
export async function startTwoInstanceProcesses(
  seed: 'demo' | 'none',
  extraArgs: string[] = [],
): Promise<{ a: PlatformProcess; b: PlatformProcess; restart(instance: PlatformProcess): Promise<PlatformProcess> }> {
  const args = ['--storage', await createTestDatabase(inject('postgresServerUrl')), ...extraArgs];
  const a = await startPlatformProcess(seed, args);
  const b = await startPlatformProcess(seed, args);
  return {
    a,
    b,
    async restart(instance) {
      await instance.stop();
      return startPlatformProcess(seed, [...args, '--port', String(instance.port)]);
    },
  };
}
