import type { Endpoint } from 'fhir/r4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../../src-main/core';
import { ColleagueSimulator, DEMO_COLLEAGUES, SIMULATED_KEY_NAME } from '../../../src-main/core/simulator/colleague-simulator';
import { PlatformClient } from '../../../src-main/core/platform-client';
import { DEMO_ACCOUNTS, demoAccount } from '../../../src-main/platform/seed/demo-accounts';
import { createTestClient, loginAs, syncNow } from '../../fixtures/test-client';
import { startTestPlatform, type TestPlatform } from '../../fixtures/test-platform';

// Issue 15 item 8: demo colleagues on the embedded platform, real HTTP and real OpenPGP end to end.
let platform: TestPlatform;
let gp: Core;

async function folder(core: Core, name: 'inbox' | 'sent') {
  const listed = await core.desk.mailbox.list({ folder: name });
  if (!listed.ok) throw new Error(JSON.stringify(listed.error));
  return listed.value;
}

async function activeKeysOf(owner: string): Promise<Endpoint[]> {
  const account = demoAccount('secretary');
  const reader = new PlatformClient({ fhirBaseUrl: platform.url });
  await reader.login(account.identifier, account.password, account.otp);
  return reader.search<Endpoint>('Endpoint', { owner, status: 'active' });
}

beforeAll(async () => {
  platform = await startTestPlatform({ seed: 'none' });
  gp = createTestClient(platform.url, undefined, { embeddedPlatform: true });
  await loginAs(gp, 'gp');
});
afterAll(async () => {
  await gp?.close();
  await platform?.stop();
});

describe('the colleague simulator', () => {
  it('acts only as the platform’s seeded demo accounts', () => {
    for (const colleague of DEMO_COLLEAGUES) {
      const account = DEMO_ACCOUNTS.find((a) => a.identifier === colleague.identifier);
      expect(account?.userRef).toBe(colleague.reference);
    }
  });

  it('after the user’s first sync, the inbox holds the nurse’s first message with a valid signature', async () => {
    await syncNow(gp);
    const inbox = await folder(gp, 'inbox');
    expect(inbox).toHaveLength(1);
    const [message] = inbox;
    expect(message).toMatchObject({
      sender: { reference: 'Practitioner/demo-nurse', name: 'Marie Hoffmann' },
      subject: 'Visite de ce matin — suivi du pansement',
      signature: 'valid',
    });
    const keys = await activeKeysOf('Practitioner/demo-nurse');
    expect(keys.map((k) => k.identifier?.[0]?.value)).toEqual([message!.signerFingerprint]);
    expect(keys[0]!.name).toBe(SIMULATED_KEY_NAME);
    const opened = await gp.desk.mailbox.open({ id: message!.id });
    expect(opened.ok && opened.value.body).toMatch(/pansement[\s\S]*Marie Hoffmann$/);
  });

  it('the first message is sent once, not at every sync', async () => {
    await syncNow(gp);
    expect(await folder(gp, 'inbox')).toHaveLength(1);
  });

  it('a reply to the colleague gets an answer within the next sync, and the user’s message shows as read', async () => {
    const sent = await gp.desk.mailbox.send({
      to: ['Practitioner/demo-nurse'],
      subject: 'Re : Visite de ce matin — suivi du pansement',
      body: 'Merci, je passe la voir vendredi.',
    });
    expect(sent.ok).toBe(true);
    await syncNow(gp);
    const inbox = await folder(gp, 'inbox');
    expect(inbox).toHaveLength(2);
    const answer = inbox.find((m) => m.subject === 'Re : Visite de ce matin — suivi du pansement');
    expect(answer).toMatchObject({ sender: { reference: 'Practitioner/demo-nurse' }, signature: 'valid' });
    await syncNow(gp); // the nurse's read receipt, posted after her answer, comes with the next pull
    const mine = (await folder(gp, 'sent')).find((m) => sent.ok && m.id === sent.value.id);
    expect(mine?.delivery).toBe('read');
    await syncNow(gp);
    expect(await folder(gp, 'inbox')).toHaveLength(2); // answered once
  });

  it('at lock the colleague’s key is retired; the next session takes it up again and mail stays readable', async () => {
    await gp.desk.session.lock({});
    expect(await activeKeysOf('Practitioner/demo-nurse')).toEqual([]);
    await loginAs(gp, 'gp');
    await syncNow(gp);
    expect(await activeKeysOf('Practitioner/demo-nurse')).toHaveLength(1);
    const sent = await gp.desk.mailbox.send({
      to: ['Practitioner/demo-nurse'],
      subject: 'Encore une question',
      body: 'Et le traitement ?',
    });
    expect(sent.ok).toBe(true);
    await syncNow(gp);
    expect((await folder(gp, 'inbox')).some((m) => m.subject === 'Re : Encore une question')).toBe(true);
  });

  it('leaves a demo account alone when a real person publishes keys for it: the next colleague writes instead', async () => {
    await gp.desk.session.lock({});
    const nurse = createTestClient(platform.url);
    try {
      await loginAs(nurse, 'nurse');
      await syncNow(nurse); // the real nurse's key is published
      await nurse.desk.session.lock({});
    } finally {
      await nurse.close();
    }
    await loginAs(gp, 'gp');
    await syncNow(gp);
    const inbox = await folder(gp, 'inbox');
    expect(inbox.find((m) => m.sender.reference === 'Practitioner/demo-specialist')).toMatchObject({ signature: 'valid' });
    const nurseKeys = await activeKeysOf('Practitioner/demo-nurse');
    expect(nurseKeys).toHaveLength(1);
    expect(nurseKeys[0]!.name).not.toBe(SIMULATED_KEY_NAME);
  });

  it('never stops the user’s sync: offline it stays quiet, a refusal is logged by its kind only', async () => {
    const lines: string[] = [];
    const user = { id: 'Practitioner/demo-gp', role: 'gp' as const, name: 'Dr Claude Weber' };
    const offline = new ColleagueSimulator('http://127.0.0.1:9/fhir', true, undefined, (line) => lines.push(line));
    expect(await offline.round(user)).toEqual({ colleague: null, firstMessages: 0, answers: 0 });
    expect(lines).toEqual([]);
    const refused = new ColleagueSimulator(`${platform.url}/no-such-base`, true, undefined, (line) => lines.push(line));
    expect(await refused.round(user)).toEqual({ colleague: null, firstMessages: 0, answers: 0 });
    expect(lines).toEqual(['[colleague-simulator] round failed: PlatformError']);
  });

  it('does nothing against a platform this app did not start', async () => {
    const remote = createTestClient(platform.url);
    try {
      await loginAs(remote, 'specialist');
      await syncNow(remote);
      expect(await folder(remote, 'inbox')).toEqual([]);
    } finally {
      await remote.close();
    }
  });
});
