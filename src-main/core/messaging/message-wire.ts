import { createHash, randomUUID } from 'node:crypto';
import type { Binary, Bundle, BundleEntry, Communication } from 'fhir/r4';
import { blobExtensions, type BlobReference } from '../../../src-shared/domain/attachments';
import { PGP_CONTENT_TYPE } from '../../../src-shared/domain/messaging';
import { readSealedBody, SEALED_BODY_VERSION, type ReadBody, type SealedBody } from '../../../src-shared/domain/sealed-body';

/**
 * A secure message on the wire (src-main/platform/MESSAGING.md): one transaction Bundle holding the
 * encrypted parts as Binaries (the sealed body first, then the attachments) and the Communication
 * envelope that names sender, recipients and sizes — never the subject or the text.
 */

/** Seals the body for the envelope `body.messageId`: the bytes the first part encrypts and signs. */
export function sealBody(body: Omit<SealedBody, 'v'>): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ v: SEALED_BODY_VERSION, ...body } satisfies SealedBody));
}

/** Reads a decrypted body part: our sealed JSON (schema-checked), plain text from another OpenPGP client, or malformed. */
export function unsealBody(data: Uint8Array): ReadBody {
  return readSealedBody(new TextDecoder().decode(data));
}

/** Lower-case hex SHA-256, as the sealed body lists each attachment's. */
/** Base64 of bytes through a view of them: `Buffer.from(uint8Array)` would first copy a 10 MB attachment. */
export function base64Of(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

export function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export interface MessageParts {
  /** The envelope id; a new UUID when omitted. */
  id?: string;
  sender: string;
  recipients: string[];
  /**
   * Encrypted parts: the sealed body first, then one per attachment. Bytes travel inline; a blob
   * reference (the attachment queue uploads its bytes apart) makes a Binary that names the blob.
   */
  parts: Array<Uint8Array | BlobReference>;
  sentAt: string;
}

export function messageBundle(message: MessageParts): { id: string; bundle: Bundle } {
  const id = message.id ?? randomUUID();
  const binaries: Binary[] = message.parts.map((part) => ({
    resourceType: 'Binary',
    id: randomUUID(),
    ...(part instanceof Uint8Array ? {} : { meta: { extension: blobExtensions(part) } }),
    contentType: PGP_CONTENT_TYPE,
    securityContext: { reference: `Communication/${id}` },
    ...(part instanceof Uint8Array ? { data: base64Of(part) } : {}),
  }));
  const sizeOf = (part: Uint8Array | BlobReference) => (part instanceof Uint8Array ? part.length : part.size);
  const communication: Communication = {
    resourceType: 'Communication',
    id,
    status: 'completed',
    sender: { reference: message.sender },
    recipient: message.recipients.map((reference) => ({ reference })),
    sent: message.sentAt,
    payload: binaries.map((binary, i) => ({
      contentAttachment: { contentType: PGP_CONTENT_TYPE, url: `Binary/${binary.id}`, size: sizeOf(message.parts[i]!) },
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
