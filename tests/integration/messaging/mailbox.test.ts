import { randomBytes } from 'node:crypto';
import type { Bundle, Endpoint } from 'fhir/r4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../../src-main/core';
import { messageBundle } from '../../../src-main/core/messaging/message-wire';
import { fingerprintOf } from '../../../src-main/core/messaging/pgp';
import { demoAccount } from '../../../src-main/platform/seed/demo-accounts';
import {
  ENDPOINT_OWNER_URL,
  OPENPGP_FINGERPRINT_SYSTEM,
  OPENPGP_PAYLOAD_CODE,
  OPENPGP_PAYLOAD_SYSTEM,
  OPENPGP_PUBLIC_KEY_URL,
} from '../../../src-shared/domain/messaging';
import { disposeGnupgHomes, GnupgHome } from '../../fixtures/gnupg';
import { createTestClient, loginAs, syncNow } from '../../fixtures/test-client';
import { startTestPlatform, type TestPlatform } from '../../fixtures/test-platform';

// Issue 6 through the whole chain: client core → platform (ciphertext only) → client core.
let platform: TestPlatform;
let nurse: Core;
let gp: Core;

async function inbox(core: Core) {
  const listed = await core.desk.mailbox.list({ folder: 'inbox' });
  if (!listed.ok) throw new Error(JSON.stringify(listed.error));
  return listed.value;
}

/** Logs in to the platform directly (as another OpenPGP client would) and returns an access token. */
async function tokenFor(role: 'specialist' | 'gp' | 'nurse'): Promise<string> {
  const account = demoAccount(role);
  const origin = new URL(platform.url).origin;
  const response = await fetch(`${origin}/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ identifier: account.identifier, password: account.password, otp: account.otp }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

async function fhir(token: string, method: string, path: string, body?: unknown, operationId?: string) {
  const headers: Record<string, string> = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/fhir+json' };
  if (operationId) headers['X-Operation-Id'] = operationId;
  const response = await fetch(`${platform.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json().catch(() => null)) as unknown };
}

beforeAll(async () => {
  platform = await startTestPlatform({ seed: 'none' });
  nurse = createTestClient(platform.url);
  gp = createTestClient(platform.url);
  await loginAs(nurse, 'nurse');
  await loginAs(gp, 'gp');
  // Both publish their keys at first login; each learns the other's through the directory feed.
  await syncNow(nurse);
  await syncNow(gp);
  await syncNow(nurse);
});
afterAll(async () => {
  disposeGnupgHomes();
  await nurse?.close();
  await gp?.close();
  await platform?.stop();
});

