/**
 * Threat (issue 9): the decrypted body was trusted as it came. A signed body whose attachment list had
 * the wrong shape was stored as is, and from then on listing the inbox failed its output check: one
 * message sent by anyone with a published key made the mailbox unusable. The body is now checked against
 * the shared schema; one that fails is listed as unreadable, and the rest of the mailbox works.
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

const MALFORMED: Array<[string, (id: string) => unknown]> = [
  [
    'an attachment whose name is a number',
    (id) => ({ v: 1, messageId: id, subject: 'a', body: 'b', attachments: [{ name: 5, contentType: 'x', size: -1 }] }),
  ],
  [
    'an attachment list that is not a list',
    (id) => ({ v: 2, messageId: id, subject: 'a', body: 'b', attachments: 'all of them' }),
  ],
  ['a subject that is not text', (id) => ({ v: 2, messageId: id, subject: { html: '<b>' }, body: 'b', attachments: [] })],
  [
    'an attachment without its hash',
    (id) => ({
      v: 2,
      messageId: id,
      subject: 'a',
      body: 'b',
      attachments: [{ name: 'x.pdf', contentType: 'application/pdf', size: 3 }],
    }),
  ],
  ['a version we do not know', (id) => ({ v: 99, messageId: id, subject: 'a', body: 'b', attachments: [] })],
];

describe('a decrypted body of the wrong shape', () => {
  it.each(MALFORMED)('with %s is listed as unreadable, and the inbox still lists', async (_name, make) => {
    const id = randomUUID();
    const part = await sender.encrypt(new TextEncoder().encode(JSON.stringify(make(id))));
    await sender.post([part], id);

    await syncNow(gp);
    const listed = await gp.desk.mailbox.list({ folder: 'inbox' });
    expect(listed.ok, JSON.stringify(listed)).toBe(true);
    if (!listed.ok) return;
    expect(listed.value.find((m) => m.id === id)).toMatchObject({ signature: 'unreadable', subject: '' });
    expect(await gp.desk.mailbox.open({ id })).toMatchObject({ ok: true, value: { signature: 'unreadable', body: '' } });
  });

  it('a well-formed body beside them still reads, and plain text from another OpenPGP client is shown as text', async () => {
    const id = randomUUID();
    await sender.post([await sender.encrypt(sealedBody(id, 'Bonjour', 'Tout va bien.', []))], id);
    const plainId = await sender.post([await sender.encrypt(new TextEncoder().encode('Texte simple depuis GnuPG.'))]);
    await syncNow(gp);
    expect(await gp.desk.mailbox.open({ id })).toMatchObject({ ok: true, value: { signature: 'valid', subject: 'Bonjour' } });
    expect(await gp.desk.mailbox.open({ id: plainId })).toMatchObject({
      ok: true,
      value: { signature: 'valid', body: 'Texte simple depuis GnuPG.' },
    });
  });
});
