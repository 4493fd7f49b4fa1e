/**
 * The shape rules of secure messaging (issue 6), pure: an envelope (Communication) and its encrypted
 * parts (Binary) carry ciphertext and routing only, never plaintext; a published key (Endpoint) is
 * consistent with its fingerprint. Each refusal names the element and the rule. The rules needing the
 * database (recipients exist, who may act) live in messaging/messaging.ts.
 */
import * as openpgp from 'openpgp';
import {
  ENDPOINT_CONNECTION_TYPE_SYSTEM,
  ENDPOINT_OWNER_URL,
  MAX_ATTACHMENT_BYTES,
  MAX_ATTACHMENTS,
  OPENPGP_ADDRESS_PREFIX,
  OPENPGP_CONNECTION_TYPE_CODE,
  OPENPGP_FINGERPRINT_SYSTEM,
  OPENPGP_OVERHEAD_BYTES,
  OPENPGP_PAYLOAD_CODE,
  OPENPGP_PAYLOAD_SYSTEM,
  OPENPGP_PUBLIC_KEY_URL,
  PGP_CONTENT_TYPE,
  openpgpEndpointId,
} from '../../../src-shared/domain/messaging';
import { BLOB_SHA256_URL, BLOB_SIZE_URL, blobOf, type BlobReference } from '../../../src-shared/domain/attachments';
import { badRequest, FhirError, forbidden, unprocessable } from '../fhir/fhir-error';

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const NO_PLAINTEXT =
  'a message envelope carries no plaintext (subject, text and attachment names travel inside the encrypted body part)';

/** Largest decoded Binary.data of one encrypted part. */
export const MAX_PART_BYTES = MAX_ATTACHMENT_BYTES + OPENPGP_OVERHEAD_BYTES;

function onlyKeys(node: Json, allowed: readonly string[], where: string, why: string): void {
  for (const key of Object.keys(node)) {
    if (!allowed.includes(key))
      throw unprocessable(
        `${where}.${key}: not allowed — ${why} (allowed: ${allowed.join(', ')})`,
        `${where}.${key}`,
        'security',
      );
  }
}

const ENVELOPE_ELEMENTS = ['resourceType', 'id', 'meta', 'status', 'sender', 'recipient', 'sent', 'payload'] as const;
const META_ELEMENTS = ['versionId', 'lastUpdated', 'profile'] as const;

export interface EnvelopeShape {
  sender: string;
  recipients: Array<{ reference: string; expression: string }>;
  /** Binary ids of the parts, body first, and the declared ciphertext size of each. */
  parts: Array<{ binaryId: string; size: number; expression: string }>;
}

function referenceOnly(value: unknown, where: string): string {
  if (!isRecord(value) || typeof value.reference !== 'string')
    throw unprocessable(`${where}.reference: required element missing`, `${where}.reference`, 'required');
  onlyKeys(value, ['reference'], where, NO_PLAINTEXT);
  return value.reference;
}

