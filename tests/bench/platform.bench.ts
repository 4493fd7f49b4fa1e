/**
 * Platform bench: a child platform seeded with ≥100,000 resources, then HTTP load with autocannon
 * (reads, searches, creates: throughput and p50/p99 latency), a full `$changes` pull, and the
 * child's peak RSS (VmHWM from /proc; the loads run on a fresh child, not the one that seeded). The same on PostgreSQL (a cluster of the bench's own, fsync on,
 * as in production), plus creates/s through two instances sharing the database.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';
import { CHANGES_HAS_MORE_URL, CHANGES_NEXT_CURSOR_URL } from '../../src-shared/domain/fhir-sync';
import { demoAccount } from '../../src-main/platform/seed/demo-accounts';
import { startPostgresCluster, createTestDatabase } from '../fixtures/postgres-cluster';
import type { BenchRow } from './bench-table';

const CLI = resolve(import.meta.dirname, '../../src-main/platform/cli.ts');
const PATIENTS = 5000;
const DOCS_PER_PATIENT = 19; // 5,000 × (1 patient + 19 documents) = 100,000 resources, plus the directory
const DURATION_S = 10;
const CONNECTIONS = 10;

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
  return kb === undefined ? Number.NaN : Number(kb) / 1024;
}

function startChild(dataDir: string, storageArgs: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(
    CLI,
    [
      ...storageArgs,
      '--port',
      '0',
      '--data-dir',
      dataDir,
      '--seed',
      'demo',
      '--patients',
      String(PATIENTS),
      '--docs-per-patient',
      String(DOCS_PER_PATIENT),
    ],
    {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    },
  );
  return new Promise((resolveStart, reject) => {
    child.once('exit', (code) => reject(new Error(`platform exited (${code}) before listening`)));
    child.on(
      'message',
      (m: { type?: string; url?: string }) => m.type === 'listening' && m.url && resolveStart({ child, url: m.url }),
    );
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

const pick = (n: number) => `pat-${String(1 + Math.floor(Math.random() * n)).padStart(6, '0')}`;

function observation(n: number): string {
  return JSON.stringify({
    resourceType: 'Observation',
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
    // The demo GP writes for the patient in his care (a care team); others would be refused (403).
    subject: { reference: 'Patient/demo-patient' },
    effectiveDateTime: new Date(Date.UTC(2025, 0, 1) + n * 1000).toISOString(),
    valueQuantity: { value: 60 + (n % 40), unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
  });
}

let created = 0;

/** autocannon options of the creates load against `url`. */
function creates(url: string, headers: Record<string, string>): Parameters<typeof autocannon>[0] {
  return {
    url,
    headers: { ...headers, 'content-type': 'application/fhir+json' },
    requests: [{ method: 'POST', setupRequest: (r) => ({ ...r, path: '/fhir/Observation', body: observation(created++) }) }],
  };
}

/** SQLite, the embedded default. */
export async function benchPlatform(): Promise<BenchRow[]> {
  return benchOn('platform', []);
}

/** PostgreSQL: one instance, then creates/s through two instances on the same database. */
export async function benchPlatformPostgres(): Promise<BenchRow[]> {
  const cluster = await startPostgresCluster({ durable: true });
  try {
    return await benchOn('platform PostgreSQL', ['--storage', await createTestDatabase(cluster.serverUrl)]);
  } finally {
    cluster.stop();
  }
}

