import { randomUUID } from 'node:crypto';
import type { Binary, Bundle, BundleEntry, Communication } from 'fhir/r4';
import { PGP_CONTENT_TYPE } from '../../../src-shared/domain/messaging';

/**
 * A secure message on the wire (src-main/platform/MESSAGING.md): one transaction Bundle holding the
 * encrypted parts as Binaries (the sealed body first, then the attachments) and the Communication
 * envelope that names sender, recipients and sizes — never the subject or the text.
 */

/** What the body part holds once decrypted. */
export interface SealedBody {
  v: 1;
  subject: string;
  body: string;
  attachments: { name: string; contentType: string; size: number }[];
}

export function sealBody(body: Omit<SealedBody, 'v'>): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ v: 1, ...body } satisfies SealedBody));
}

/** A gpg user may send plain text rather than our sealed JSON: it is shown as the text of the message. */
export function unsealBody(data: Uint8Array): SealedBody {
  const text = new TextDecoder().decode(data);
  try {
    const parsed = JSON.parse(text) as Partial<SealedBody>;
    if (parsed.v === 1 && typeof parsed.subject === 'string' && typeof parsed.body === 'string') {
      return {
        v: 1,
        subject: parsed.subject,
        body: parsed.body,
        attachments: Array.isArray(parsed.attachments) ? parsed.attachments : [],
      };
    }
  } catch {
    // not JSON: plain text from another OpenPGP client
  }
  return { v: 1, subject: '', body: text, attachments: [] };
}

export interface MessageParts {
  /** The envelope id; a new UUID when omitted. */
  id?: string;
  sender: string;
  recipients: string[];
  /** Encrypted parts: the sealed body first, then one per attachment. */
  parts: Uint8Array[];
  sentAt: string;
}

export function messageBundle(message: MessageParts): { id: string; bundle: Bundle } {
  const id = message.id ?? randomUUID();
  const binaries: Binary[] = message.parts.map((part) => ({
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
    sender: { reference: message.sender },
    recipient: message.recipients.map((reference) => ({ reference })),
    sent: message.sentAt,
    payload: binaries.map((binary, i) => ({
      contentAttachment: { contentType: PGP_CONTENT_TYPE, url: `Binary/${binary.id}`, size: message.parts[i]!.length },
    })),
  };
  const bundle: Bundle = {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      ...binaries.map((b): BundleEntry => ({ resource: b, request: { method: 'PUT', url: `Binary/${b.id}` } })),
      { resource: communication, request: { method: 'PUT', url: `Communication/${id}` } },
    ],
  };
  return { id, bundle };
}