/** Checks a Communication as the client sent it (before the platform adds the delivery status). */
export function checkEnvelope(body: Json): EnvelopeShape {
  onlyKeys(body, ENVELOPE_ELEMENTS, 'Communication', NO_PLAINTEXT);
  if (body.meta !== undefined) {
    if (!isRecord(body.meta)) throw badRequest('Communication.meta: must be an object', 'Communication.meta', 'structure');
    onlyKeys(body.meta, META_ELEMENTS, 'Communication.meta', NO_PLAINTEXT);
  }
  if (body.status !== 'completed') {
    throw unprocessable(
      `Communication.status: must be "completed" (a message is sent once, complete; got ${JSON.stringify(body.status ?? null)})`,
      'Communication.status',
      'value',
    );
  }
  if (typeof body.sent !== 'string')
    throw unprocessable(
      'Communication.sent: required element missing (the instant the message was sent)',
      'Communication.sent',
      'required',
    );
  const sender = referenceOnly(body.sender, 'Communication.sender');

  if (!Array.isArray(body.recipient) || body.recipient.length === 0) {
    throw unprocessable(
      'Communication.recipient: required element missing (at least one Practitioner or Organization)',
      'Communication.recipient',
      'required',
    );
  }
  const recipients = body.recipient.map((r, i) => {
    const expression = `Communication.recipient[${i}]`;
    const reference = referenceOnly(r, expression);
    if (!/^(Practitioner|Organization)\/[A-Za-z0-9\-.]{1,64}$/.test(reference)) {
      throw unprocessable(
        `${expression}.reference: "${reference.slice(0, 80)}" must name a Practitioner or an Organization (service mailbox) of the directory`,
        `${expression}.reference`,
      );
    }
    return { reference, expression };
  });

  if (!Array.isArray(body.payload) || body.payload.length === 0) {
    throw unprocessable(
      'Communication.payload: required element missing (payload[0] is the encrypted body)',
      'Communication.payload',
      'required',
    );
  }
  if (body.payload.length > MAX_ATTACHMENTS + 1) {
    throw unprocessable(
      `Communication.payload: ${body.payload.length} parts, at most ${MAX_ATTACHMENTS + 1} allowed (the encrypted body and at most ${MAX_ATTACHMENTS} attachments)`,
      'Communication.payload',
      'too-costly',
    );
  }
  const parts = body.payload.map((p, i) => {
    const at = `Communication.payload[${i}]`;
    if (!isRecord(p)) throw badRequest(`${at}: must be an object`, at, 'structure');
    onlyKeys(p, ['contentAttachment'], at, `${NO_PLAINTEXT}; a part is a contentAttachment of type ${PGP_CONTENT_TYPE}`);
    const attachment = p.contentAttachment;
    const where = `${at}.contentAttachment`;
    if (!isRecord(attachment)) throw unprocessable(`${where}: required element missing`, where, 'required');
    onlyKeys(attachment, ['contentType', 'url', 'size'], where, NO_PLAINTEXT);
    if (attachment.contentType !== PGP_CONTENT_TYPE) {
      throw unprocessable(
        `${where}.contentType: must be ${PGP_CONTENT_TYPE} (the platform stores ciphertext only)`,
        `${where}.contentType`,
        'security',
      );
    }
    const url = typeof attachment.url === 'string' ? /^Binary\/([A-Za-z0-9\-.]{1,64})$/.exec(attachment.url) : null;
    if (!url)
      throw unprocessable(`${where}.url: must be "Binary/<id>" of an encrypted part in the same transaction`, `${where}.url`);
    if (typeof attachment.size !== 'number' || !Number.isSafeInteger(attachment.size) || attachment.size < 1) {
      throw unprocessable(`${where}.size: required, the number of bytes of the ciphertext`, `${where}.size`, 'required');
    }
    return { binaryId: url[1]!, size: attachment.size, expression: where };
  });
  const seen = new Set<string>();
  for (const part of parts) {
    if (seen.has(part.binaryId))
      throw unprocessable(
        `${part.expression}.url: Binary/${part.binaryId} is named by two parts`,
        `${part.expression}.url`,
        'duplicate',
      );
    seen.add(part.binaryId);
  }
  return { sender, recipients, parts };
}

/** Decoded length of standard base64 (validated first), without decoding megabytes twice. */
function decodedLength(base64: string): number {
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  return (base64.length / 4) * 3 - padding;
}

/**
 * Checks an encrypted part (`where` is its FHIRPath, e.g. Binary) and returns its ciphertext size, and the
 * blob holding it when the part names one instead of carrying `data` (issue 10: its OpenPGP framing is
 * checked by the caller, which can read the blob's first byte).
 * Nothing of the data is quoted in an error (refusals are audited; the audit holds no ciphertext).
 */
export function checkEncryptedPart(body: Json, communicationId: string): { size: number; blob?: BlobReference } {
  onlyKeys(
    body,
    ['resourceType', 'id', 'meta', 'contentType', 'securityContext', 'data'],
    'Binary',
    'an encrypted message part carries ciphertext only',
  );
  if (body.meta !== undefined) {
    if (!isRecord(body.meta)) throw badRequest('Binary.meta: must be an object', 'Binary.meta', 'structure');
    onlyKeys(body.meta, [...META_ELEMENTS, 'extension'], 'Binary.meta', 'an encrypted message part carries ciphertext only');
    const extensions = Array.isArray(body.meta.extension) ? body.meta.extension : body.meta.extension === undefined ? [] : [null];
    if (extensions.some((e) => !isRecord(e) || (e.url !== BLOB_SHA256_URL && e.url !== BLOB_SIZE_URL)))
      throw unprocessable(
        `Binary.meta.extension: only the blob's ${BLOB_SHA256_URL} and ${BLOB_SIZE_URL} — an encrypted message part carries ciphertext only`,
        'Binary.meta.extension',
        'security',
      );
  }
  if (body.contentType !== PGP_CONTENT_TYPE) {
    throw unprocessable(
      `Binary.contentType: must be ${PGP_CONTENT_TYPE} for a part of a message (the platform stores ciphertext only)`,
      'Binary.contentType',
      'security',
    );
  }
  const context = isRecord(body.securityContext) ? body.securityContext.reference : undefined;
  if (context !== `Communication/${communicationId}`) {
    throw unprocessable(
      `Binary.securityContext: must be Communication/${communicationId}, the envelope sent in the same transaction`,
      'Binary.securityContext',
    );
  }
  const data = body.data;
  const blob = data === undefined ? blobOf(body as unknown as fhir4.Resource) : undefined;
  if (blob) {
    if (blob.size === 0)
      throw unprocessable('Binary.meta.extension: an encrypted part is never empty', 'Binary.meta.extension', 'value');
    checkPartSize(blob.size, 'Binary.meta.extension');
    return { size: blob.size, blob };
  }
  if (typeof data !== 'string' || data.length === 0)
    throw unprocessable(
      'Binary.data: required element missing (the OpenPGP message, base64, or the blob holding it named in Binary.meta.extension)',
      'Binary.data',
      'required',
    );
  if (data.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(data))
    throw badRequest('Binary.data: not valid base64', 'Binary.data', 'value');
  const size = decodedLength(data);
  checkPartSize(size, 'Binary.data');
  checkOpenPgpFraming(Buffer.from(data.slice(0, 4), 'base64')[0] ?? 0, 'Binary.data');
  return { size };
}

