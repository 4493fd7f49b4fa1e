/**
 * Care bench (issue 11, acceptance 5): a care home of 120 residents × 90 days of care records (≈ 325,000:
 * vital signs three times a day, four doses, two notes; see support/care-resources.ts), whom the demo nurse
 * cares for (a care team each). On 127.0.0.1:
 * - initial sync of the care records into a new encrypted cache, in its own child process (res/s, peak RSS);
 * - a vital-sign chart over 90 days, read from the synced cache (p95; goal ≤ 30 ms);
 * - the medication round of a shift for the 120 residents (p95; goal ≤ 50 ms);
 * - preparing tomorrow's round of 12 patients whose wound photos (40 MB) are not on the device yet (seconds).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AttachmentQueue } from '../../src-main/core/attachments';
import { CareRecords } from '../../src-main/core/care';
import { PlatformClient } from '../../src-main/core/platform-client';
import { openStore } from '../../src-main/core/store';
import { LocalWrites, SyncEngine } from '../../src-main/core/sync';
import { demoAccount } from '../../src-main/platform/seed/demo-accounts';
import { addDays, localDateOf, VITAL_KINDS } from '../../src-shared/domain/care';
import type { BenchRow } from './bench-table';
import { benchPatientId, photoId, PHOTO_BYTES_TOTAL, ROUND_PATIENTS } from './support/care-resources';
import { forkTs } from './support/child';
import { latencies, peakRssMb, percentile, rowsFor } from './support/measure';
import { startSeededPlatform } from './support/seeded-platform';

const SECTION = 'care';
const RESIDENTS = Number(process.env.CARE_BENCH_PATIENTS ?? 120);
const DAYS = Number(process.env.CARE_BENCH_DAYS ?? 90);
const QUERIES = 200;
const SYNC_CHILD = resolve(import.meta.dirname, 'support/client-sync-child.ts');

type SyncMessage = { type: 'ready'; rssMb: number } | { type: 'synced'; ms: number; applied: number; pages: number };

export async function benchCare(): Promise<BenchRow[]> {
  const { rows, row } = rowsFor(SECTION);
  const seedStart = performance.now();
  const platform = await startSeededPlatform({ own: 0, owner: 'nurse', patients: RESIDENTS, docsPerPatient: 1, careDays: DAYS });
  const dir = mkdtempSync(join(tmpdir(), 'esante-bench-care-'));
  try {
    row(
      'seed + start',
      (performance.now() - seedStart) / 1000,
      's',
      `${RESIDENTS} residents × ${DAYS} days of care records via the storage API`,
    );

    const cache = join(dir, 'care.db');
    const key = randomBytes(32);
    const child = forkTs<SyncMessage>(SYNC_CHILD, [
      '--url',
      platform.url,
      '--cache',
      cache,
      '--mode',
      'encrypted',
      '--key',
      key.toString('hex'),
      '--role',
      'nurse',
    ]);
    let synced: Extract<SyncMessage, { type: 'synced' }>;
    let peakMb: number;
    try {
      await child.next('ready');
      synced = await child.next('synced');
      peakMb = peakRssMb(child.pid);
      child.send({ type: 'exit' });
    } finally {
      await child.stop();
    }
    row(
      'initial sync of care records',
      synced.applied / (synced.ms / 1000),
      'res/s',
      `${synced.applied.toLocaleString('en-US')} resources in ${(synced.ms / 1000).toFixed(1)} s, encrypted cache`,
    );
    row('peak RSS during initial sync', peakMb, 'MiB', 'VmHWM of the sync child');

    const store = openStore({ path: cache, dataKey: key });
    try {
      const client = new PlatformClient({ fhirBaseUrl: platform.url, timeoutMs: 120_000 });
      const nurse = demoAccount('nurse');
      await client.login(nurse.identifier, nurse.password, nurse.otp);
      const engine = new SyncEngine(store, client);
      const care = new CareRecords(
        store,
        new LocalWrites(store),
        () => engine,
        () => nurse.userRef,
        // As in the app (active-session.ts): wound photos and DSP contents stored as blobs come through the queue.
        { attachments: new AttachmentQueue(store, client) },
      );
      const today = localDateOf(new Date());
      const from = addDays(today, -DAYS);

      const chart = latencies(QUERIES, (i) => {
        const points = care.chart.vitals(
          benchPatientId(1 + (i % RESIDENTS)),
          VITAL_KINDS[i % VITAL_KINDS.length]!,
          from,
          today,
        ).points;
        if (points.length < DAYS) throw new Error(`a 90-day chart of ${points.length} points`);
      });
      row(
        `vital chart, ${DAYS} days, p50`,
        percentile(chart, 50),
        'ms',
        `care.vitals over ${DAYS} days (${DAYS * 3} points) from the care index; ${QUERIES} charts`,
      );
      row(`vital chart, ${DAYS} days, p95`, percentile(chart, 95), 'ms', 'goal ≤ 30 ms');

      const shifts = ['morning', 'afternoon', 'night'] as const;
      let doses = 0;
      const round = latencies(
        30,
        (i) => {
          doses = Math.max(doses, care.medication.doses(addDays(today, -1 - (i % 7)), shifts[i % 3]!).length);
        },
        3,
      );
      row(
        'medication round, p50',
        percentile(round, 50),
        'ms',
        `one shift for ${RESIDENTS} residents (up to ${doses} doses; 7 days × 3 shifts), expanded from the cached prescriptions`,
      );
      row('medication round, p95', percentile(round, 95), 'ms', 'goal ≤ 50 ms');

      // The round's photos are not on this device yet: preparing fetches them (40 MB) and counts readiness from the cache.
      const tomorrow = addDays(today, 1);
      store.transaction(() => {
        for (let n = 1; n <= ROUND_PATIENTS; n++) {
          const cached = store.resources.versionOf('Binary', photoId(n));
          if (cached) store.resources.markDeleted('Binary', photoId(n), cached.versionId);
        }
      });
      const before = care.preparation.readiness(tomorrow);
      if (before.some((r) => r.ready)) throw new Error('a patient was ready before preparing');
      const start = performance.now();
      const readiness = await care.preparation.prepare(tomorrow, client);
      const seconds = (performance.now() - start) / 1000;
      // The demo seed's own round (the demo patient and the home patients) shares tomorrow with the bench's 12.
      const benchRound = new Set(Array.from({ length: ROUND_PATIENTS }, (_, i) => benchPatientId(i + 1)));
      const prepared = readiness.filter((r) => benchRound.has(r.patientId));
      const notReady = readiness.filter((r) => !r.ready);
      if (prepared.length !== ROUND_PATIENTS || notReady.length > 0)
        throw new Error(
          `prepared ${prepared.length} of the bench's patients, not ready: ${JSON.stringify(notReady.map((r) => r.missing))}`,
        );
      const megabytes = readiness.reduce((sum, r) => sum + r.bytesOnDisk, 0) / (1024 * 1024);
      row(
        'prepare a 12-patient round',
        seconds,
        's',
        `${(PHOTO_BYTES_TOTAL / (1024 * 1024)).toFixed(0)} MB of wound photos fetched; every patient ready, ${megabytes.toFixed(0)} MB on disk for the round`,
      );
    } finally {
      store.close();
    }
  } finally {
    await platform.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
