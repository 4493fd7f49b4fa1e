/** `npm run bench`: runs every bench section and prints one table. Not part of the test run. */
import { printTable, type BenchRow } from './bench-table';
import { benchClientSync } from './client-sync.bench';
import { benchDsp } from './dsp.bench';
import { benchMessaging } from './messaging.bench';
import { benchPlatform } from './platform.bench';

const sections: Array<[string, () => Promise<BenchRow[]>]> = [
  ['platform', benchPlatform],
  ['client sync', benchClientSync],
  ['messaging', benchMessaging],
  ['DSP', benchDsp],
];

const rows: BenchRow[] = [];
for (const [name, bench] of sections) {
  process.stderr.write(`bench: ${name}…\n`);
  rows.push(...(await bench()));
}
printTable(rows);
