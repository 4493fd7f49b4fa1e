/** Delivery status: recipients acknowledge with $receipt (monotone, idempotent); the sender learns it through $changes. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DELIVERY_STATUS_URL } from '../../../src-shared/domain/messaging';
import { startTestPlatform, type TestPlatform } from '../platform/platform-harness';
import { buildMessage, party, publishKey, pullAll, send, type Json, type Message, type Party } from './messaging-harness';

let env: TestPlatform;
let gp: Party;
let specialist: Party;
let nurse: Party;
let message: Message;

const receipt = (status: string) => ({ resourceType: 'Parameters', parameter: [{ name: 'status', valueCode: status }] });
const statusOf = (communication: Json, recipient: string): string | undefined =>
  communication.extension
    ?.filter((e: Json) => e.url === DELIVERY_STATUS_URL)
    .map((e: Json) => e.extension)
    .find((parts: Json[]) => parts.find((p) => p.url === 'recipient')?.valueReference.reference === recipient)
    ?.find((p: Json) => p.url === 'status')?.valueCode;
const postReceipt = (who: Party, status: string, operationId?: string, id = message.id) =>
  env.request('POST', `/fhir/Communication/${id}/$receipt`, {
    token: who.token,
    body: receipt(status),
    ...(operationId ? { headers: { 'X-Operation-Id': operationId } } : {}),
  });

beforeAll(async () => {
  env = await startTestPlatform({ seed: 'none' });
  [gp, specialist, nurse] = await Promise.all([party(env, 'gp'), party(env, 'specialist'), party(env, 'nurse')]);
  for (const p of [gp, specialist, nurse]) await publishKey(env, p);
  message = await buildMessage(
    gp,
    [specialist.ref, nurse.ref],
    [specialist.keys.publicKeyArmored, nurse.keys.publicKeyArmored],
    [new TextEncoder().encode('body')],
  );
  expect((await send(env, gp, message)).status).toBe(200);
});
afterAll(async () => env?.stop());

describe('receipts', () => {
  it('a recipient marks a message delivered then read; each receipt is a new version the sender gets in $changes', async () => {
    const delivered = await postReceipt(specialist, 'delivered', 'receipt-spec-0001');
    expect(delivered.status).toBe(200);
    expect(delivered.json.meta.versionId).toBe('2');
    expect(statusOf(delivered.json, specialist.ref)).toBe('delivered');
    expect(statusOf(delivered.json, nurse.ref)).toBe('sent');
    let feed = (await pullAll(env, gp.token)).find((e: Json) => e.request.url === `Communication/${message.id}`);
    expect(statusOf(feed.resource, specialist.ref)).toBe('delivered');

    const read = await postReceipt(specialist, 'read', 'receipt-spec-0002');
    expect(read.status).toBe(200);
    expect(read.json.meta.versionId).toBe('3');
    feed = (await pullAll(env, gp.token)).find((e: Json) => e.request.url === `Communication/${message.id}`);
    expect(statusOf(feed.resource, specialist.ref)).toBe('read');
    expect(statusOf(feed.resource, nurse.ref)).toBe('sent');
    expect(feed.response.etag).toBe('W/"3"');
  });

  it('status is monotone: "delivered" after "read" changes nothing', async () => {
    const before = await env.platform.fingerprint();
    const late = await postReceipt(specialist, 'delivered');
    expect(late.status).toBe(200);
    expect(statusOf(late.json, specialist.ref)).toBe('read');
    expect(late.json.meta.versionId).toBe('3');
    expect(await env.platform.fingerprint()).toEqual(before);
  });

  it('"read" straight away implies delivered (sent → read)', async () => {
    const read = await postReceipt(nurse, 'read');
    expect(read.status).toBe(200);
    expect(statusOf(read.json, nurse.ref)).toBe('read');
    expect(statusOf(read.json, specialist.ref)).toBe('read');
  });

  it('a replayed receipt (same X-Operation-Id) returns the first response without a new version', async () => {
    const before = await env.platform.fingerprint();
    const replay = await postReceipt(specialist, 'delivered', 'receipt-spec-0001');
    expect(replay.status).toBe(200);
    expect(replay.headers.get('x-operation-replayed')).toBe('true');
    expect(replay.json.meta.versionId).toBe('2');
    expect(await env.platform.fingerprint()).toEqual(before);
    const reused = await postReceipt(specialist, 'read', 'receipt-spec-0001');
    expect(reused.status).toBe(422);
    expect(reused.json.issue[0].diagnostics).toContain('already used for a different request');
  });

  it('only an effective recipient may acknowledge (403), the sender included, and a stranger learns nothing about existence', async () => {
    const before = await env.platform.fingerprint();
    const [bySender, byStranger, unknown] = await Promise.all([
      postReceipt(gp, 'read'),
      postReceipt(await party(env, 'care-aide'), 'read'),
      postReceipt(nurse, 'read', undefined, 'no-such-message'),
    ]);
    for (const refused of [bySender, byStranger, unknown]) {
      expect(refused.status).toBe(403);
      expect(refused.json.issue[0].diagnostics).toContain('only an effective recipient');
    }
    expect(await env.platform.fingerprint()).toEqual(before);
  });

  it('a receipt with a status outside delivered/read is a 400 naming the parameter', async () => {
    const refused = await postReceipt(specialist, 'sent');
    expect(refused.status).toBe(400);
    expect(refused.json.issue[0].expression).toEqual(['Parameters.parameter[0].valueCode']);
  });
});
