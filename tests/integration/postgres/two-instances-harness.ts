/** Two platform instances on one new PostgreSQL database of the run's cluster (tests/fixtures/postgres-cluster.ts). */
import { inject } from 'vitest';
import { createTestDatabase } from '../../fixtures/postgres-cluster';
import { startTestPlatform, type TestPlatform } from '../platform/platform-harness';

export async function startTwoInstances(): Promise<[TestPlatform, TestPlatform]> {
  const storage = await createTestDatabase(inject('postgresServerUrl'));
  const options = { seed: 'none', storage } as const;
  const a = await startTestPlatform(options);
  return [a, await startTestPlatform(options)];
}