describe('secure messaging end to end', () => {
  it('publishes a key at first login and shows its fingerprint', async () => {
    const info = await nurse.desk.mailbox.keyInfo({});
    expect(info).toMatchObject({ ok: true, value: { published: true } });
    if (info.ok) expect(info.value.fingerprint).toMatch(/^[0-9A-F]{40}$/);
  });

  it('a message with an attachment reaches the recipient, verified, and the sender sees delivered then read', async () => {
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(64 * 1024)]);
    const sent = await nurse.desk.mailbox.send({
      to: ['Practitioner/demo-gp'],
      subject: 'Mme Reuter — plaie',
      body: 'Bonjour Docteur, la plaie évolue bien. Photo et compte rendu joints.',
      attachments: [{ name: 'compte-rendu.pdf', contentType: 'application/pdf', data: pdf.toString('base64') }],
    });
    expect(sent.ok).toBe(true);
    const id = sent.ok ? sent.value.id : '';
    await syncNow(nurse);
    await syncNow(gp);

    const [message] = (await inbox(gp)).filter((m) => m.id === id);
    expect(message).toMatchObject({
      subject: 'Mme Reuter — plaie',
      unread: true,
      signature: 'valid',
      attachmentCount: 1,
      sender: { reference: 'Practitioner/demo-nurse' },
    });
    // Beside her name: her identifier in the directory and the fingerprint of the key that signed (issue 9).
    const nurseKey = await nurse.desk.mailbox.keyInfo({});
    expect(message!.sender.identifier).toBe('PDEMONURSE');
    expect(message!.signerFingerprint).toBe(nurseKey.ok ? nurseKey.value.fingerprint : 'no key');
    await syncNow(gp); // sends the "delivered" receipt
    await syncNow(nurse);
    const afterDelivery = await nurse.desk.mailbox.open({ id });
    expect(afterDelivery.ok && afterDelivery.value.deliveries).toEqual([
      expect.objectContaining({ recipient: 'Practitioner/demo-gp', status: 'delivered' }),
    ]);

    const opened = await gp.desk.mailbox.open({ id });
    expect(opened).toMatchObject({
      ok: true,
      value: {
        body: 'Bonjour Docteur, la plaie évolue bien. Photo et compte rendu joints.',
        attachments: [{ name: 'compte-rendu.pdf', size: pdf.length }],
      },
    });
    const attachment = await gp.desk.mailbox.attachment({ id, index: 0 });
    expect(attachment.ok && Buffer.from(attachment.value.data, 'base64').equals(pdf)).toBe(true);
    await syncNow(gp);
    await syncNow(nurse);
    const afterRead = await nurse.desk.mailbox.list({ folder: 'sent' });
    expect(afterRead.ok && afterRead.value.find((m) => m.id === id)?.delivery).toBe('read');
  });

  it('finds a message by words of its decrypted text, offline, inside the encrypted cache', async () => {
    const found = await gp.desk.mailbox.list({ folder: 'inbox', query: 'plaie évolue' });
    expect(found.ok && found.value.map((m) => m.subject)).toEqual(['Mme Reuter — plaie']);
    const none = await gp.desk.mailbox.list({ folder: 'inbox', query: 'radiographie' });
    expect(none.ok && none.value).toEqual([]);
  });

  it('a message written offline waits in the outbox and leaves when the platform is back', async () => {
    const port = platform.port;
    await platform.stop();
    const sent = await nurse.desk.mailbox.send({
      to: ['Practitioner/demo-gp'],
      subject: 'Hors ligne',
      body: 'Écrit dans la voiture.',
      attachments: [],
    });
    expect(sent.ok).toBe(true);
    expect((await nurse.desk.sync.now({})).ok && nurse.sessions.require().store.outbox.countUnacked()).toBeGreaterThan(0);
    const listed = await nurse.desk.mailbox.list({ folder: 'sent' });
    expect(listed.ok && listed.value.find((m) => m.subject === 'Hors ligne')?.delivery).toBe('pending');
    platform = await startTestPlatform({ dataDir: platform.dataDir, port });
    await syncNow(nurse);
    await syncNow(gp);
    expect((await inbox(gp)).some((m) => m.subject === 'Hors ligne' && m.signature === 'valid')).toBe(true);
  });

  it('a message GnuPG encrypts and signs to a published key, delivered through the platform, is read and verified', async () => {
    // The specialist uses GnuPG instead of eSanté Desk: her gpg key is published in the directory.
    const gpg = new GnupgHome();
    const signer = gpg.generateSigningKey('Dr Anne Schmit <anne.schmit@esante.lu>');
    const armored = gpg.exportPublicKey(signer);
    const token = await tokenFor('specialist');
    const endpoint: Endpoint = {
      resourceType: 'Endpoint',
      id: `pgp-${signer.slice(0, 16).toLowerCase()}`,
      status: 'active',
      connectionType: { system: 'http://terminology.hl7.org/CodeSystem/endpoint-connection-type', code: 'direct-project' },
      name: 'OpenPGP',
      payloadType: [{ coding: [{ system: OPENPGP_PAYLOAD_SYSTEM, code: OPENPGP_PAYLOAD_CODE }] }],
      payloadMimeType: ['application/pgp-keys'],
      address: `urn:openpgp:${signer}`,
      identifier: [{ system: OPENPGP_FINGERPRINT_SYSTEM, value: signer }],
      extension: [
        { url: ENDPOINT_OWNER_URL, valueReference: { reference: 'Practitioner/demo-specialist' } },
        { url: OPENPGP_PUBLIC_KEY_URL, valueString: armored },
      ],
    };
    expect((await fhir(token, 'PUT', `/Endpoint/${endpoint.id}`, endpoint, 'op-gpg-key-1')).status).toBe(201);
    // gpg encrypts to the GP's key, as published in the directory.
    const gpKey = (await fhir(token, 'GET', `/Endpoint?owner=Practitioner/demo-gp&status=active`)).body as Bundle;
    const gpArmored = (gpKey.entry![0]!.resource as Endpoint).extension!.find(
      (e) => e.url === OPENPGP_PUBLIC_KEY_URL,
    )!.valueString!;
    gpg.importKey(gpArmored);
    const ciphertext = gpg.encryptAndSign(
      Buffer.from('Avis cardiologique : poursuivre le bêtabloquant.'),
      await fingerprintOf(gpArmored),
      signer,
    );
    const { id, bundle } = messageBundle({
      sender: 'Practitioner/demo-specialist',
      recipients: ['Practitioner/demo-gp'],
      parts: [ciphertext],
      sentAt: new Date().toISOString(),
    });
    expect((await fhir(token, 'POST', '', bundle, 'op-gpg-message-1')).status).toBe(200);

    await syncNow(gp);
    const opened = await gp.desk.mailbox.open({ id });
    expect(opened).toMatchObject({
      ok: true,
      value: { body: 'Avis cardiologique : poursuivre le bêtabloquant.', signature: 'valid' },
    });
  });

  it('a tampered ciphertext and a signature by the wrong key are flagged, never shown as valid', async () => {
    const token = await tokenFor('specialist');
    // The specialist's gpg key is published; a message signed by another key claims to be from her.
    const impostor = new GnupgHome();
    const impostorKey = impostor.generateSigningKey('Dr Anne Schmit <anne.schmit@esante.lu>');
    const gpKey = (await fhir(token, 'GET', `/Endpoint?owner=Practitioner/demo-gp&status=active`)).body as Bundle;
    const gpArmored = (gpKey.entry![0]!.resource as Endpoint).extension!.find(
      (e) => e.url === OPENPGP_PUBLIC_KEY_URL,
    )!.valueString!;
    impostor.importKey(gpArmored);
    const forged = impostor.encryptAndSign(Buffer.from('Arrêter le traitement.'), await fingerprintOf(gpArmored), impostorKey);
    const tampered = Buffer.from(
      impostor.encryptAndSign(Buffer.from('x'.repeat(4000)), await fingerprintOf(gpArmored), impostorKey),
    );
    tampered[tampered.length - 30]! ^= 0x01;

    const post = async (n: number, data: Buffer) => {
      const { id, bundle } = messageBundle({
        sender: 'Practitioner/demo-specialist',
        recipients: ['Practitioner/demo-gp'],
        parts: [data],
        sentAt: new Date().toISOString(),
      });
      expect((await fhir(token, 'POST', '', bundle, `op-forged-${n}`)).status).toBe(200);
      return id;
    };
    const forgedId = await post(1, forged);
    const tamperedId = await post(2, tampered);
    await syncNow(gp);
    const messages = await inbox(gp);
    expect(messages.find((m) => m.id === forgedId)?.signature).toBe('unknown-signer');
    expect(messages.find((m) => m.id === tamperedId)?.signature).toBe('unreadable');
  });
});

