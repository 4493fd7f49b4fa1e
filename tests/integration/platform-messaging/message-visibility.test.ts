/**
 * A message (one transaction: the envelope and its encrypted parts) is seen by its sender and its
 * effective recipients only: read, search and $changes; everyone else gets 404 and nothing in their feed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DELIVERY_STATUS_URL } from '../../../src-shared/domain/messaging';
import { DEMO_MAILBOX } from '../../../src-main/platform/seed/generate';
import { storedAuditEvents } from '../../fixtures/test-storage';
import { startTestPlatform, type TestPlatform } from '../platform/platform-harness';
import {
  buildMessage,
  partBytes,
  party,
  publishKey,
  pullAll,
  send,
  urlsOf,
  type Json,
  type Message,
  type Party,
} from './messaging-harness';

let env: TestPlatform;
let gp: Party;
let specialist: Party;
let nurse: Party;
let careAide: Party;
let message: Message;
let sent: Json;
const text = (s: string) => new TextEncoder().encode(s);

const deliveryOf = (communication: Json) =>
  (communication.extension ?? [])
    .filter((e: Json) => e.url === DELIVERY_STATUS_URL)
    .map((e: Json) =>
      Object.fromEntries(e.extension.map((p: Json) => [p.url, p.valueReference?.reference ?? p.valueCode ?? p.valueDateTime])),
    );

beforeAll(async () => {
  env = await startTestPlatform({ seed: 'none' });
  [gp, specialist, nurse, careAide] = await Promise.all([
    party(env, 'gp'),
    party(env, 'specialist'),
    party(env, 'nurse'),
    party(env, 'care-aide'),
  ]);
  for (const p of [gp, specialist, nurse, careAide]) await publishKey(env, p);
  message = await buildMessage(
    gp,
    [specialist.ref],
    [specialist.keys.publicKeyArmored],
    [text('body'), text('attachment one'), new Uint8Array([1, 2, 3, 4])],
  );
  sent = await send(env, gp, message, 'visibility-send-0001');
});
afterAll(async () => env?.stop());

describe('sending', () => {
  it('a message with attachments is one transaction: envelope and parts written together, delivery status "sent" per recipient', async () => {
    expect(sent.status).toBe(200);
    expect(sent.json.type).toBe('transaction-response');
    const envelopeEntry = sent.json.entry[message.binaryIds.length];
    expect(envelopeEntry.response.status).toBe('201');
    expect(deliveryOf(envelopeEntry.resource)).toEqual([
      { recipient: specialist.ref, status: 'sent', at: envelopeEntry.resource.meta.lastUpdated },
    ]);
    // Parts are not echoed back (the sender has them), only their location.
    for (const [i, id] of message.binaryIds.entries()) {
      expect(sent.json.entry[i].resource).toBeUndefined();
      expect(sent.json.entry[i].response.location).toContain(`/Binary/${id}/_history/1`);
    }
  });

  it('replaying the whole transaction with the same X-Operation-Id returns the first response and writes nothing', async () => {
    const before = await env.platform.fingerprint();
    const replay = await send(env, gp, message, 'visibility-send-0001');
    expect(replay.status).toBe(200);
    expect(replay.headers.get('x-operation-replayed')).toBe('true');
    expect(replay.json).toEqual(sent.json);
    expect(await env.platform.fingerprint()).toEqual(before);
  });

  it('the same message sent again without the operation id is a 409 (a sent message never changes)', async () => {
    const again = await env.request('POST', '/fhir', { token: gp.token, body: message.bundle });
    expect(again.status).toBe(409);
    expect(again.json.issue[0].diagnostics).toContain('already exists');
  });

  it('a Communication is never written directly: PUT, POST and DELETE are 405 with a clear message', async () => {
    const stored = await env.request('GET', `/fhir/Communication/${message.id}`, { token: gp.token });
    const put = await env.request('PUT', `/fhir/Communication/${message.id}`, {
      token: gp.token,
      body: stored.json,
      headers: { 'If-Match': 'W/"1"' },
    });
    expect(put.status).toBe(405);
    expect(put.json.issue[0].diagnostics).toContain('$receipt');
    const post = await env.request('POST', '/fhir/Communication', { token: gp.token, body: { ...stored.json, id: undefined } });
    expect(post.status).toBe(405);
    const del = await env.request('DELETE', `/fhir/Communication/${message.id}`, { token: gp.token });
    expect(del.status).toBe(405);
    const part = await env.request('DELETE', `/fhir/Binary/${message.binaryIds[1]}`, { token: gp.token });
    expect(part.status).toBe(405);
  });
});

describe('visibility', () => {
  it('sender and recipient read the envelope and its parts', async () => {
    for (const who of [gp, specialist]) {
      const read = await env.request('GET', `/fhir/Communication/${message.id}`, { token: who.token });
      expect(read.status).toBe(200);
      for (const [i, id] of message.binaryIds.entries()) {
        const part = await env.request('GET', `/fhir/Binary/${id}`, { token: who.token });
        expect(part.status).toBe(200);
        expect(part.json.data).toBeUndefined(); // its JSON names the blob (issue 10)
        const bytes = await partBytes(env, who.token, id);
        expect(bytes.bytes.equals(Buffer.from(message.ciphertexts[i]!))).toBe(true);
      }
    }
  });

  it('sender and recipient find it by search (sender, recipient, sent, status, _lastUpdated)', async () => {
    const queries = [
      `sender=${gp.ref}`,
      `recipient=${specialist.ref}`,
      'sent=ge2025-06-01',
      'status=completed',
      '_lastUpdated=ge2020-01-01',
    ];
    for (const who of [gp, specialist]) {
      for (const query of queries) {
        const found = await env.request('GET', `/fhir/Communication?${query}`, { token: who.token });
        expect(found.status, query).toBe(200);
        expect(
          found.json.entry.map((e: Json) => e.resource.id),
          `${who.role} ${query}`,
        ).toContain(message.id);
      }
    }
  });

  it('sender and recipient get the envelope and every part in $changes', async () => {
    for (const who of [gp, specialist]) {
      const urls = urlsOf(await pullAll(env, who.token));
      expect(urls).toContain(`Communication/${message.id}`);
      for (const id of message.binaryIds) expect(urls).toContain(`Binary/${id}`);
    }
  });

  it('anyone else gets 404 on read (as for a message that does not exist), nothing in search, nothing in $changes', async () => {
    const missing = await env.request('GET', '/fhir/Communication/no-such-message', { token: nurse.token });
    const read = await env.request('GET', `/fhir/Communication/${message.id}`, { token: nurse.token });
    expect(read.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(read.json.issue[0].code).toBe(missing.json.issue[0].code);
    expect((await env.request('GET', `/fhir/Communication/${message.id}/_history/1`, { token: nurse.token })).status).toBe(404);
    expect((await env.request('GET', `/fhir/Communication/${message.id}/_history`, { token: nurse.token })).status).toBe(404);
    for (const id of message.binaryIds)
      expect((await env.request('GET', `/fhir/Binary/${id}`, { token: nurse.token })).status).toBe(404);
    const search = await env.request('GET', `/fhir/Communication?sender=${gp.ref}`, { token: nurse.token });
    expect(search.json.entry).toEqual([]);
    const binaries = await env.request('GET', `/fhir/Binary?_id=${message.binaryIds.join(',')}`, { token: nurse.token });
    expect(binaries.json.entry).toEqual([]);
    const urls = urlsOf(await pullAll(env, nurse.token));
    expect(urls.filter((u) => u.startsWith('Communication/') || u.startsWith('Binary/'))).toEqual([]);
    // A third party cannot even delete a part: it does not exist for them.
    expect((await env.request('DELETE', `/fhir/Binary/${message.binaryIds[0]}`, { token: nurse.token })).status).toBe(404);
  });

  it('without a token, nothing of a message is readable (401)', async () => {
    expect((await env.request('GET', `/fhir/Communication/${message.id}`)).status).toBe(401);
    expect((await env.request('GET', `/fhir/Binary/${message.binaryIds[0]}`)).status).toBe(401);
  });
});

describe('service mailboxes', () => {
  it('$members lists the Practitioners of a service mailbox (authenticated)', async () => {
    const members = await env.request('GET', `/fhir/Organization/${DEMO_MAILBOX.organizationId}/$members`, { token: gp.token });
    expect(members.status).toBe(200);
    expect(members.json.entry.map((e: Json) => `Practitioner/${e.resource.id}`)).toEqual([...DEMO_MAILBOX.members]);
    expect((await env.request('GET', `/fhir/Organization/${DEMO_MAILBOX.organizationId}/$members`)).status).toBe(401);
    expect((await env.request('GET', '/fhir/Organization/no-such-org/$members', { token: gp.token })).status).toBe(404);
  });

  it('a message to a mailbox reaches each member (read, $changes), with a delivery status per member; non-members see nothing', async () => {
    const toTeam = await buildMessage(
      gp,
      [`Organization/${DEMO_MAILBOX.organizationId}`],
      [nurse.keys.publicKeyArmored],
      [text('team body')],
    );
    const result = await send(env, gp, toTeam);
    expect(result.status).toBe(200);
    const stored = result.json.entry.at(-1).resource;
    expect(deliveryOf(stored).map((d: Json) => d.recipient)).toEqual([...DEMO_MAILBOX.members]);
    expect((await env.request('GET', `/fhir/Communication/${toTeam.id}`, { token: nurse.token })).status).toBe(200);
    expect((await env.request('GET', `/fhir/Binary/${toTeam.binaryIds[0]}`, { token: nurse.token })).status).toBe(200);
    expect(urlsOf(await pullAll(env, nurse.token))).toEqual(
      expect.arrayContaining([`Communication/${toTeam.id}`, `Binary/${toTeam.binaryIds[0]}`]),
    );
    const byMailbox = await env.request('GET', `/fhir/Communication?recipient=Organization/${DEMO_MAILBOX.organizationId}`, {
      token: nurse.token,
    });
    expect(byMailbox.json.entry.map((e: Json) => e.resource.id)).toEqual([toTeam.id]);
    expect((await env.request('GET', `/fhir/Communication/${toTeam.id}`, { token: careAide.token })).status).toBe(404);
    expect(urlsOf(await pullAll(env, careAide.token))).not.toContain(`Communication/${toTeam.id}`);
  });
});

describe('audit', () => {
  it('sending and reading a message are audited by name, and no AuditEvent holds any part of the ciphertext', async () => {
    await env.request('GET', `/fhir/Communication/${message.id}`, { token: specialist.token });
    await env.platform.stop(); // flushes the queued read events
    const events = (await storedAuditEvents(env.dataDir)).map((event) => JSON.stringify(event));
    const about = (ref: string) => events.filter((e) => e.includes(ref));
    expect(about(`Communication/${message.id}`).length).toBeGreaterThanOrEqual(2); // the send and the reads
    expect(about(`Binary/${message.binaryIds[1]}`).length).toBeGreaterThanOrEqual(1);
    expect(events.some((e) => e.includes(`"Communication/${message.id}/_history/1"`) && e.includes(specialist.ref))).toBe(true);
    for (const ciphertext of message.ciphertexts) {
      const base64 = Buffer.from(ciphertext).toString('base64');
      for (const event of events) expect(event.includes(base64.slice(8, 40))).toBe(false);
    }
  });
});
