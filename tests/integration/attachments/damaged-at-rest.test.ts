/**
 * Bytes damaged at rest in the cache never complete an upload under their address (issue 10): the queue
 * hashes the chunks as it sends them and does not send the last one when the hash differs, so the
 * platform never stores (nor lets a Binary name) a blob under that hash; the record waits in the outbox.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../../src-main/core';
import { openTestStorage } from '../../fixtures/test-storage';
import { createTestClient, loginAs } from '../../fixtures/test-client';
import { startTestPlatform, type TestPlatform } from '../../fixtures/test-platform';

let platform: TestPlatform;
let laptop: Core;
const content = randomBytes(2 * 1024 * 1024 + 17);
content.write('%PDF-1.7\n', 0, 'latin1');
const sha256 = createHash('sha256').update(content).digest('hex');

beforeAll(async () => {
  platform = await startTestPlatform({ seed: 'demo' });
  laptop = createTestClient(platform.url);
  await loginAs(laptop, 'gp');
  await laptop.sessions.require().worker.stop();
});
afterAll(async () => {
  await laptop?.close();
  await platform?.stop();
});

describe('an attachment whose cached bytes were damaged', () => {
  it('is not completed on the platform: the last chunk is never sent, the error names the attachment', async () => {
    const added = await laptop.desk.dsp.addDocument({
      patientId: 'demo-patient',
      type: '18748-4',
      title: 'Scanner abîmé',
      confidentiality: 'N',
      contentType: 'application/pdf',
      data: content.toString('base64'),
    });
    if (!added.ok) throw new Error(JSON.stringify(added.error));
    const session = laptop.sessions.require();
    // One byte of the second chunk flipped inside the encrypted cache (as a failing disk would).
    const sql = (session.store.blobs as unknown as { sql: { prepare(q: string): { run(...a: unknown[]): unknown } } }).sql;
    sql
      .prepare('UPDATE blob_chunks SET bytes = ? WHERE sha256 = ? AND offset = ?')
      .run(
        Buffer.concat([Buffer.from([content[1024 * 1024]! ^ 0xff]), content.subarray(1024 * 1024 + 1, 2 * 1024 * 1024)]),
        sha256,
        1024 * 1024,
      );

    await expect(session.attachments.uploadPending()).rejects.toThrow(/no longer match their hash/);
    const storage = await openTestStorage(platform.dataDir);
    try {
      expect(await storage.read((tx) => tx.blobSize(sha256))).toBeUndefined();
    } finally {
      await storage.close();
    }
    expect(session.store.blobUploads.get(sha256)?.complete).toBe(false);
    expect(session.store.outbox.unackedFor(`DocumentReference/${added.value.id}`).length).toBeGreaterThan(0);
  });
});
