/**
 * `npm run bench`: runs every bench section and prints one table. Not part of the test run.
 * `npm run bench -- dsp messaging` runs only the sections whose names contain one of the words;
 * a word starting with "=" names a section exactly (`npm run bench -- =platform`: SQLite alone, not PostgreSQL).
 */
import { printTable, type BenchRow } from './bench-table';
import { benchBlobs } from './blobs.bench';
import { benchCare } from './care.bench';
import { benchClientSync } from './client-sync.bench';
import { benchDsp } from './dsp.bench';
import { benchMessagingCrypto, benchMessagingMailbox } from './messaging.bench';
import { benchPlatform, benchPlatformPostgres } from './platform.bench';
import { benchLibrary, benchSpaces } from './spaces-library.bench';
import { benchRcp } from './rcp.bench';

const sections: Array<[string, () => Promise<BenchRow[]>]> = [
  ['platform', benchPlatform],
  ['platform PostgreSQL', benchPlatformPostgres],
  ['client sync', benchClientSync],
  ['messaging crypto', benchMessagingCrypto],
  ['messaging mailbox', benchMessagingMailbox],
  ['DSP', benchDsp],
  ['spaces', benchSpaces],
  ['library', benchLibrary],
  ['RCP', benchRcp],
  ['blobs', benchBlobs],
  ['care', benchCare],
];

const wanted = process.argv.slice(2).map((word) => word.toLowerCase());
const matches = (name: string, word: string) =>
  word.startsWith('=') ? name.toLowerCase() === word.slice(1) : name.toLowerCase().includes(word);
const chosen = sections.filter(([name]) => wanted.length === 0 || wanted.some((word) => matches(name, word)));
if (chosen.length === 0)
  throw new Error(`no bench section matches ${wanted.join(', ')}; sections: ${sections.map(([n]) => n).join(', ')}`);

const rows: BenchRow[] = [];
for (const [name, bench] of chosen) {
  process.stderr.write(`bench: ${name}…\n`);
  rows.push(...(await bench()));
}
printTable(rows);
