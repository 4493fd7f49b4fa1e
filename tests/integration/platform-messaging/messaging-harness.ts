/** Shared by the messaging tests: a platform, logged-in professionals with published keys, real OpenPGP messages. */
import { randomUUID } from 'node:crypto';
import {
  ENDPOINT_CONNECTION_TYPE_SYSTEM,
  ENDPOINT_OWNER_URL,
  OPENPGP_ADDRESS_PREFIX,
  OPENPGP_CONNECTION_TYPE_CODE,
  OPENPGP_FINGERPRINT_SYSTEM,
  OPENPGP_PAYLOAD_CODE,
  OPENPGP_PAYLOAD_SYSTEM,
  OPENPGP_PUBLIC_KEY_URL,
  PGP_CONTENT_TYPE,
  openpgpEndpointId,
} from '../../../src-shared/domain/messaging';
import type { Role } from '../../../src-shared/domain/roles';
import { encryptAndSign, generateKeyPair, type KeyPair } from '../../../src-main/core/messaging/pgp';
import { demoAccount } from '../../../src-main/platform/seed/demo-accounts';
import { CHANGES_HAS_MORE_URL, CHANGES_NEXT_CURSOR_URL } from '../../../src-shared/domain/fhir-sync';
import type { TestPlatform } from '../platform/platform-harness';

import type { Json } from '../platform/platform-harness';

export type { Json };

export interface Party {
  role: Role;
  ref: string;
  token: string;
  keys: KeyPair;
}

export function keyEndpoint(owner: string, keys: KeyPair, status: 'active' | 'off' = 'active'): Json {
  return {
    resourceType: 'Endpoint',
    id: openpgpEndpointId(keys.fingerprint),
    status,
    connectionType: { system: ENDPOINT_CONNECTION_TYPE_SYSTEM, code: OPENPGP_CONNECTION_TYPE_CODE },
    name: 'OpenPGP',
    payloadType: [{ coding: [{ system: OPENPGP_PAYLOAD_SYSTEM, code: OPENPGP_PAYLOAD_CODE }] }],
    payloadMimeType: ['application/pgp-keys'],
    address: `${OPENPGP_ADDRESS_PREFIX}${keys.fingerprint}`,
    identifier: [{ system: OPENPGP_FINGERPRINT_SYSTEM, value: keys.fingerprint }],
    extension: [
      { url: ENDPOINT_OWNER_URL, valueReference: { reference: owner } },
      { url: OPENPGP_PUBLIC_KEY_URL, valueString: keys.publicKeyArmored },
    ],
    period: { start: '2025-06-01T08:00:00Z' },
  };
}

export async function party(env: TestPlatform, role: Role): Promise<Party> {
  const account = demoAccount(role);
  const [token, keys] = await Promise.all([
    env.login(role),
    generateKeyPair(account.displayName, `${account.identifier}@esante.lu`),
  ]);
  return { role, ref: account.userRef, token, keys };
}

export async function publishKey(env: TestPlatform, who: Party): Promise<Json> {
  const endpoint = keyEndpoint(who.ref, who.keys);
  const result = await env.request('PUT', `/fhir/Endpoint/${endpoint.id}`, {
    token: who.token,
    body: endpoint,
    headers: { 'X-Operation-Id': `key-${randomUUID()}` },
  });
  if (result.status !== 201) throw new Error(`publishing ${who.ref}'s key: ${result.status} ${JSON.stringify(result.json)}`);
  return result.json;
}

export interface Message {
  id: string;
  binaryIds: string[];
  ciphertexts: Uint8Array[];
  bundle: Json;
}

export const binaryPart = (id: string, communicationId: string, data: Uint8Array | string): Json => ({
  resourceType: 'Binary',
  id,
  contentType: PGP_CONTENT_TYPE,
  securityContext: { reference: `Communication/${communicationId}` },
  data: typeof data === 'string' ? data : Buffer.from(data).toString('base64'),
});

export function envelope(id: string, sender: string, recipients: string[], parts: Array<{ id: string; size: number }>): Json {
  return {
    resourceType: 'Communication',
    id,
    status: 'completed',
    sender: { reference: sender },
    recipient: recipients.map((reference) => ({ reference })),
    sent: '2025-06-02T09:30:00Z',
    payload: parts.map((p) => ({ contentAttachment: { contentType: PGP_CONTENT_TYPE, url: `Binary/${p.id}`, size: p.size } })),
  };
}

export function transaction(communication: Json, binaries: Json[]): Json {
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      ...binaries.map((b) => ({ resource: b, request: { method: 'PUT', url: `Binary/${b.id}` } })),
      { resource: communication, request: { method: 'PUT', url: `Communication/${communication.id}` } },
    ],
  };
}

/** A message encrypted (and signed) for real: part 0 the body, the rest attachments. */
export async function buildMessage(
  sender: Party,
  recipients: string[],
  recipientKeys: string[],
  plaintexts: Uint8Array[],
): Promise<Message> {
  const id = randomUUID();
  const keys = [...recipientKeys, sender.keys.publicKeyArmored];
  const ciphertexts = await Promise.all(plaintexts.map((p) => encryptAndSign(p, keys, sender.keys.privateKeyArmored)));
  const binaryIds = ciphertexts.map(() => randomUUID());
  const binaries = ciphertexts.map((c, i) => binaryPart(binaryIds[i]!, id, c));
  const communication = envelope(
    id,
    sender.ref,
    recipients,
    ciphertexts.map((c, i) => ({ id: binaryIds[i]!, size: c.length })),
  );
  return { id, binaryIds, ciphertexts, bundle: transaction(communication, binaries) };
}

export async function send(env: TestPlatform, sender: Party, message: Message, operationId = `msg-${randomUUID()}`) {
  return env.request('POST', '/fhir', { token: sender.token, body: message.bundle, headers: { 'X-Operation-Id': operationId } });
}

/** Every entry of the caller's `$changes` feed from the start. */
export async function pullAll(env: TestPlatform, token: string): Promise<Json[]> {
  const entries: Json[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await env.request('GET', `/fhir/$changes?${cursor ? `cursor=${cursor}&` : ''}_count=1000`, { token });
    if (page.status !== 200) throw new Error(`$changes: ${page.status} ${JSON.stringify(page.json)}`);
    entries.push(...page.json.entry);
    cursor = page.json.extension.find((e: Json) => e.url === CHANGES_NEXT_CURSOR_URL).valueString;
    if (!page.json.extension.find((e: Json) => e.url === CHANGES_HAS_MORE_URL).valueBoolean) return entries;
  }
}

export const urlsOf = (entries: Json[]): string[] => entries.map((e) => e.request.url as string);

/** The bytes of an encrypted part: its Binary names a blob (issue 10), read with a non-FHIR Accept. */
export async function partBytes(env: TestPlatform, token: string, binaryId: string): Promise<{ status: number; bytes: Buffer }> {
  const response = await fetch(`${env.url}/Binary/${binaryId}`, {
    headers: { authorization: `Bearer ${token}`, accept: 'application/octet-stream' },
  });
  return { status: response.status, bytes: Buffer.from(await response.arrayBuffer()) };
}