function checkPartSize(size: number, where: string): void {
  if (size > MAX_PART_BYTES) {
    throw new FhirError(413, {
      code: 'too-costly',
      diagnostics: `${where}: ${size} bytes, larger than the ${MAX_PART_BYTES} accepted (an attachment of at most ${MAX_ATTACHMENT_BYTES} bytes and its OpenPGP framing)`,
      expression: where,
    });
  }
}

/** Every OpenPGP packet header has bit 7 set (RFC 4880 §4.2); an armored or plaintext upload has not. */
export function checkOpenPgpFraming(firstByte: number, where: string): void {
  if ((firstByte & 0x80) === 0)
    throw badRequest(`${where}: not an OpenPGP message (send the binary OpenPGP message, base64-encoded)`, where, 'value');
}

// ── Published keys ──

/** An Endpoint is a published OpenPGP key when anything about it says so; then all the key rules apply. */
export function isKeyEndpoint(endpoint: Json): boolean {
  const codings = Array.isArray(endpoint.payloadType)
    ? endpoint.payloadType.flatMap((p) => (isRecord(p) && Array.isArray(p.coding) ? p.coding : []))
    : [];
  const extensions = Array.isArray(endpoint.extension) ? endpoint.extension : [];
  const identifiers = Array.isArray(endpoint.identifier) ? endpoint.identifier : [];
  return (
    codings.some((c) => isRecord(c) && c.code === OPENPGP_PAYLOAD_CODE) ||
    extensions.some((e) => isRecord(e) && (e.url === ENDPOINT_OWNER_URL || e.url === OPENPGP_PUBLIC_KEY_URL)) ||
    identifiers.some((i) => isRecord(i) && i.system === OPENPGP_FINGERPRINT_SYSTEM) ||
    (typeof endpoint.address === 'string' && endpoint.address.startsWith(OPENPGP_ADDRESS_PREFIX)) ||
    (typeof endpoint.id === 'string' && endpoint.id.startsWith('pgp-'))
  );
}

function oneExtension(endpoint: Json, url: string, name: string): { value: Json; expression: string } {
  const extensions = Array.isArray(endpoint.extension) ? endpoint.extension : [];
  const found = extensions
    .map((value, i) => ({ value, expression: `Endpoint.extension[${i}]` }))
    .filter((e) => isRecord(e.value) && e.value.url === url);
  if (found.length !== 1) {
    throw unprocessable(
      `Endpoint.extension(${name}): a published key needs exactly one (${url}), found ${found.length}`,
      'Endpoint.extension',
      found.length === 0 ? 'required' : 'invalid',
    );
  }
  return found[0] as { value: Json; expression: string };
}

/** The owner ("Practitioner/…") an Endpoint's owner extension names, if any. */
export function ownerOf(endpoint: Json): string | undefined {
  const extensions = Array.isArray(endpoint.extension) ? endpoint.extension : [];
  const owner = extensions.find((e) => isRecord(e) && e.url === ENDPOINT_OWNER_URL) as Json | undefined;
  const ref = owner && isRecord(owner.valueReference) ? owner.valueReference.reference : undefined;
  return typeof ref === 'string' ? ref : undefined;
}

/**
 * Checks a published key: written by its owner only (403), its id, identifier, address and armored key
 * all naming the same fingerprint (400 naming the element that disagrees).
 */
