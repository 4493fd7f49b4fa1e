/**
 * Issue 10, acceptance 2 — attachments through a faulty network. Two devices of the demo GP reach the
 * platform through the fault proxy (tests/fault/support/fault-proxy.ts), which drops (the platform
 * answered, the client never hears it), duplicates (sent twice upstream) or refuses (503) upload chunks
 * and ranged GETs of Binary bytes, from a seeded deck — no timer involved. The laptop adds three PDFs
 * and uploads them; the desktop opens them. Each transfer is retried after every fault until done.
 *
 * Promised: every chunk sent after a fault starts at the platform's confirmed offset (never below what
 * the client recorded as confirmed), every download resumes at the bytes stored, the desktop shows the
 * bytes the laptop added, and each blob is stored once with its hash on the platform and both caches.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../../src-main/core';
import type { ActiveSession } from '../../../src-main/core/session/active-session';
import { BLOB_CHUNK_BYTES } from '../../../src-shared/domain/attachments';
import { createTestClient, loginAs } from '../../fixtures/test-client';
import { startTestPlatform, type TestPlatform } from '../../fixtures/test-platform';
import { FaultProxy } from '../support/fault-proxy';
import { checkPlatformBlobs } from '../support/platform-blobs';

const SEED = Number(process.env.FAULT_SEED ?? 20261126);
const DOCUMENTS = 3;
const SIZE = 3 * BLOB_CHUNK_BYTES + 12_345;
/** Attempts per transfer before the test gives up (each fault costs one). */
const ATTEMPTS = 60;

let platform: TestPlatform;
let proxy: FaultProxy;
let laptop: Core;
let desktop: Core;
const added = new Map<string, string>(); // document id → SHA-256 of its bytes
const opened = new Map<string, string>();
/** Each chunk sent: where it starts, and the offset the platform last stated for that upload (its answers). */
const chunkLog: { sha: string; offset: number; platformSaid: number | undefined }[] = [];
/** Each status asked after a fault: whether the platform held more than the client had recorded. */
const statusLog: { recorded: number; platform: number }[] = [];
const rangeLog: { sha: string; offset: number; heldBefore: number }[] = [];
let uploadAttempts = 0;
let openAttempts = 0;

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Records, for every chunk and range request, where it starts and what the platform or the cache said before it. */
function observe(session: ActiveSession): void {
  const { client, store } = session;
  const platformSaid = new Map<string, number>(); // upload id → offset in the platform's last answer
  const shaOf = (uploadId: string) => store.blobUploads.pending().find((u) => u.uploadId === uploadId)?.sha256 ?? '?';
  const startUpload = client.startUpload.bind(client);
  client.startUpload = (async (blob: Parameters<typeof startUpload>[0]) => {
    const started = await startUpload(blob);
    platformSaid.set(started.uploadId, started.confirmed);
    return started;
  }) as typeof client.startUpload;
  const uploadStatus = client.uploadStatus.bind(client);
  client.uploadStatus = (async (uploadId: string) => {
    const status = await uploadStatus(uploadId);
    platformSaid.set(uploadId, status.confirmed);
    statusLog.push({ recorded: store.blobUploads.get(shaOf(uploadId))?.confirmed ?? -1, platform: status.confirmed });
    return status;
  }) as typeof client.uploadStatus;
  const uploadChunk = client.uploadChunk.bind(client);
  client.uploadChunk = (async (uploadId: string, offset: number, bytes: Buffer, total: number) => {
    chunkLog.push({ sha: shaOf(uploadId), offset, platformSaid: platformSaid.get(uploadId) });
    const answer = await uploadChunk(uploadId, offset, bytes, total);
    platformSaid.set(uploadId, answer.confirmed);
    return answer;
  }) as typeof client.uploadChunk;
  const downloadRange = client.downloadRange.bind(client);
  client.downloadRange = (async (binaryId: string, offset: number, length: number) => {
    const partial = store.blobs.list().filter((b) => !b.complete);
    rangeLog.push({ sha: binaryId, offset, heldBefore: partial.reduce((n, b) => n + b.held, 0) });
    return downloadRange(binaryId, offset, length);
  }) as typeof client.downloadRange;
}

