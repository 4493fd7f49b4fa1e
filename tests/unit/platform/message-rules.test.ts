/** The pure messaging rules: what an envelope and a part may hold, who is in a message's audience. */
import { describe, expect, it } from 'vitest';
import { DELIVERY_STATUS_URL, MAX_ATTACHMENT_BYTES, OPENPGP_OVERHEAD_BYTES } from '../../../src-shared/domain/messaging';
import {
  audienceIndex,
  audienceOf,
  deliveryEntries,
  deliveryExtension,
} from '../../../src-main/platform/messaging/message-audience';
import { checkEncryptedPart, checkEnvelope, isKeyEndpoint } from '../../../src-main/platform/messaging/message-rules';
import { resourceTypeDef } from '../../../src-main/platform/fhir/resource-types';
import { FhirError } from '../../../src-main/platform/fhir/fhir-error';

const envelope = (extra: Record<string, unknown> = {}) => ({
  resourceType: 'Communication',
  id: 'm1',
  status: 'completed',
  sender: { reference: 'Practitioner/a' },
  recipient: [{ reference: 'Practitioner/b' }, { reference: 'Organization/team' }],
  sent: '2025-06-02T09:30:00Z',
  payload: [{ contentAttachment: { contentType: 'application/pgp-encrypted', url: 'Binary/p0', size: 10 } }],
  ...extra,
});

function refusal(run: () => unknown): FhirError {
  try {
    run();
  } catch (error) {
    if (error instanceof FhirError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('envelope rules', () => {
  it('a well-formed envelope yields its sender, recipients and parts', () => {
    expect(checkEnvelope(envelope())).toEqual({
      sender: 'Practitioner/a',
      recipients: [
        { reference: 'Practitioner/b', expression: 'Communication.recipient[0]' },
        { reference: 'Organization/team', expression: 'Communication.recipient[1]' },
      ],
      parts: [{ binaryId: 'p0', size: 10, expression: 'Communication.payload[0].contentAttachment' }],
    });
  });

  it('any element outside routing and ciphertext references is refused by name (no plaintext)', () => {
    for (const element of ['note', 'topic', 'reasonCode', 'subject', 'extension', 'text']) {
      const error = refusal(() => checkEnvelope(envelope({ [element]: { text: 'x' } })));
      expect(error.status).toBe(422);
      expect(error.issues[0]!.expression).toBe(`Communication.${element}`);
    }
  });

  it('a display name on the sender is refused too (references only)', () => {
    expect(
      refusal(() => checkEnvelope(envelope({ sender: { reference: 'Practitioner/a', display: 'Dr A' } }))).issues[0]!.expression,
    ).toBe('Communication.sender.display');
  });
});

describe('encrypted part rules', () => {
  const part = (data: string) => ({
    resourceType: 'Binary',
    id: 'p0',
    contentType: 'application/pgp-encrypted',
    securityContext: { reference: 'Communication/m1' },
    data,
  });

  it('returns the ciphertext size of a valid part', () => {
    expect(checkEncryptedPart(part(Buffer.from([0x85, 1, 2, 3, 4]).toString('base64')), 'm1')).toEqual({ size: 5 });
  });

  it('a part whose first byte lacks the OpenPGP packet bit is "not an OpenPGP message" (400)', () => {
    const error = refusal(() => checkEncryptedPart(part(Buffer.from('hello').toString('base64')), 'm1'));
    expect(error.status).toBe(400);
    expect(error.message).toContain('not an OpenPGP message');
  });

  it('a part above 20 MiB plus the OpenPGP framing is a 413 naming Binary.data, measured without decoding', () => {
    const bytes = MAX_ATTACHMENT_BYTES + OPENPGP_OVERHEAD_BYTES + 3;
    const error = refusal(() => checkEncryptedPart(part('hQ' + 'A'.repeat((bytes / 3) * 4 - 2)), 'm1'));
    expect(error.status).toBe(413);
    expect(error.issues[0]!.expression).toBe('Binary.data');
  });
});

describe('audience', () => {
  const stored = {
    ...envelope(),
    extension: [
      deliveryExtension({ recipient: 'Practitioner/b', status: 'sent', at: '2025-06-02T09:30:00Z' }),
      deliveryExtension({ recipient: 'Practitioner/c', status: 'read', at: '2025-06-02T10:00:00Z' }),
    ],
  } as fhir4.Communication;

  it('is the sender and the effective recipients recorded in the delivery status', () => {
    expect(audienceOf(stored)).toEqual(['Practitioner/a', 'Practitioner/b', 'Practitioner/c']);
    expect(deliveryEntries(stored).map((e) => e.status)).toEqual(['sent', 'read']);
    expect(stored.extension![0]!.url).toBe(DELIVERY_STATUS_URL);
  });

  it('is indexed for an envelope, and a part written outside its message’s plan is a programming error', () => {
    expect(audienceIndex(resourceTypeDef('Communication')!, stored, undefined).map((e) => e.target)).toEqual([
      'Practitioner/a',
      'Practitioner/b',
      'Practitioner/c',
    ]);
    const binary = {
      resourceType: 'Binary',
      id: 'p0',
      contentType: 'application/pgp-encrypted',
      securityContext: { reference: 'Communication/m1' },
    } as fhir4.Binary;
    expect(() => audienceIndex(resourceTypeDef('Binary')!, binary, undefined)).toThrow('outside its message transaction');
    expect(
      audienceIndex(resourceTypeDef('Binary')!, binary, {
        communicationId: 'm1',
        audience: ['Practitioner/a'],
        binaryIds: new Set(['p0']),
      }),
    ).toEqual([{ param: '_audience', target: 'Practitioner/a' }]);
    expect(
      audienceIndex(resourceTypeDef('Binary')!, { resourceType: 'Binary', contentType: 'text/plain' } as fhir4.Binary, undefined),
    ).toEqual([]);
  });

  it('an Endpoint is a published key when any of its elements says so (seeded organisation endpoints are not)', () => {
    expect(isKeyEndpoint({ resourceType: 'Endpoint', id: 'ep-demo-org-practice', address: 'mailto:x@y' })).toBe(false);
    expect(isKeyEndpoint({ resourceType: 'Endpoint', id: 'x', address: 'urn:openpgp:ABC' })).toBe(true);
    expect(isKeyEndpoint({ resourceType: 'Endpoint', id: 'pgp-0123456789abcdef' })).toBe(true);
  });
});
