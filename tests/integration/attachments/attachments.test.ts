import { createHash, randomBytes } from 'node:crypto';
import type { Binary, DocumentReference } from 'fhir/r4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../../src-main/core';
import { blobOf, MAX_DOCUMENT_BYTES } from '../../../src-shared/domain/attachments';
import { createTestClient, loginAs, syncNow } from '../../fixtures/test-client';
import { startTestPlatform, type TestPlatform } from '../../fixtures/test-platform';

// Issue 10, acceptance 1: a 19 MB PDF added offline is accepted, syncs, and opens on a second device
// with equal bytes; 20 MiB + 1 byte is refused at once with the limit named. Real SQLCipher caches, a
// real platform over 127.0.0.1: the bytes travel as a blob in resumable chunks, never inline.
let platform: TestPlatform;
let laptop: Core;
let desktop: Core;

/** A PDF-looking payload of `size` bytes (random after the header, so no compression could cheat). */
function pdf(size: number): Buffer {
  const bytes = randomBytes(size);
  bytes.write('%PDF-1.7\n', 0, 'latin1');
  return bytes;
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

beforeAll(async () => {
  platform = await startTestPlatform({ seed: 'demo' });
  laptop = createTestClient(platform.url);
  desktop = createTestClient(platform.url);
  await loginAs(laptop, 'gp');
  await loginAs(desktop, 'gp');
  await syncNow(laptop);
});
afterAll(async () => {
  await laptop?.close();
  await desktop?.close();
  await platform?.stop().catch(() => {});
});

describe('DSP documents travel as blobs through the attachment queue', () => {
  it('a 19 MB PDF added offline is accepted, syncs, and opens on a second device with equal bytes', async () => {
    const content = pdf(19 * 1000 * 1000);
    const port = platform.port;
    await platform.stop();
    const added = await laptop.desk.dsp.addDocument({
      patientId: 'demo-patient',
      type: '18748-4',
      title: 'IRM lombaire',
      confidentiality: 'N',
      contentType: 'application/pdf',
      data: content.toString('base64'),
    });
    if (!added.ok) throw new Error(JSON.stringify(added.error));
    const session = laptop.sessions.require();
    const doc = session.store.resources.get<DocumentReference>('DocumentReference', added.value.id)!.resource;
    // The document names its Binary; the Binary names the blob; neither carries the bytes.
    expect(doc.content[0]!.attachment).toMatchObject({ contentType: 'application/pdf', size: content.length });
    expect(doc.content[0]!.attachment.data).toBeUndefined();
    const binaryId = doc.content[0]!.attachment.url!.slice('Binary/'.length);
    const binary = session.store.resources.get<Binary>('Binary', binaryId)!.resource;
    expect(binary.data).toBeUndefined();
    expect(blobOf(binary)).toEqual({ sha256: sha256(content), size: content.length });
    // Offline it opens from the cache, and it is still pending.
    const offline = await laptop.desk.dsp.document({ id: added.value.id });
    expect(offline.ok && offline.value.pending).toBe(true);
    expect(offline.ok && Buffer.from(offline.value.data!, 'base64').equals(content)).toBe(true);

    platform = await startTestPlatform({ dataDir: platform.dataDir, port });
    const status = await syncNow(laptop);
    expect(status).toMatchObject({ pending: 0, conflicts: 0 });
    expect(session.store.blobUploads.get(sha256(content))).toMatchObject({ complete: true, confirmed: content.length });

    await syncNow(desktop);
    const opened = await desktop.desk.dsp.document({ id: added.value.id });
    if (!opened.ok) throw new Error(JSON.stringify(opened.error));
    expect(opened.value).toMatchObject({ pending: false, contentType: 'application/pdf', unavailable: null });
    expect(Buffer.from(opened.value.data!, 'base64').equals(content)).toBe(true);
    const desktopStore = desktop.sessions.require().store;
    expect(desktopStore.blobs.verify(sha256(content))).toBe(true);
    expect(desktopStore.integrityCheck()).toEqual({ ok: true, problems: [] });
  });

  it('an evicted blob comes back on demand, visibly: download progress events, then equal bytes', async () => {
    const store = desktop.sessions.require().store;
    const [doc] = store.resources
      .listByType<DocumentReference>('DocumentReference', { limit: 10_000 })
      .filter((d) => d.resource.description === 'IRM lombaire');
    const before = await desktop.desk.dsp.document({ id: doc!.id });
    expect(before.ok).toBe(true);
    // Nothing pins it on this device (it was only read here): the cache may let it go.
    expect(store.blobs.evictToBudget(0).length).toBeGreaterThan(0);
    const progress: { done: number; total: number }[] = [];
    const unsubscribe = desktop.events.subscribe((topic, payload) => {
      if (topic === 'attachments.progress' && (payload as { direction: string }).direction === 'download')
        progress.push(payload as { done: number; total: number });
    });
    const again = await desktop.desk.dsp.document({ id: doc!.id });
    unsubscribe();
    expect(again.ok && again.value.data).toBe(before.ok && before.value.data);
    expect(progress.length).toBeGreaterThan(2);
    expect(progress.at(0)).toMatchObject({ done: 0, total: 19 * 1000 * 1000 });
    expect(progress.at(-1)).toMatchObject({ done: 19 * 1000 * 1000, total: 19 * 1000 * 1000 });
    expect(progress.every((p, i) => i === 0 || p.done > progress[i - 1]!.done)).toBe(true);
  });

  it('20 MiB + 1 byte is refused at once, offline, with the limit named; nothing is kept', async () => {
    const port = platform.port;
    await platform.stop();
    const session = laptop.sessions.require();
    const queuedBefore = session.store.outbox.countUnacked();
    const heldBefore = session.store.blobs.heldBytes();
    const refused = await laptop.desk.dsp.addDocument({
      patientId: 'demo-patient',
      type: '18748-4',
      title: 'Trop grand',
      confidentiality: 'N',
      contentType: 'application/pdf',
      data: pdf(MAX_DOCUMENT_BYTES + 1).toString('base64'),
    });
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', field: 'data', message: expect.stringContaining('20 MiB (20971520 bytes)') },
    });
    expect(session.store.outbox.countUnacked()).toBe(queuedBefore);
    expect(session.store.blobs.heldBytes()).toBe(heldBefore);
    // Exactly 20 MiB is accepted.
    const accepted = await laptop.desk.dsp.addDocument({
      patientId: 'demo-patient',
      type: '18748-4',
      title: 'Juste à la limite',
      confidentiality: 'N',
      contentType: 'application/pdf',
      data: pdf(MAX_DOCUMENT_BYTES).toString('base64'),
    });
    expect(accepted.ok).toBe(true);
    platform = await startTestPlatform({ dataDir: platform.dataDir, port });
    expect(await syncNow(laptop)).toMatchObject({ pending: 0, conflicts: 0 });
  });

  it('the seeded imaging report (its PDF in a separate Binary) opens with its PDF on the second device', async () => {
    const report = await desktop.desk.dsp.document({ id: 'dsp-demo-patient-18748-4' });
    if (!report.ok) throw new Error(JSON.stringify(report.error));
    expect(Buffer.from(report.value.data!, 'base64').subarray(0, 5).toString()).toBe('%PDF-');
  });
});
