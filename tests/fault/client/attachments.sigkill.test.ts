/**
 * Issue 10, acceptance 2 — attachments under SIGKILL. Two devices of the demo GP: a laptop adds PDF
 * documents (each 4.5 MiB: five 1 MiB upload chunks, two ranged GETs of up to 4 MiB) and is killed during their
 * chunked uploads; a desktop opens them and is killed during their chunked downloads. Each kill is
 * placed on a phase signal of the child (tests/fault/support/blob-runner.ts): before a chunk leaves,
 * once the platform answered it (not yet recorded), once its confirmed offset is recorded; before a
 * ranged GET leaves, once the range arrived (not yet stored), once it is stored — each at its 1st to
 * 4th occurrence in the launch. No timer decides where a kill lands.
 *
 * After every kill: the cache passes integrity_check. Across launches: every transfer resumes from its
 * last confirmed chunk (an upload's first chunk after a kill starts at the offset last recorded, or one
 * chunk further when the platform's answer was lost with the kill; a download resumes exactly at the
 * bytes stored). At the end: every blob is stored once, with its hash, on the platform and on both
 * devices, and the desktop shows each document with the bytes the laptop added.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prng } from '../../../src-main/platform/seed/prng';
import { BLOB_CHUNK_BYTES } from '../../../src-shared/domain/attachments';
import { startTestPlatform, type TestPlatform } from '../../fixtures/test-platform';
import { withCache } from '../support/cache-reader';
import { checkPlatformBlobs } from '../support/platform-blobs';
import { BLOB_FAULT_BYTES } from '../support/client-runner-protocol';
import { formatParkTarget, type ParkTarget, type PhasePoint } from '../support/phase-signals';
import { killAllRunners, startRunner, type RunnerLine } from '../support/runner-process';

const SEED = Number(process.env.FAULT_SEED ?? 20261126);
const BLOB_RUNNER = resolve(import.meta.dirname, '../support/blob-runner.ts');
const UPLOAD_POINTS: PhasePoint[] = ['blob:upload-request', 'blob:upload-answered', 'blob:upload-confirmed'];
const DOWNLOAD_POINTS: PhasePoint[] = ['blob:download-request', 'blob:download-received', 'blob:download-stored'];
/** Each point is aimed at its 1st to 4th occurrence: a launch always moves at least four chunks or ranges. */
const OCCURRENCES = 4;

interface Launch {
  mode: 'upload' | 'download';
  aimed: string;
  landed: string;
  lines: RunnerLine[];
}

let platform: TestPlatform;
const laptopDir = mkdtempSync(join(tmpdir(), 'desk-blob-sigkill-laptop-'));
const desktopDir = mkdtempSync(join(tmpdir(), 'desk-blob-sigkill-desktop-'));
const prng = new Prng(SEED);
const launches: Launch[] = [];
const integrityProblems: string[] = [];
let finalUpload: { code: number | null; lines: RunnerLine[]; stderr: string } | undefined;
let finalDownload: { code: number | null; lines: RunnerLine[]; stderr: string } | undefined;

function schedule(points: PhasePoint[]): ParkTarget[] {
  const targets = points.flatMap((point) => Array.from({ length: OCCURRENCES }, (_, i) => ({ point, occurrence: i + 1 })));
  for (let i = targets.length - 1; i > 0; i -= 1) {
    const j = prng.int(0, i);
    [targets[i], targets[j]] = [targets[j]!, targets[i]!];
  }
  return targets;
}

function runnerOf(mode: 'upload' | 'download', run: number, parkAt?: ParkTarget) {
  return startRunner({
    script: BLOB_RUNNER,
    url: platform.url,
    dataDir: mode === 'upload' ? laptopDir : desktopDir,
    run,
    seed: SEED,
    // The last upload launch adds twenty more, so every download launch has at least four ranges to fetch.
    writes: mode === 'download' ? 0 : parkAt ? 1 : 20,
    extra: ['--mode', mode],
    ...(parkAt ? { parkAt } : { final: true }),
  });
}

async function killedLaunch(mode: 'upload' | 'download', run: number, target: ParkTarget): Promise<void> {
  const runner = runnerOf(mode, run, target);
  runner.onLine((line) => {
    if (line.kind === 'PARKED' || line.kind === 'IDLE') runner.kill();
  });
  const exit = await runner.exited;
  if (exit.signal !== 'SIGKILL') throw new Error(`${mode} run ${run} ended without being killed (${exit.code}): ${exit.stderr}`);
  const parked = runner.lines.find((l) => l.kind === 'PARKED');
  launches.push({
    mode,
    aimed: formatParkTarget(target),
    landed: parked ? parked.rest.replace(' ', '#') : 'missed',
    lines: runner.lines,
  });
  const integrity = await withCache(mode === 'upload' ? laptopDir : desktopDir, (store) => store.integrityCheck());
  if (integrity && !integrity.ok) integrityProblems.push(`after ${mode} run ${run}: ${integrity.problems.join('; ')}`);
}

async function finalLaunch(mode: 'upload' | 'download', run: number) {
  const runner = runnerOf(mode, run);
  const exit = await runner.exited;
  launches.push({ mode, aimed: 'final', landed: 'final', lines: runner.lines });
  return { code: exit.code, lines: runner.lines, stderr: exit.stderr };
}

const linesOf = (launch: Launch, kind: string) =>
  launch.lines
    .filter((l) => l.kind === kind)
    .map((l) => {
      const [sha, value] = l.rest.split(' ');
      return { sha: sha!, value: value! };
    });