async function benchOn(section: string, storageArgs: string[]): Promise<BenchRow[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'esante-bench-platform-'));
  const rows: BenchRow[] = [];
  const row = (metric: string, value: number, unit: string, note?: string) =>
    rows.push({ section, metric, value, unit, ...(note ? { note } : {}) });
  const seedStart = performance.now();
  const seeder = await startChild(dataDir, storageArgs);
  const seedSeconds = (performance.now() - seedStart) / 1000;
  // Seeding's own memory is not the platform's: the loads (and the peak RSS) run on a fresh process
  // started on the seeded data, as a platform restarted on its data directory would.
  await stopChild(seeder.child);
  const { child, url } = await startChild(dataDir, storageArgs);
  const others: ChildProcess[] = [];
  try {
    const root = url.replace(/\/fhir$/, '');
    const account = demoAccount('gp');
    const login = (await (
      await fetch(`${root}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ identifier: account.identifier, password: account.password, otp: account.otp }),
      })
    ).json()) as { access_token: string };
    const headers = { authorization: `Bearer ${login.access_token}` };
    const count = (await (await fetch(`${url}/$changes?_count=1`, { headers })).json()) as fhir4.Bundle;
    void count;
    row(
      'seed + start',
      seedSeconds,
      's',
      `${(PATIENTS * (1 + DOCS_PER_PATIENT)).toLocaleString('en-US')} patients+documents, plus directory`,
    );

    const load = async (name: string, options: Parameters<typeof autocannon>[0], note: string) => {
      const result = await autocannon({ connections: CONNECTIONS, duration: DURATION_S, ...options });
      const failed = result.non2xx + result.errors + result.timeouts;
      row(
        `${name}/s`,
        result.requests.average,
        'req/s',
        `${note}; ${CONNECTIONS} connections${failed ? `; ${failed} failed` : ''}`,
      );
      row(`${name} p50`, result.latency.p50, 'ms');
      row(`${name} p99`, result.latency.p99, 'ms');
    };

    await load(
      'reads',
      { url, headers, requests: [{ method: 'GET', setupRequest: (r) => ({ ...r, path: `/fhir/Patient/${pick(PATIENTS)}` }) }] },
      'GET Patient/{id}, audited',
    );
    await load(
      'searches',
      {
        url,
        headers,
        requests: [
          {
            method: 'GET',
            setupRequest: (r) => ({ ...r, path: `/fhir/DocumentReference?patient=Patient/${pick(PATIENTS)}&_count=20` }),
          },
        ],
      },
      'DocumentReference?patient=…, 19 hits',
    );
    await load(
      'creates',
      creates(url, headers),
      storageArgs.length === 0 ? 'POST Observation, group commit (the log synced off the event loop)' : 'POST Observation',
    );

    // A full $changes pull from scratch, page after page, as a new device would.
    let cursor: string | undefined;
    let pages = 0;
    let entries = 0;
    const pullStart = performance.now();
    const pageMs: number[] = [];
    for (;;) {
      const pageStart = performance.now();
      const page = (await (
        await fetch(`${url}/$changes?_count=500${cursor ? `&cursor=${cursor}` : ''}`, { headers })
      ).json()) as fhir4.Bundle & { extension: fhir4.Extension[] };
      pageMs.push(performance.now() - pageStart);
      pages++;
      entries += page.entry?.length ?? 0;
      cursor = page.extension.find((e) => e.url === CHANGES_NEXT_CURSOR_URL)?.valueString;
      if (!page.extension.find((e) => e.url === CHANGES_HAS_MORE_URL)?.valueBoolean) break;
    }
    const pullSeconds = (performance.now() - pullStart) / 1000;
    row('$changes pages/s', pages / pullSeconds, 'pages/s', `_count=500, ${entries} entries in ${pages} pages (GP scope)`);
    row('$changes entries/s', entries / pullSeconds, 'entries/s');
    pageMs.sort((a, b) => a - b);
    const percentile = (p: number) => pageMs[Math.min(pageMs.length - 1, Math.floor((p / 100) * pageMs.length))]!;
    row('$changes page p50', percentile(50), 'ms', 'one page of 500, one client');
    row('$changes page p99', percentile(99), 'ms');
    row('peak RSS', peakRssMb(child.pid!), 'MiB', 'VmHWM of the platform process serving the loads (seeded by another)');

    if (storageArgs.length > 0) {
      // A second instance on the same database, each taking half the connections: creates/s of both together.
      const second = await startChild(join(dataDir, 'second-instance'), storageArgs);
      others.push(second.child);
      const half = Math.max(1, CONNECTIONS / 2);
      const results = await Promise.all(
        [url, second.url].map((target) => autocannon({ connections: half, duration: DURATION_S, ...creates(target, headers) })),
      );
      const failed = results.reduce((sum, r) => sum + r.non2xx + r.errors + r.timeouts, 0);
      const total = results.reduce((sum, r) => sum + r.requests.average, 0);
      row(
        'creates/s, 2 instances',
        total,
        'req/s',
        `POST Observation through 2 instances on one database, ${half} connections each${failed ? `; ${failed} failed` : ''}`,
      );
      const single = rows.find((r) => r.section === section && r.metric === 'creates/s')!.value;
      row(
        'creates/s, 2 instances / 1',
        total / single,
        '×',
        'scaling of creates with a second instance (same 10 connections, same cores)',
      );
      row('creates p50, 2 instances', Math.max(...results.map((r) => r.latency.p50)), 'ms', 'the slower instance');
      row('creates p99, 2 instances', Math.max(...results.map((r) => r.latency.p99)), 'ms', 'the slower instance');
    }
  } finally {
    for (const platform of [child, ...others]) await stopChild(platform);
    rmSync(dataDir, { recursive: true, force: true });
  }
  return rows;
}
