/** Parent side of seeded-platform-child.ts: a platform child on 127.0.0.1 in its own temporary data dir. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { forkTs } from './child';

const ENTRY = resolve(import.meta.dirname, 'seeded-platform-child.ts');

export interface SeededPlatform {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export async function startSeededPlatform(options: {
  own?: number;
  owner?: string;
  patients?: number;
  docsPerPatient?: number;
  /** Days of care records for each of the owner's patients (the care bench). */
  careDays?: number;
}): Promise<SeededPlatform> {
  const dataDir = mkdtempSync(join(tmpdir(), 'esante-bench-seeded-'));
  const args = ['--data-dir', dataDir, '--own', String(options.own ?? 0), '--owner', options.owner ?? 'nurse'];
  args.push('--patients', String(options.patients ?? 200), '--docs-per-patient', String(options.docsPerPatient ?? 5));
  if (options.careDays) args.push('--care-days', String(options.careDays));
  const platform = forkTs<{ type: 'listening'; url: string }>(ENTRY, args);
  try {
    const { url } = await platform.next('listening');
    return {
      url,
      pid: platform.pid,
      stop: async () => {
        await platform.stop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await platform.stop();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}