beforeAll(async () => {
  platform = await startTestPlatform({ seed: 'demo' });
  let run = 0;
  for (const target of schedule(UPLOAD_POINTS)) await killedLaunch('upload', (run += 1), target);
  finalUpload = await finalLaunch('upload', (run += 1));
  for (const target of schedule(DOWNLOAD_POINTS)) await killedLaunch('download', (run += 1), target);
  finalDownload = await finalLaunch('download', run + 1);
}, 900_000);

afterAll(async () => {
  killAllRunners();
  await platform?.stop();
  rmSync(laptopDir, { recursive: true, force: true });
  rmSync(desktopDir, { recursive: true, force: true });
});

describe('attachments under SIGKILL (chunked uploads and downloads resume, nothing stored twice or wrong)', () => {
  it('the client was killed at least 20 times during chunked transfers, each time exactly where aimed', () => {
    const kills = launches.filter((l) => l.aimed !== 'final');
    expect(kills.length).toBeGreaterThanOrEqual(20);
    expect(kills.filter((k) => k.landed !== k.aimed)).toEqual([]);
    expect(kills.filter((k) => k.mode === 'upload').length).toBeGreaterThanOrEqual(10);
    expect(kills.filter((k) => k.mode === 'download').length).toBeGreaterThanOrEqual(10);
  });

  it('after every kill the cache passes integrity_check', () => {
    expect(integrityProblems).toEqual([]);
  });

  it('an upload resumes from its last confirmed chunk, never resending what the platform confirmed', () => {
    const lastConfirmed = new Map<string, number>();
    const violations: string[] = [];
    let resumedMidway = 0;
    for (const [index, launch] of launches.filter((l) => l.mode === 'upload').entries()) {
      const seen = new Set<string>();
      for (const line of launch.lines) {
        const [sha, value] = line.rest.split(' ');
        if (line.kind === 'CHUNK' && !seen.has(sha!)) {
          seen.add(sha!);
          const resumeAt = Number(value);
          const recorded = lastConfirmed.get(sha!) ?? 0;
          // One chunk further is the platform's answer lost with the kill (it says so when asked).
          if (resumeAt < recorded || resumeAt > recorded + BLOB_CHUNK_BYTES)
            violations.push(`upload launch ${index + 1}: ${sha!.slice(0, 8)} resumed at ${resumeAt}, last recorded ${recorded}`);
          if (resumeAt > 0) resumedMidway += 1;
        }
        if (line.kind === 'CONFIRMED') lastConfirmed.set(sha!, Math.max(lastConfirmed.get(sha!) ?? 0, Number(value)));
      }
    }
    expect(violations).toEqual([]);
    expect(resumedMidway).toBeGreaterThan(0);
  });

  it('a download resumes exactly at the bytes already stored', () => {
    const stored = new Map<string, number>();
    const violations: string[] = [];
    let resumedMidway = 0;
    for (const [index, launch] of launches.filter((l) => l.mode === 'download').entries()) {
      const seen = new Set<string>();
      for (const line of launch.lines) {
        const [sha, value] = line.rest.split(' ');
        if (line.kind === 'RANGE' && !seen.has(sha!)) {
          seen.add(sha!);
          const expected = stored.get(sha!) ?? 0;
          if (Number(value) !== expected)
            violations.push(`download launch ${index + 1}: ${sha!.slice(0, 8)} resumed at ${value}, ${expected} were stored`);
          if (expected > 0) resumedMidway += 1;
        }
        if (line.kind === 'STORED') stored.set(sha!, Number(value));
      }
    }
    expect(violations).toEqual([]);
    expect(resumedMidway).toBeGreaterThan(0);
  });

  it('after the kills, the laptop uploads everything and the desktop shows every document with the bytes added', () => {
    expect(finalUpload, finalUpload?.stderr).toMatchObject({ code: 0 });
    expect(JSON.parse(finalUpload!.lines.find((l) => l.kind === 'DONE')!.rest)).toEqual({ pending: 0, conflicts: 0 });
    expect(finalDownload, finalDownload?.stderr).toMatchObject({ code: 0 });
    const shaOfAdded = new Map(launches.flatMap((l) => linesOf(l, 'ACK')).map((a) => [a.sha, a.value])); // docId → sha256
    const intended = launches.flatMap((l) => linesOf(l, 'INTENT')).map((i) => i.sha);
    const shaOpened = new Map(linesOf({ lines: finalDownload!.lines } as Launch, 'OPENED').map((o) => [o.sha, o.value]));
    // Every document acknowledged to the user is shown on the other device with its very bytes.
    // (A launch may be killed resuming the previous launch's upload before it adds its own document.)
    expect(shaOfAdded.size).toBeGreaterThanOrEqual(4);
    for (const [docId, sha] of shaOfAdded) expect(shaOpened.get(docId), `document ${docId}`).toBe(sha);
    // A document killed before its ACK may exist or not; if it does, it shows the bytes intended.
    for (const sha of shaOpened.values()) expect(intended).toContain(sha);
  });

  it('every blob is stored once, with its hash, on the platform and on both devices', async () => {
    const stored = checkPlatformBlobs(platform.dataDir);
    expect(stored.problems).toEqual([]);
    for (const ack of launches.flatMap((l) => linesOf(l, 'ACK'))) expect(stored.blobs.get(ack.value)).toBe(BLOB_FAULT_BYTES);
    for (const dir of [laptopDir, desktopDir]) {
      const state = await withCache(dir, (store) => ({
        integrity: store.integrityCheck(),
        wrong: store.blobs.list().filter((b) => b.complete && !store.blobs.verify(b.sha256)),
        partial: store.blobs.list().filter((b) => !b.complete).length,
      }));
      expect(state).toMatchObject({ integrity: { ok: true }, wrong: [], partial: 0 });
    }
  });
});