describe('key rotation', () => {
  it('keeps old mail readable, retires the old key in the directory, and new mail uses the new key', async () => {
    const before = await gp.desk.mailbox.keyInfo({});
    const oldFingerprint = before.ok ? before.value.fingerprint : null;
    const rotated = await gp.desk.mailbox.rotateKey({});
    expect(rotated.ok && rotated.value.fingerprint).not.toBe(oldFingerprint);
    await syncNow(gp);
    await syncNow(nurse);
    expect(await gp.desk.mailbox.keyInfo({})).toMatchObject({ ok: true, value: { published: true } });
    const retired = gp.sessions
      .require()
      .store.resources.get<Endpoint>('Endpoint', `pgp-${oldFingerprint!.slice(0, 16).toLowerCase()}`);
    expect(retired?.resource.status).toBe('off');

    // An attachment of a message encrypted to the old key still opens.
    const older = (await inbox(gp)).find((m) => m.subject === 'Mme Reuter — plaie')!;
    expect((await gp.desk.mailbox.attachment({ id: older.id, index: 0 })).ok).toBe(true);
    // New mail is encrypted to the new key and reads fine.
    const sent = await nurse.desk.mailbox.send({
      to: ['Practitioner/demo-gp'],
      subject: 'Après rotation',
      body: 'Nouvelle clé.',
      attachments: [],
    });
    expect(sent.ok).toBe(true);
    await syncNow(nurse);
    await syncNow(gp);
    expect((await inbox(gp)).find((m) => m.subject === 'Après rotation')?.signature).toBe('valid');
  });
});
