/**
 * DSP bench (issue 5, acceptance 4). A child platform holds the DSPs of 801 patients whose médecin
 * référent is the demo GP — 100,500 DocumentReferences in all, one patient (`bench-dsp-big`) with
 * exactly 500 — written through the platform's storage API as the seed writes them (référent Consent,
 * Patient, documents created by their author), plus the demo seed. Then, on 127.0.0.1:
 * - initial sync of the demo GP's DSPs into a fresh encrypted cache, each run in its own child process
 *   (client-sync-child.ts, role gp), whose VmHWM is its peak RSS;
 * - over the last synced cache: opening the 500-document DSP (DspRecords.documents) and the patient
 *   list (DspRecords.patients), and full-text search over the documents, rare and common words.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AttachmentQueue } from '../../src-main/core/attachments';
import { DspRecords } from '../../src-main/core/dsp/dsp-records';
import { PlatformClient } from '../../src-main/core/platform-client';
import { openStore } from '../../src-main/core/store';
import { LocalWrites } from '../../src-main/core/sync';
import type { BenchRow } from './bench-table';
import { forkTs } from './support/child';
import { latencies, median, peakRssMb, percentile, rowsFor } from './support/measure';
import { DSP_BIG_PATIENT, DSP_GP, RARE_WORDS } from './support/dsp-resources';

const SECTION = 'DSP';
// Kept under ~1,000 DSP patients: above that the platform's $changes fails for the GP (SQLite "Expression
// tree is too large": sqlite-storage.ts changes() ORs one `(v.type = ? AND v.id = ?)` per DSP patient's
// Patient record). A real GP's list is larger; this bench measures documents, not the patient count.
const PATIENTS = 800;
const DOCS_PER_PATIENT = 125;
const BIG = 500;
const DOCUMENTS = PATIENTS * DOCS_PER_PATIENT + BIG; // 100,500
const RUNS = 3;
const OPENS = 100;
const LISTS = 30;
const SEARCHES = 200;
const PLATFORM_CHILD = resolve(import.meta.dirname, 'support/dsp-platform-child.ts');
const SYNC_CHILD = resolve(import.meta.dirname, 'support/client-sync-child.ts');

type SyncMessage = { type: 'ready'; rssMb: number } | { type: 'synced'; ms: number; applied: number; pages: number };

async function startDspPlatform(): Promise<{ url: string; seeded: number; stop(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'esante-bench-dsp-platform-'));
  const args = [
    '--data-dir',
    dataDir,
    '--patients',
    String(PATIENTS),
    '--docs-per-patient',
    String(DOCS_PER_PATIENT),
    '--big',
    String(BIG),
  ];
  const platform = forkTs<{ type: 'listening'; url: string; seeded: number }>(PLATFORM_CHILD, args);
  const stop = async () => {
    await platform.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const { url, seeded } = await platform.next('listening');
    return { url, seeded, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function syncOnce(url: string, cache: string, key: Buffer) {
  const child = forkTs<SyncMessage>(SYNC_CHILD, [
    '--url',
    url,
    '--cache',
    cache,
    '--mode',
    'encrypted',
    '--key',
    key.toString('hex'),
    '--role',
    'gp',
  ]);
  try {
    const ready = await child.next('ready');
    const synced = await child.next('synced');
    const peakMb = peakRssMb(child.pid); // while the child is alive, before it closes the cache
    child.send({ type: 'exit' });
    return { ...synced, peakMb, beforeMb: ready.rssMb };
  } finally {
    await child.stop();
  }
}

export async function benchDsp(): Promise<BenchRow[]> {
  const { rows, row } = rowsFor(SECTION);
  const seedStart = performance.now();
  const platform = await startDspPlatform();
  const dir = mkdtempSync(join(tmpdir(), 'esante-bench-dsp-'));
  try {
    row(
      'seed + start',
      (performance.now() - seedStart) / 1000,
      's',
      `${DOCUMENTS.toLocaleString('en-US')} DocumentReferences of ${(PATIENTS + 1).toLocaleString('en-US')} patients (référent: demo GP) via the storage API, + demo seed`,
    );

    const runs: Array<Awaited<ReturnType<typeof syncOnce>> & { cache: string; key: Buffer }> = [];
    for (let run = 0; run < RUNS; run++) {
      const cache = join(dir, `gp-${run}.db`);
      const key = randomBytes(32);
      const result = await syncOnce(platform.url, cache, key);
      process.stderr.write(
        `  DSP sync ${run + 1}: ${result.applied} in ${(result.ms / 1000).toFixed(1)} s, peak ${result.peakMb.toFixed(0)} MiB\n`,
      );
      runs.push({ ...result, cache, key });
      if (run < RUNS - 1) for (const suffix of ['', '-wal', '-shm']) rmSync(`${cache}${suffix}`, { force: true });
    }

    const last = runs.at(-1)!;
    const store = openStore({ path: last.cache, dataKey: last.key });
    try {
      const synced = store.dspDocuments.countsByPatient(DSP_GP).reduce((n, r) => n + r.documents, 0);
      if (synced < DOCUMENTS) throw new Error(`the GP's cache holds ${synced} DSP documents, expected ≥ ${DOCUMENTS}`);
      // Documents/s counts the DocumentReferences the pull brought; the feed also carries the Patients,
      // référent Consents and the demo directory (all in `applied`).
      row(
        'initial DSP sync, encrypted',
        median(runs.map((r) => synced / (r.ms / 1000))),
        'docs/s',
        `demo GP, fresh encrypted cache, child process; ${synced.toLocaleString('en-US')} documents (${last.applied.toLocaleString('en-US')} resources, ${last.pages} pages); median of ${RUNS}`,
      );
      row('initial DSP sync time', median(runs.map((r) => r.ms / 1000)), 's', `SyncEngine.pull(); median of ${RUNS}`);
      row(
        'peak RSS during DSP sync',
        median(runs.map((r) => r.peakMb)),
        'MiB',
        `VmHWM of the sync child (${median(runs.map((r) => r.beforeMb)).toFixed(0)} MiB after login, before the pull); median of ${RUNS}`,
      );

      // Opening a timeline reads the cache only: the attachment queue's platform client is never called.
      const offline = new PlatformClient({ fhirBaseUrl: 'http://127.0.0.1:9/fhir' });
      const records = new DspRecords(store, new LocalWrites(store), new AttachmentQueue(store, offline), () => DSP_GP);
      const opened = records.documents({ patientId: DSP_BIG_PATIENT }).length;
      if (opened !== BIG) throw new Error(`the big DSP shows ${opened} documents, expected ${BIG}`);
      const open = latencies(OPENS, () => records.documents({ patientId: DSP_BIG_PATIENT }));
      row(
        'open a DSP of 500 docs p50',
        percentile(open, 50),
        'ms',
        `DspRecords.documents({ patientId }) with ${synced.toLocaleString('en-US')} documents cached; ${OPENS} calls`,
      );
      row('open a DSP of 500 docs p95', percentile(open, 95), 'ms');
      const listed = records.patients().length;
      const list = latencies(LISTS, () => records.patients(), 3);
      row(
        'DSP patient list p50',
        percentile(list, 50),
        'ms',
        `DspRecords.patients(): ${listed.toLocaleString('en-US')} patients; ${LISTS} calls`,
      );
      row('DSP patient list p95', percentile(list, 95), 'ms');

      const common = [
        'metformine',
        'pansement',
        'Hémogramme',
        'ordonnance',
        'HbA1c',
        'hospitalisation',
        'radiographie',
        'cardiologique',
      ];
      const terms = [...RARE_WORDS, ...common];
      const hits = terms.map((t) => `${t} ${store.resources.search(t, 5_000, 'DocumentReference').length}`);
      const fts = latencies(SEARCHES, (i) => store.resources.search(terms[i % terms.length]!, 50, 'DocumentReference'), 24);
      row(
        'DSP full-text search p50',
        percentile(fts, 50),
        'ms',
        `store.resources.search(text, 50, 'DocumentReference'); ${SEARCHES} queries, ${RARE_WORDS.length} rare + ${common.length} common words (matches up to 5,000: ${hits.join(', ')})`,
      );
      row('DSP full-text search p95', percentile(fts, 95), 'ms');
    } finally {
      store.close();
    }
  } finally {
    await platform.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
