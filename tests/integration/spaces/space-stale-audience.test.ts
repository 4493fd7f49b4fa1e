/**
 * A post written offline after a member left (issue 13, left over): the nurse's device still encrypts it for the
 * specialist, whom the platform no longer counts as a member, so `$post` answers 409 and the post lands in the
 * quarantine. At the next sync the device encrypts it again for those of its audience still in the space and sends
 * it — the text is never lost, the GP reads it, the quarantine is empty, and the one who left is not an addressee.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Communication } from 'fhir/r4';
import type { Core } from '../../../src-main/core';
import { audienceOfContent } from '../../../src-shared/domain/spaces';
import { startTestPlatform, type TestPlatform } from '../../fixtures/test-platform';
import { createTestClient, loginAs, ok, syncNow } from '../../fixtures/test-client';

let platform: TestPlatform;
let nurse: Core;
let gp: Core;
let specialist: Core;
let spaceId: string;

beforeAll(async () => {
  platform = await startTestPlatform();
  [nurse, gp, specialist] = [createTestClient(platform.url), createTestClient(platform.url), createTestClient(platform.url)];
  await loginAs(nurse, 'nurse');
  await loginAs(gp, 'gp');
  await loginAs(specialist, 'specialist');
  // Everyone publishes a messaging key, then the nurse learns the others'.
  for (const core of [nurse, gp, specialist, nurse]) await syncNow(core);
  ({ id: spaceId } = await ok(
    nurse.desk.spaces.create({ name: 'Plaies chroniques', invite: ['Practitioner/demo-gp', 'Practitioner/demo-specialist'] }),
  ));
  await syncNow(nurse);
  for (const core of [gp, specialist]) {
    await syncNow(core);
    await ok(core.desk.spaces.accept({ spaceId }));
    await syncNow(core);
  }
  await syncNow(nurse);
});
afterAll(async () => {
  for (const core of [nurse, gp, specialist]) await core?.close();
  await platform?.stop();
});

describe('a post refused because a member left meanwhile', () => {
  it('is encrypted again for the current members at the next sync and reaches them, text intact', async () => {
    const members = (await ok(nurse.desk.spaces.list({}))).find((s) => s.id === spaceId)!.members;
    expect(members.filter((m) => m.status === 'active')).toHaveLength(3);

    // The specialist leaves; the nurse's device does not know yet (no sync) and writes for the three of them.
    await ok(specialist.desk.spaces.leave({ spaceId }));
    await syncNow(specialist);
    const text = 'Pansement hydrocolloïde changé, plaie propre — à revoir jeudi.';
    const { id: threadId } = await ok(
      nurse.desk.spaces.startThread({
        spaceId,
        title: 'Ulcère de M. Reuter',
        text,
        mentions: ['Practitioner/demo-gp', 'Practitioner/demo-specialist'],
      }),
    );
    const store = nurse.sessions.require().store;

    // The sync: the push is refused (409, stale audience), the pull brings the new membership, the post is re-encrypted.
    const first = await syncNow(nurse);
    expect(first.conflicts).toBe(0);
    expect(store.quarantine.list()).toEqual([]);
    // The refused attempt is recorded as resolved, its reason kept.
    expect(
      store.quarantine
        .list({ includeResolved: true })
        .map((q) => q.reason)
        .join(' '),
    ).toMatch(/no longer active members/);

    // Sent by the sync the re-encryption nudged, or by this one.
    await syncNow(nurse);
    expect(store.outbox.unackedFor(`Communication/${threadId}`)).toEqual([]);
    await syncNow(gp);
    const opened = await ok(gp.desk.spaces.thread({ threadId }));
    expect(opened.posts[0]).toMatchObject({ text, readable: true, signature: 'valid', mentionsMe: true });
    const stored = gp.sessions.require().store.resources.get<Communication>('Communication', threadId)!.resource;
    expect(audienceOfContent(stored).sort()).toEqual(['Practitioner/demo-gp', 'Practitioner/demo-nurse']);
    // The author's own view never lost the text.
    expect((await ok(nurse.desk.spaces.thread({ threadId }))).posts[0]).toMatchObject({ text, pending: false });
  });
});
