/**
 * Every message the platform must refuse: a 4xx OperationOutcome naming the element and the rule,
 * and the database exactly as it was (nothing of the transaction written).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ATTACHMENT_BYTES, MAX_MESSAGE_REQUEST_BYTES, OPENPGP_OVERHEAD_BYTES } from '../../../src-shared/domain/messaging';
import { startTestPlatform, type TestPlatform } from '../platform/platform-harness';
import {
  binaryPart,
  buildMessage,
  envelope,
  party,
  publishKey,
  send,
  transaction,
  type Json,
  type Message,
  type Party,
} from './messaging-harness';

let env: TestPlatform;
let gp: Party;
let specialist: Party;
let base: Message;
const USED_ID = 'refusals-used-0001';

beforeAll(async () => {
  env = await startTestPlatform({ seed: 'none' });
  [gp, specialist] = await Promise.all([party(env, 'gp'), party(env, 'specialist')]);
  await publishKey(env, gp);
  await publishKey(env, specialist);
  base = await buildMessage(
    gp,
    [specialist.ref],
    [specialist.keys.publicKeyArmored],
    [new TextEncoder().encode('body'), new TextEncoder().encode('attachment')],
  );
  const used = await buildMessage(gp, [specialist.ref], [specialist.keys.publicKeyArmored], [new TextEncoder().encode('first')]);
  expect((await send(env, gp, used, USED_ID)).status).toBe(200);
});
afterAll(async () => env?.stop());

/** The base message under fresh ids, with its envelope (last entry) and parts changed. */
function variant(change: { envelope?: (c: Json) => Json; binaries?: (b: Json[]) => Json[] }): Json {
  const ids = new Map([base.id, ...base.binaryIds].map((id) => [id, randomUUID()]));
  const bundle = JSON.parse(
    JSON.stringify(base.bundle).replace(
      /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g,
      (id) => ids.get(id) ?? id,
    ),
  );
  const binaries = bundle.entry.slice(0, -1).map((e: Json) => e.resource);
  const communication = bundle.entry.at(-1).resource;
  return transaction(
    change.envelope ? change.envelope(communication) : communication,
    change.binaries ? change.binaries(binaries) : binaries,
  );
}

/** A message whose one attachment decodes to `bytes` bytes starting like an OpenPGP packet. */
function withAttachmentOf(bytes: number): Json {
  const data = randomBytes(bytes);
  data[0] = 0x84;
  return variant({
    binaries: (b) => [b[0], { ...b[1], data: data.toString('base64') }],
    envelope: (c) => ({
      ...c,
      payload: [c.payload[0], { contentAttachment: { ...c.payload[1].contentAttachment, size: bytes } }],
    }),
  });
}

interface Refusal {
  rule: string;
  bundle: () => Json;
  as?: () => Party;
  operationId?: string;
  status: number;
  diagnostics: string;
}

