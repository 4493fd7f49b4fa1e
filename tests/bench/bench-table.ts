/** One row of `npm run bench` output, and the table printer every bench section shares. */
export interface BenchRow {
  section: string;
  metric: string;
  value: number;
  unit: string;
  note?: string;
}

/**
 * The goals of issue 10's table, each printed beside the figure it judges (section and metric as the
 * sections name them). A goal is met when the value is on its side of the bound.
 */
export const GOALS: Array<{ section: string; metric: string; at: 'most' | 'least'; bound: number; unit: string }> = [
  { section: 'client sync', metric: 'outbox flush', at: 'least', bound: 1_000, unit: 'ops/s' },
  { section: 'platform', metric: 'reads p99', at: 'most', bound: 10, unit: 'ms' },
  { section: 'platform', metric: 'creates p99', at: 'most', bound: 15, unit: 'ms' },
  { section: 'platform', metric: 'peak RSS', at: 'most', bound: 250, unit: 'MiB' },
  { section: 'messaging crypto', metric: 'encrypt+sign ours / gpg', at: 'most', bound: 0.8, unit: '×' },
  { section: 'messaging crypto', metric: 'decrypt+verify ours / gpg', at: 'most', bound: 0.8, unit: '×' },
  { section: 'DSP', metric: 'open a DSP of 500 docs p95', at: 'most', bound: 10, unit: 'ms' },
  { section: 'DSP', metric: 'DSP patient list p95', at: 'most', bound: 15, unit: 'ms' },
  { section: 'client sync', metric: 'initial sync, encrypted', at: 'least', bound: 15_000, unit: 'res/s' },
  { section: 'client sync', metric: 'encrypted / unencrypted', at: 'most', bound: 1.3, unit: '' },
];

/** "≤ 10 ms: met" (or "not met") for a row the issue sets a goal for; empty otherwise. */
export function goalOf(row: BenchRow): string {
  const goal = GOALS.find((g) => g.section === row.section && g.metric === row.metric);
  if (!goal) return '';
  const met = goal.at === 'most' ? row.value <= goal.bound : row.value >= goal.bound;
  const bound = `${goal.at === 'most' ? '≤' : '≥'} ${goal.bound.toLocaleString('en-US')}${goal.unit ? ` ${goal.unit}` : ''}`;
  return `${bound}: ${met ? 'met' : 'NOT met'}`;
}

function format(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  return value.toFixed(Math.abs(value) >= 10 ? 1 : 2);
}

export function printTable(rows: BenchRow[], write: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): void {
  const header = ['section', 'metric', 'value', 'unit', 'goal (issue 10)', 'note'];
  const cells = rows.map((r) => [r.section, r.metric, format(r.value), r.unit, goalOf(r), r.note ?? '']);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) =>
    c
      .map((v, i) => (i === 2 ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  write(line(header));
  write(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const c of cells) write(line(c));
}