beforeAll(async () => {
  platform = await startTestPlatform({ seed: 'demo' });
  proxy = new FaultProxy({
    upstream: new URL(platform.url).origin,
    seed: SEED,
    weights: { pass: 3, drop: 2, duplicate: 2, error503: 1 },
    faultPaths: ['/blobs/', '/fhir/Binary/'],
  });
  await proxy.start();
  laptop = createTestClient(proxy.fhirUrl);
  desktop = createTestClient(proxy.fhirUrl);
  await loginAs(laptop, 'gp');
  await loginAs(desktop, 'gp');
  const sending = laptop.sessions.require();
  const receiving = desktop.sessions.require();
  // The test drives every transfer itself, attempt after attempt (the worker would wait out a backoff).
  await sending.worker.stop();
  await receiving.worker.stop();
  await sending.engine.pull();
  observe(sending);
  observe(receiving);

  for (let i = 0; i < DOCUMENTS; i += 1) {
    const bytes = randomBytes(SIZE);
    bytes.write('%PDF-1.7\n', 0, 'latin1');
    const result = await laptop.desk.dsp.addDocument({
      patientId: 'demo-patient',
      type: '18748-4',
      title: `proxy ${i}`,
      confidentiality: 'N',
      contentType: 'application/pdf',
      data: bytes.toString('base64'),
    });
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    added.set(result.value.id, sha256(bytes));
  }
  for (;;) {
    uploadAttempts += 1;
    if (uploadAttempts > ATTEMPTS * DOCUMENTS) throw new Error('the uploads did not complete');
    try {
      await sending.attachments.uploadPending();
      break;
    } catch {
      // a fault: the next attempt resumes from what the platform confirmed
    }
  }
  // The records (the Binary PUTs meet the proxy too) go once their blobs are up; replays are safe by op id.
  for (let attempt = 0; sending.store.outbox.countUnacked() > 0; attempt += 1) {
    if (attempt > ATTEMPTS) throw new Error('the documents were not pushed');
    await sending.engine.push();
  }
  if (sending.store.quarantine.list().length > 0) throw new Error(JSON.stringify(sending.store.quarantine.list()));

  await receiving.engine.pull();
  for (const id of added.keys()) {
    for (;;) {
      openAttempts += 1;
      if (openAttempts > ATTEMPTS * DOCUMENTS) throw new Error(`document ${id} did not open`);
      const result = await desktop.desk.dsp.document({ id });
      if (result.ok && result.value.data !== null) {
        opened.set(id, sha256(Buffer.from(result.value.data, 'base64')));
        break;
      }
    }
  }
}, 300_000);

afterAll(async () => {
  await laptop?.close();
  await desktop?.close();
  await proxy?.stop();
  await platform?.stop();
});

describe('attachments through dropped, duplicated and refused chunk requests', () => {
  it('the proxy dropped and duplicated upload chunks and ranged GETs', () => {
    expect(proxy.byRequest.get('PUT uploads') ?? 0).toBeGreaterThanOrEqual(2);
    expect(proxy.byRequest.get('GET Binary') ?? 0).toBeGreaterThanOrEqual(2);
    expect(proxy.counts.drop).toBeGreaterThan(0);
    expect(proxy.counts.duplicate).toBeGreaterThan(0);
    expect(uploadAttempts).toBeGreaterThan(1);
    expect(openAttempts).toBeGreaterThan(DOCUMENTS);
  });

  it('every chunk starts at the offset the platform confirmed last; after a lost answer the client asks, never guesses', () => {
    expect(chunkLog.length).toBeGreaterThanOrEqual(DOCUMENTS * 4);
    expect(chunkLog.filter((c) => c.offset !== c.platformSaid)).toEqual([]);
    // A dropped answer: the platform held the chunk the client had not recorded, and the client skipped it.
    expect(statusLog.some((s) => s.platform > s.recorded)).toBe(true);
    expect(statusLog.filter((s) => s.platform < s.recorded)).toEqual([]);
  });

  it('every download resumes at the bytes stored, never fetching a stored byte again', () => {
    expect(rangeLog.filter((r) => r.offset !== r.heldBefore)).toEqual([]);
  });

  it('the second device shows every document with the bytes added', () => {
    expect(opened).toEqual(added);
  });

  it('each blob is stored once, with its hash, on the platform and in both caches', () => {
    const stored = checkPlatformBlobs(platform.dataDir);
    expect(stored.problems).toEqual([]);
    for (const sha of added.values()) expect(stored.blobs.get(sha)).toBe(SIZE);
    for (const core of [laptop, desktop]) {
      const store = core.sessions.require().store;
      const blobs = store.blobs.list().filter((b) => [...added.values()].includes(b.sha256));
      expect(blobs.map((b) => ({ complete: b.complete, verified: store.blobs.verify(b.sha256) }))).toEqual(
        [...added.values()].map(() => ({ complete: true, verified: true })),
      );
      expect(store.integrityCheck()).toEqual({ ok: true, problems: [] });
    }
  });
});