export async function checkKeyEndpoint(endpoint: Json, caller: string): Promise<void> {
  const owner = oneExtension(endpoint, ENDPOINT_OWNER_URL, 'endpoint-owner');
  const ownerRef = isRecord(owner.value.valueReference) ? owner.value.valueReference.reference : undefined;
  if (typeof ownerRef !== 'string' || !/^Practitioner\/[A-Za-z0-9\-.]{1,64}$/.test(ownerRef)) {
    throw unprocessable(
      `${owner.expression}.valueReference: must name the Practitioner who owns the key`,
      `${owner.expression}.valueReference`,
      'required',
    );
  }
  if (ownerRef !== caller)
    throw forbidden(
      `${owner.expression}.valueReference: only ${ownerRef} may publish or change their own key (caller is ${caller})`,
    );

  const identifiers = Array.isArray(endpoint.identifier) ? endpoint.identifier : [];
  const fprIndex = identifiers.findIndex((i) => isRecord(i) && i.system === OPENPGP_FINGERPRINT_SYSTEM);
  if (fprIndex < 0)
    throw badRequest(
      `Endpoint.identifier: a published key needs its fingerprint (system ${OPENPGP_FINGERPRINT_SYSTEM})`,
      'Endpoint.identifier',
      'required',
    );
  const fingerprint = (identifiers[fprIndex] as Json).value;
  const fprAt = `Endpoint.identifier[${fprIndex}].value`;
  if (typeof fingerprint !== 'string' || !/^[0-9A-F]{40}$/.test(fingerprint))
    throw badRequest(`${fprAt}: must be the 40 upper-case hex digits of the key fingerprint`, fprAt, 'value');
  if (identifiers.filter((i) => isRecord(i) && i.system === OPENPGP_FINGERPRINT_SYSTEM).length > 1) {
    throw badRequest(
      'Endpoint.identifier: one fingerprint per published key (rotation publishes a new Endpoint)',
      'Endpoint.identifier',
    );
  }
  if (endpoint.id !== openpgpEndpointId(fingerprint)) {
    throw badRequest(
      `Endpoint.id: "${String(endpoint.id)}" must be ${openpgpEndpointId(fingerprint)} (pgp- and the first 16 hex digits of the fingerprint, lower case)`,
      'Endpoint.id',
    );
  }
  if (endpoint.address !== `${OPENPGP_ADDRESS_PREFIX}${fingerprint}`) {
    throw badRequest(
      `Endpoint.address: must be ${OPENPGP_ADDRESS_PREFIX}${fingerprint}, the fingerprint of Endpoint.identifier`,
      'Endpoint.address',
    );
  }
  const connection = isRecord(endpoint.connectionType) ? endpoint.connectionType : {};
  if (connection.system !== ENDPOINT_CONNECTION_TYPE_SYSTEM || connection.code !== OPENPGP_CONNECTION_TYPE_CODE) {
    throw badRequest(
      `Endpoint.connectionType: must be ${ENDPOINT_CONNECTION_TYPE_SYSTEM}|${OPENPGP_CONNECTION_TYPE_CODE}`,
      'Endpoint.connectionType',
      'value',
    );
  }
  const codings = Array.isArray(endpoint.payloadType)
    ? endpoint.payloadType.flatMap((p) => (isRecord(p) && Array.isArray(p.coding) ? p.coding : []))
    : [];
  if (!codings.some((c) => isRecord(c) && c.system === OPENPGP_PAYLOAD_SYSTEM && c.code === OPENPGP_PAYLOAD_CODE)) {
    throw badRequest(
      `Endpoint.payloadType: must hold ${OPENPGP_PAYLOAD_SYSTEM}|${OPENPGP_PAYLOAD_CODE}`,
      'Endpoint.payloadType',
      'value',
    );
  }

  const keyExt = oneExtension(endpoint, OPENPGP_PUBLIC_KEY_URL, 'openpgp-public-key');
  const keyAt = `${keyExt.expression}.valueString`;
  const armored = keyExt.value.valueString;
  if (typeof armored !== 'string' || !armored.includes('-----BEGIN PGP'))
    throw badRequest(`${keyAt}: must hold the armored OpenPGP public key`, keyAt, 'required');
  if (armored.includes('PRIVATE KEY BLOCK'))
    throw badRequest(`${keyAt}: holds a private key — only the public key may be published`, keyAt, 'security');
  let key: openpgp.Key;
  try {
    key = await openpgp.readKey({ armoredKey: armored });
  } catch (error) {
    throw badRequest(`${keyAt}: not a readable OpenPGP public key (${(error as Error).message.slice(0, 120)})`, keyAt, 'value');
  }
  if (key.isPrivate())
    throw badRequest(`${keyAt}: holds a private key — only the public key may be published`, keyAt, 'security');
  const actual = key.getFingerprint().toUpperCase();
  if (actual !== fingerprint)
    throw badRequest(`${keyAt}: the key's fingerprint ${actual} differs from ${fprAt} (${fingerprint})`, keyAt, 'value');
}