const refusals: Refusal[] = [
  {
    rule: 'no plaintext: payload.contentString',
    bundle: () => variant({ envelope: (c) => ({ ...c, payload: [...c.payload, { contentString: 'Résultats du patient' }] }) }),
    status: 422,
    diagnostics: 'payload[2].contentString: not allowed',
  },
  {
    rule: 'no plaintext: topic',
    bundle: () => variant({ envelope: (c) => ({ ...c, topic: { text: 'Résultats' } }) }),
    status: 422,
    diagnostics: 'topic: not allowed',
  },
  {
    rule: 'no plaintext: note',
    bundle: () => variant({ envelope: (c) => ({ ...c, note: [{ text: 'urgent' }] }) }),
    status: 422,
    diagnostics: 'note: not allowed',
  },
  {
    rule: 'no plaintext: reasonCode',
    bundle: () => variant({ envelope: (c) => ({ ...c, reasonCode: [{ text: 'suivi' }] }) }),
    status: 422,
    diagnostics: 'reasonCode: not allowed',
  },
  {
    rule: 'no plaintext: subject',
    bundle: () => variant({ envelope: (c) => ({ ...c, subject: { reference: 'Patient/demo-patient' } }) }),
    status: 422,
    diagnostics: 'subject: not allowed',
  },
  {
    rule: 'no plaintext: an attachment title',
    bundle: () =>
      variant({
        envelope: (c) => ({
          ...c,
          payload: [c.payload[0], { contentAttachment: { ...c.payload[1].contentAttachment, title: 'scanner.pdf' } }],
        }),
      }),
    status: 422,
    diagnostics: 'contentAttachment.title: not allowed',
  },
  {
    rule: 'no plaintext: a part of another content type',
    bundle: () =>
      variant({
        envelope: (c) => ({
          ...c,
          payload: [c.payload[0], { contentAttachment: { ...c.payload[1].contentAttachment, contentType: 'application/pdf' } }],
        }),
      }),
    status: 422,
    diagnostics: 'contentType: must be application/pgp-encrypted',
  },
  {
    rule: 'no plaintext: a Binary of another content type',
    bundle: () => variant({ binaries: (b) => [b[0], { ...b[1], contentType: 'text/plain' }] }),
    status: 422,
    diagnostics: 'Binary.contentType',
  },
  {
    rule: 'at most 10 attachments (11 parts)',
    bundle: () => {
      const id = randomUUID();
      const parts = Array.from({ length: 12 }, () => randomUUID());
      const data = Buffer.from(base.ciphertexts[0]!);
      return transaction(
        envelope(
          id,
          gp.ref,
          [specialist.ref],
          parts.map((p) => ({ id: p, size: data.length })),
        ),
        parts.map((p) => binaryPart(p, id, data)),
      );
    },
    status: 422,
    diagnostics: 'at most 11 allowed',
  },
  {
    rule: 'an attachment above 20 MiB (and its OpenPGP framing) is a 413 naming Binary.data',
    bundle: () => withAttachmentOf(MAX_ATTACHMENT_BYTES + OPENPGP_OVERHEAD_BYTES + 1),
    status: 413,
    diagnostics: `Binary.data: ${MAX_ATTACHMENT_BYTES + OPENPGP_OVERHEAD_BYTES + 1} bytes, larger than`,
  },
  {
    rule: 'a transaction above the hard cap is a 413',
    bundle: () => ({ resourceType: 'Bundle', type: 'transaction', padding: 'x'.repeat(MAX_MESSAGE_REQUEST_BYTES) }),
    status: 413,
    diagnostics: `larger than the ${MAX_MESSAGE_REQUEST_BYTES} bytes accepted`,
  },
  {
    rule: 'a part must be an OpenPGP message',
    bundle: () =>
      variant({ binaries: (b) => [b[0], { ...b[1], data: Buffer.from('-----BEGIN PGP MESSAGE-----').toString('base64') }] }),
    status: 400,
    diagnostics: 'not an OpenPGP message',
  },
  {
    rule: 'a part must be base64',
    bundle: () => variant({ binaries: (b) => [b[0], { ...b[1], data: 'not base64!' }] }),
    status: 400,
    diagnostics: 'not valid base64',
  },
  {
    rule: 'the sender is the caller',
    bundle: () => variant({ envelope: (c) => ({ ...c, sender: { reference: specialist.ref } }) }),
    status: 403,
    diagnostics: 'Communication.sender: must be the caller',
  },
  {
    rule: 'every recipient exists in the directory',
    bundle: () => variant({ envelope: (c) => ({ ...c, recipient: [{ reference: 'Practitioner/nobody-here' }] }) }),
    status: 422,
    diagnostics: 'Practitioner/nobody-here does not exist in the directory',
  },
  {
    rule: 'a recipient is a Practitioner or an Organization',
    bundle: () => variant({ envelope: (c) => ({ ...c, recipient: [{ reference: 'Patient/demo-patient' }] }) }),
    status: 422,
    diagnostics: 'must name a Practitioner or an Organization',
  },
  {
    rule: 'every part is named by the payload',
    bundle: () => variant({ envelope: (c) => ({ ...c, payload: [c.payload[0]] }) }),
    status: 422,
    diagnostics: 'is no part of Communication.payload',
  },
  {
    rule: 'every payload part is written in the same transaction',
    bundle: () => variant({ binaries: (b) => [b[0]] }),
    status: 422,
    diagnostics: 'is not written in this transaction',
  },
  {
    rule: 'a part’s declared size is its ciphertext size',
    bundle: () =>
      variant({
        envelope: (c) => ({
          ...c,
          payload: [c.payload[0], { contentAttachment: { ...c.payload[1].contentAttachment, size: 1 } }],
        }),
      }),
    status: 422,
    diagnostics: 'bytes of ciphertext',
  },
  {
    rule: 'a part belongs to the envelope of its transaction',
    bundle: () => variant({ binaries: (b) => [b[0], { ...b[1], securityContext: { reference: 'Communication/other' } }] }),
    status: 422,
    diagnostics: 'Binary.securityContext',
  },
  {
    rule: 'a message transaction holds nothing else',
    bundle: () => ({
      ...variant({}),
      entry: [
        ...variant({}).entry,
        {
          resource: { resourceType: 'Organization', id: 'x-org', name: 'X' },
          request: { method: 'PUT', url: 'Organization/x-org' },
        },
      ],
    }),
    status: 400,
    diagnostics: 'holds only its Communication',
  },
  {
    rule: 'a message is sent with PUT',
    bundle: () => ({
      ...variant({}),
      entry: variant({}).entry.map((e: Json) =>
        e.resource.resourceType === 'Communication' ? { ...e, request: { method: 'POST', url: 'Communication' } } : e,
      ),
    }),
    status: 400,
    diagnostics: 'request.method',
  },
  {
    rule: 'an operation id reused with another payload',
    bundle: () => variant({}),
    operationId: USED_ID,
    status: 422,
    diagnostics: 'already used for a different request',
  },
  {
    rule: 'patients send no messages',
    bundle: () => variant({ envelope: (c) => ({ ...c, sender: { reference: 'Patient/demo-patient' } }) }),
    as: () => ({ ...gp, token: patientToken }),
    status: 403,
    diagnostics: 'only professionals',
  },
];

