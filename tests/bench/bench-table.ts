/** One row of `npm run bench` output, and the table printer every bench section shares. */
export interface BenchRow {
  section: string;
  metric: string;
  value: number;
  unit: string;
  note?: string;
}

function format(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  return value.toFixed(Math.abs(value) >= 10 ? 1 : 2);
}

export function printTable(rows: BenchRow[], write: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): void {
  const header = ['section', 'metric', 'value', 'unit', 'note'];
  const cells = rows.map((r) => [r.section, r.metric, format(r.value), r.unit, r.note ?? '']);
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
