/** Small statistics and /proc readings shared by the bench sections. */
import { readFileSync } from 'node:fs';

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Nearest-rank percentile (p in 0..100) of a non-empty sample. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

/** A field of /proc/<pid>/status in MiB (VmHWM: peak resident set; VmRSS: current). */
export function procStatusMb(pid: number | 'self', field: 'VmHWM' | 'VmRSS'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1];
  return kb === undefined ? Number.NaN : Number(kb) / 1024;
}

/** Peak RSS of a process so far (VmHWM), in MiB. */
export const peakRssMb = (pid: number | 'self') => procStatusMb(pid, 'VmHWM');

/** Runs `fn` and returns its wall time in milliseconds. */
export async function timeMs(fn: () => unknown): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/** Row builder bound to one section. */
export function rowsFor(section: string) {
  const rows: { section: string; metric: string; value: number; unit: string; note?: string }[] = [];
  const row = (metric: string, value: number, unit: string, note?: string) => {
    rows.push({ section, metric, value, unit, ...(note ? { note } : {}) });
  };
  return { rows, row };
}

/** Times `run` `count` times (ms each) after `warm` untimed calls that fill the statement and page caches. */
export function latencies(count: number, run: (i: number) => unknown, warm = 10): number[] {
  for (let i = 0; i < warm; i++) run(i);
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    run(i);
    samples.push(performance.now() - start);
  }
  return samples;
}