let patientToken = '';
beforeAll(async () => {
  patientToken = await env.login('patient');
});

describe('refused messages', () => {
  for (const refusal of refusals) {
    it(`${refusal.rule}: ${refusal.status}, nothing written`, async () => {
      const before = await env.platform.fingerprint();
      const who = refusal.as?.() ?? gp;
      const result = await env.request('POST', '/fhir', {
        token: who.token,
        body: refusal.bundle(),
        headers: { 'X-Operation-Id': refusal.operationId ?? `refused-${randomUUID()}` },
      });
      expect(result.status).toBe(refusal.status);
      expect(result.json.resourceType).toBe('OperationOutcome');
      expect(result.json.issue[0].diagnostics).toContain(refusal.diagnostics);
      expect(await env.platform.fingerprint()).toEqual(before);
    });
  }

  it('the base message of these cases is itself accepted (so each refusal is due to its one change)', async () => {
    expect((await send(env, gp, base)).status).toBe(200);
  });

  it('an attachment of exactly 20 MiB is accepted (the raised body limit carries it)', async () => {
    const result = await env.request('POST', '/fhir', {
      token: gp.token,
      body: withAttachmentOf(MAX_ATTACHMENT_BYTES),
      headers: { 'X-Operation-Id': `big-${randomUUID()}` },
    });
    expect(result.status).toBe(200);
  });

  it('an encrypted part is never written outside its message transaction', async () => {
    const before = await env.platform.fingerprint();
    const id = randomUUID();
    const direct = await env.request('PUT', `/fhir/Binary/${id}`, {
      token: gp.token,
      body: binaryPart(id, 'whatever', base.ciphertexts[0]!),
    });
    expect(direct.status).toBe(422);
    expect(direct.json.issue[0].diagnostics).toContain("only in its message's transaction");
    expect(await env.platform.fingerprint()).toEqual(before);
  });
});
