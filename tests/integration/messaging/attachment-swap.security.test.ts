/**
 * Threat (issue 9): the signature covered the body, which listed each attachment's name, type and size
 * but no hash, so whoever can alter an envelope on the platform could swap an attachment's encrypted part
 * for another part the same sender once signed (same size or not) and the recipient saw a valid signature.
 * Each attachment's SHA-256 is now inside the signed body and checked when the message is opened.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../../src-main/core';
import { createTestClient, loginAs, syncNow } from '../../fixtures/test-client';
import { startTestPlatform, type TestPlatform } from '../../fixtures/test-platform';
import { directSender, sealedBody, type DirectSender } from './support/direct-sender';

let platform: TestPlatform;
let gp: Core;
let sender: DirectSender;

beforeAll(async () => {
  platform = await startTestPlatform({ seed: 'none' });
  gp = createTestClient(platform.url);
  await loginAs(gp, 'gp');
  await syncNow(gp);
  sender = await directSender(platform.url);
});
afterAll(async () => {
  await gp?.close();
  await platform?.stop();
});

const encoder = new TextEncoder();

describe('an attachment part swapped for another', () => {
  it('is a visible integrity failure, and its content is not handed out', async () => {
    const prescription = encoder.encode('Ordonnance : amoxicilline 1 g, 3 × par jour, 7 jours.');
    const swapped = encoder.encode('Ordonnance : amoxicilline 1 g, 1 × par jour, 70 jours.'); // same size
    const id = randomUUID();
    const body = sealedBody(id, 'Ordonnance', 'Ci-joint.', [
      { name: 'ordonnance.txt', contentType: 'text/plain', bytes: prescription },
    ]);
    await sender.post([await sender.encrypt(body), await sender.encrypt(swapped)], id);

    await syncNow(gp);
    const opened = await gp.desk.mailbox.open({ id });
    expect(opened.ok, JSON.stringify(opened)).toBe(true);
    if (!opened.ok) return;
    expect(opened.value.signature).toBe('invalid');
    const attachment = await gp.desk.mailbox.attachment({ id, index: 0 });
    expect(attachment.ok).toBe(false);
  });

  it('an untouched message with an attachment still verifies, and its attachment opens', async () => {
    const report = encoder.encode('Compte rendu : plaie propre, pansement refait.');
    const id = randomUUID();
    const body = sealedBody(id, 'Compte rendu', 'Ci-joint.', [{ name: 'cr.txt', contentType: 'text/plain', bytes: report }]);
    await sender.post([await sender.encrypt(body), await sender.encrypt(report)], id);

    await syncNow(gp);
    const opened = await gp.desk.mailbox.open({ id });
    expect(opened).toMatchObject({ ok: true, value: { signature: 'valid', subject: 'Compte rendu', body: 'Ci-joint.' } });
    const attachment = await gp.desk.mailbox.attachment({ id, index: 0 });
    expect(attachment).toMatchObject({ ok: true, value: { name: 'cr.txt', data: Buffer.from(report).toString('base64') } });
  });
});
