/**
 * Two devices against one platform (issue 13): the nurse creates a space and invites the GP, who
 * accepts; a thread mentioning him and a shared PDF arrive decrypted, counted unread; once removed,
 * the GP receives nothing new and his cache no longer holds anything of the space.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../../src-main/core';
import { startTestPlatform, type TestPlatform } from '../../fixtures/test-platform';
import { createTestClient, loginAs, ok, syncNow } from '../../fixtures/test-client';

let platform: TestPlatform;
let nurse: Core;
let gp: Core;
let spaceId: string;
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n').toString('base64');

/** What a device's encrypted cache holds of a space, straight from its tables. */
function cacheRowsOf(core: Core, space: string, ids: string[]): number {
  const store = core.sessions.require().store;
  const content = store.spaces.spaceIds().includes(space) ? 1 : 0;
  const resources = ids.filter((id) => store.resources.get('Communication', id) !== undefined).length;
  const group = store.resources.get('Group', space) ? 1 : 0;
  return content + resources + group;
}

beforeAll(async () => {
  platform = await startTestPlatform();
  nurse = createTestClient(platform.url);
  gp = createTestClient(platform.url);
  await loginAs(nurse, 'nurse');
  await loginAs(gp, 'gp');
  // Both publish their messaging keys, then learn each other's.
  await syncNow(nurse);
  await syncNow(gp);
  await syncNow(nurse);
});
afterAll(async () => {
  await nurse?.close();
  await gp?.close();
  await platform?.stop();
});

describe('a space between two devices', () => {
  let threadId: string;
  let fileId: string;

  it('the GP receives the invitation, accepts it, and the nurse sees him as a member', async () => {
    ({ id: spaceId } = await ok(
      nurse.desk.spaces.create({ name: 'Réseau Nordstad — infirmières', invite: ['Practitioner/demo-gp'] }),
    ));
    await syncNow(nurse);
    await syncNow(gp);
    const invited = (await ok(gp.desk.spaces.list({}))).find((s) => s.id === spaceId)!;
    expect(invited.myStatus).toBe('invited');
    await ok(gp.desk.spaces.accept({ spaceId }));
    await syncNow(gp);
    await syncNow(nurse);
    const seen = (await ok(nurse.desk.spaces.list({}))).find((s) => s.id === spaceId)!;
    expect(seen.members.find((m) => m.reference === 'Practitioner/demo-gp')?.status).toBe('active');
  });

  it('a thread mentioning the GP and a PDF arrive decrypted and unread; opening them marks them read', async () => {
    ({ id: threadId } = await ok(
      nurse.desk.spaces.startThread({
        spaceId,
        title: 'Pansements de M. Reuter',
        text: '@Dr Weber pouvez-vous passer ?',
        mentions: ['Practitioner/demo-gp'],
      }),
    ));
    ({ id: fileId } = await ok(
      nurse.desk.spaces.shareFile({
        spaceId,
        name: 'protocole.pdf',
        contentType: 'application/pdf',
        description: 'Protocole',
        data: PDF,
      }),
    ));
    await syncNow(nurse);
    await syncNow(gp);
    const space = (await ok(gp.desk.spaces.list({}))).find((s) => s.id === spaceId)!;
    expect(space.unread).toBe(2);
    const threads = await ok(gp.desk.spaces.threads({ spaceId }));
    expect(threads).toMatchObject([{ id: threadId, title: 'Pansements de M. Reuter', readable: true, unread: 1 }]);
    const opened = await ok(gp.desk.spaces.thread({ threadId }));
    expect(opened.posts[0]).toMatchObject({ text: '@Dr Weber pouvez-vous passer ?', mentionsMe: true, signature: 'valid' });
    const files = await ok(gp.desk.spaces.files({ spaceId }));
    expect(files).toMatchObject([{ id: fileId, name: 'protocole.pdf', readable: true, unread: true, version: 1 }]);
    expect((await ok(gp.desk.spaces.openFile({ fileId }))).data).toBe(PDF);
    expect((await ok(gp.desk.spaces.list({}))).find((s) => s.id === spaceId)!.unread).toBe(0);
  });

  it('removed, the GP receives nothing new and his cache no longer holds the space', async () => {
    await ok(gp.desk.spaces.reply({ threadId, text: 'Je passe demain.' }));
    await syncNow(gp);
    expect(cacheRowsOf(gp, spaceId, [threadId, fileId])).toBeGreaterThan(0);
    await ok(nurse.desk.spaces.remove({ spaceId, member: 'Practitioner/demo-gp' }));
    await syncNow(nurse);
    const { id: later } = await ok(
      nurse.desk.spaces.startThread({ spaceId, title: 'Après', text: 'Sans le Dr Weber', mentions: [] }),
    );
    await syncNow(nurse);
    await syncNow(gp);
    expect((await ok(gp.desk.spaces.list({}))).map((s) => s.id)).not.toContain(spaceId);
    expect(cacheRowsOf(gp, spaceId, [threadId, fileId, later])).toBe(0);
    const store = gp.sessions.require().store;
    expect(store.resources.get('Binary', `${fileId}-data`)).toBeUndefined();
    // The nurse still has it all, and the new thread encrypted for her alone.
    expect((await ok(nurse.desk.spaces.threads({ spaceId }))).map((t) => t.id).sort()).toEqual([threadId, later].sort());
  });
});
