/**
 * A secure message as `Mailbox.send` puts it on the wire (src-main/core/messaging/mailbox.ts): one
 * transaction Bundle of the encrypted parts (Binary, body first) and the Communication envelope. Kept
 * in step by the bench itself: the recipient's `processIncoming()` must open every one with a valid
 * signature, or the messaging bench fails.
 */
import { randomUUID } from 'node:crypto';
import type { Binary, Bundle, BundleEntry, Communication } from 'fhir/r4';
import { PGP_CONTENT_TYPE } from '../../../src-shared/domain/messaging';

/** What the body part holds once decrypted (Mailbox's SealedBody). */
export function sealedBody(subject: string, body: string): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ v: 1, subject, body, attachments: [] }));
}

export function messageBundle(sender: string, recipients: string[], parts: Uint8Array[], sentAt: string): Bundle {
  const id = randomUUID();
  const binaries: Binary[] = parts.map((part) => ({
    resourceType: 'Binary',
    id: randomUUID(),
    contentType: PGP_CONTENT_TYPE,
    securityContext: { reference: `Communication/${id}` },
    data: Buffer.from(part).toString('base64'),
  }));
  const communication: Communication = {
    resourceType: 'Communication',
    id,
    status: 'completed',
    sender: { reference: sender },
    recipient: recipients.map((reference) => ({ reference })),
    sent: sentAt,
    payload: binaries.map((binary, i) => ({
      contentAttachment: { contentType: PGP_CONTENT_TYPE, url: `Binary/${binary.id}`, size: parts[i]!.length },
    })),
  };
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      ...binaries.map((b): BundleEntry => ({ resource: b, request: { method: 'PUT', url: `Binary/${b.id}` } })),
      { resource: communication, request: { method: 'PUT', url: `Communication/${id}` } },
    ],
  };
}
