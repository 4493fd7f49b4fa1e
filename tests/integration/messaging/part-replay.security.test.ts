/**
 * Threat (issue 9): an encrypted part the sender signed for one message, replayed inside another
 * envelope — an attachment of an earlier message in place of the new one's, or a whole earlier body
 * (with its attachments) under a new envelope id and date. Every part verified, so the recipient saw a
 * valid signature. The signed body now names its envelope and the hash of each attachment.
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
const encoder = new TextEncoder();
/** The parts of one genuine, earlier message. */
let earlier: { id: string; body: Uint8Array; attachment: Uint8Array };

beforeAll(async () => {
  platform = await startTestPlatform({ seed: 'none' });
  gp = createTestClient(platform.url);
  await loginAs(gp, 'gp');
  await syncNow(gp);
  sender = await directSender(platform.url);
  const id = randomUUID();
  const scan = encoder.encode('Résultat : INR 2,1 — dose inchangée.');
  earlier = {
    id,
    body: await sender.encrypt(
      sealedBody(id, 'INR', 'Résultat en pièce jointe.', [{ name: 'inr.txt', contentType: 'text/plain', bytes: scan }]),
    ),
    attachment: await sender.encrypt(scan),
  };
  await sender.post([earlier.body, earlier.attachment], id);
});
afterAll(async () => {
  await gp?.close();
  await platform?.stop();
});

describe('a part replayed from another message', () => {
  it('the genuine earlier message verifies', async () => {
    await syncNow(gp);
    expect(await gp.desk.mailbox.open({ id: earlier.id })).toMatchObject({ ok: true, value: { signature: 'valid' } });
  });

  it("an earlier message's attachment in place of this one's is a visible integrity failure", async () => {
    const id = randomUUID();
    const today = encoder.encode('Résultat : INR 4,8 — arrêter la coumarine 2 jours.');
    const body = sealedBody(id, 'INR', 'Résultat en pièce jointe.', [
      { name: 'inr.txt', contentType: 'text/plain', bytes: today },
    ]);
    await sender.post([await sender.encrypt(body), earlier.attachment], id);

    await syncNow(gp);
    expect(await gp.desk.mailbox.open({ id })).toMatchObject({ ok: true, value: { signature: 'invalid' } });
  });

  it('an earlier body and its attachment under a new envelope are a visible integrity failure', async () => {
    const id = await sender.post([earlier.body, earlier.attachment]);

    await syncNow(gp);
    expect(await gp.desk.mailbox.open({ id })).toMatchObject({ ok: true, value: { signature: 'invalid' } });
  });
});
