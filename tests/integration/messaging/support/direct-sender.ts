import { createHash } from 'node:crypto';
import type { Bundle, Endpoint } from 'fhir/r4';
import { messageBundle } from '../../../../src-main/core/messaging/message-wire';
import { encryptAndSign, generateKeyPair, type KeyPair } from '../../../../src-main/core/messaging/pgp';
import { demoAccount } from '../../../../src-main/platform/seed/demo-accounts';
import {
  ENDPOINT_OWNER_URL,
  OPENPGP_FINGERPRINT_SYSTEM,
  OPENPGP_PAYLOAD_CODE,
  OPENPGP_PAYLOAD_SYSTEM,
  OPENPGP_PUBLIC_KEY_URL,
} from '../../../../src-shared/domain/messaging';

/**
 * A sender that writes the wire itself — what another OpenPGP client, or anyone able to put envelopes
 * on the platform, can deliver. Its key is published in the directory as the demo specialist's, so its
 * signatures verify: the threats tested with it are about what the signature covers, not who made it.
 */
export interface DirectSender {
  keys: KeyPair;
  /** Encrypts to the GP and to the sender, signed by the sender (a part as Mailbox.send makes one). */
  encrypt(data: Uint8Array): Promise<Uint8Array>;
  /** Posts an envelope holding `parts` (body first) from the specialist to the GP; returns its id. */
  post(parts: Uint8Array[], id?: string): Promise<string>;
}

export interface SealedAttachment {
  name: string;
  contentType: string;
  bytes: Uint8Array;
}

/** The decrypted body as eSanté Desk seals it (src-shared/domain/sealed-body.ts), built by hand from the wire format. */
export function sealedBody(messageId: string, subject: string, body: string, attachments: SealedAttachment[]): Uint8Array {
  return new TextEncoder().encode(
    JSON.stringify({
      v: 2,
      messageId,
      subject,
      body,
      attachments: attachments.map((a) => ({
        name: a.name,
        contentType: a.contentType,
        size: a.bytes.length,
        sha256: createHash('sha256').update(a.bytes).digest('hex'),
      })),
    }),
  );
}

async function fhir(platformUrl: string, token: string, method: string, path: string, body: unknown, operationId: string) {
  const response = await fetch(`${platformUrl}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/fhir+json', 'X-Operation-Id': operationId },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json().catch(() => null)) as unknown };
}

/** The GP must have published its key already (logged in and synced once). */
export async function directSender(platformUrl: string): Promise<DirectSender> {
  const account = demoAccount('specialist');
  const login = await fetch(`${new URL(platformUrl).origin}/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ identifier: account.identifier, password: account.password, otp: account.otp }),
  });
  const token = ((await login.json()) as { access_token: string }).access_token;
  const keys = await generateKeyPair('Dr Anne Schmit', 'anne.schmit@esante.lu');
  const endpoint: Endpoint = {
    resourceType: 'Endpoint',
    id: `pgp-${keys.fingerprint.slice(0, 16).toLowerCase()}`,
    status: 'active',
    connectionType: { system: 'http://terminology.hl7.org/CodeSystem/endpoint-connection-type', code: 'direct-project' },
    name: 'OpenPGP',
    payloadType: [{ coding: [{ system: OPENPGP_PAYLOAD_SYSTEM, code: OPENPGP_PAYLOAD_CODE }] }],
    payloadMimeType: ['application/pgp-keys'],
    address: `urn:openpgp:${keys.fingerprint}`,
    identifier: [{ system: OPENPGP_FINGERPRINT_SYSTEM, value: keys.fingerprint }],
    extension: [
      { url: ENDPOINT_OWNER_URL, valueReference: { reference: 'Practitioner/demo-specialist' } },
      { url: OPENPGP_PUBLIC_KEY_URL, valueString: keys.publicKeyArmored },
    ],
  };
  const published = await fhir(platformUrl, token, 'PUT', `/Endpoint/${endpoint.id}`, endpoint, `op-key-${endpoint.id}`);
  if (published.status !== 201) throw new Error(`publishing the sender's key: ${published.status}`);
  const gpKeys = (await fhir(platformUrl, token, 'GET', '/Endpoint?owner=Practitioner/demo-gp&status=active', undefined, 'op-x'))
    .body as Bundle;
  const gpArmored = (gpKeys.entry![0]!.resource as Endpoint).extension!.find(
    (e) => e.url === OPENPGP_PUBLIC_KEY_URL,
  )!.valueString!;
  let posted = 0;
  return {
    keys,
    encrypt: (data) => encryptAndSign(data, [gpArmored, keys.publicKeyArmored], keys.privateKeyArmored),
    post: async (parts, id) => {
      const message = messageBundle({
        ...(id === undefined ? {} : { id }),
        sender: 'Practitioner/demo-specialist',
        recipients: ['Practitioner/demo-gp'],
        parts,
        sentAt: new Date().toISOString(),
      });
      const answer = await fhir(platformUrl, token, 'POST', '', message.bundle, `op-direct-${++posted}-${message.id}`);
      if (answer.status !== 200) throw new Error(`posting the envelope: ${answer.status} ${JSON.stringify(answer.body)}`);
      return message.id;
    },
  };
}
