/**
 * The demo spaces are not empty for a new user (issue 13 seed): on the embedded platform, the demo
 * colleague who shares "Diabète — réseau Centre" with the user opens its first thread and shares its
 * first PDF once the user's key is published — end-to-end encrypted and signed like any post.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Core } from '../../../src-main/core';
import { DEMO_SPACES } from '../../../src-main/platform/seed/demo-spaces';
import { createTestClient, loginAs, ok, syncNow } from '../../fixtures/test-client';
import { startTestPlatform, type TestPlatform } from '../platform/platform-harness';

let env: TestPlatform;
let gp: Core;

beforeAll(async () => {
  env = await startTestPlatform({ patients: 2, docsPerPatient: 1 });
  gp = createTestClient(env.url, undefined, { embeddedPlatform: true });
  await loginAs(gp, 'gp');
});
afterAll(async () => {
  await gp?.close();
  await env?.stop();
});

it('the GP finds the seeded diabetes space he owns, with a readable first thread and PDF from the nurse', async () => {
  await syncNow(gp); // publishes his key; the colleague waits for it
  await syncNow(gp);
  const spaces = await ok(gp.desk.spaces.list({}));
  expect(spaces.map((s) => s.id)).toEqual([DEMO_SPACES.diabetes]);
  expect(spaces[0]).toMatchObject({ name: 'Diabète — réseau Centre', myStatus: 'active', unread: 2, mine: true });
  const [thread] = await ok(gp.desk.spaces.threads({ spaceId: DEMO_SPACES.diabetes }));
  expect(thread).toMatchObject({
    title: 'Bienvenue dans l’espace',
    readable: true,
    senderName: expect.stringContaining('Hoffmann'),
  });
  const [file] = await ok(gp.desk.spaces.files({ spaceId: DEMO_SPACES.diabetes }));
  expect(file).toMatchObject({ name: 'protocole-partage.pdf', readable: true, signature: 'valid' });
  const opened = await ok(gp.desk.spaces.openFile({ fileId: file!.id }));
  expect(Buffer.from(opened.data, 'base64').subarray(0, 5).toString()).toBe('%PDF-');
  await syncNow(gp);
  expect(await ok(gp.desk.spaces.threads({ spaceId: DEMO_SPACES.diabetes }))).toHaveLength(1); // once only
});
