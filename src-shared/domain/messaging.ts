/**
 * Wire constants of the secure messaging shared by the client core and the platform (issue 6).
 * The platform only ever stores ciphertext: the subject and the text travel inside the encrypted body.
 */

/** Content type of every encrypted part (body and attachments) stored as a Binary. */
export const PGP_CONTENT_TYPE = 'application/pgp-encrypted';

/** Endpoint extension naming the professional a published key belongs to (valueReference). */
export const ENDPOINT_OWNER_URL = 'https://esante.lu/fhir/StructureDefinition/endpoint-owner';

/** Endpoint extension carrying the armored OpenPGP public key (valueString). */
export const OPENPGP_PUBLIC_KEY_URL = 'https://esante.lu/fhir/StructureDefinition/openpgp-public-key';

/** Identifier system of a key's fingerprint (40 upper-case hex digits). */
export const OPENPGP_FINGERPRINT_SYSTEM = 'https://esante.lu/fhir/NamingSystem/openpgp-fingerprint';

/** Endpoint.payloadType code of a published OpenPGP key. */
export const OPENPGP_PAYLOAD_SYSTEM = 'https://esante.lu/fhir/CodeSystem/payload';
export const OPENPGP_PAYLOAD_CODE = 'openpgp-key';

/** Communication extension with one entry per recipient: recipient, status, at. */
export const DELIVERY_STATUS_URL = 'https://esante.lu/fhir/StructureDefinition/delivery-status';

export const DELIVERY_STATUSES = ['sent', 'delivered', 'read'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export const MAX_ATTACHMENTS = 10;
export const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;

/** Room the OpenPGP framing may add to an attachment (packets, session keys for many recipients, signature). */
export const OPENPGP_OVERHEAD_BYTES = 64 * 1024;

/**
 * Largest message transaction the platform accepts (the whole `POST /fhir` body, base64 inside JSON):
 * one 20 MiB attachment fits (≈ 27 MiB of base64), all ten at full size do not.
 */
export const MAX_MESSAGE_REQUEST_BYTES = 64 * 1024 * 1024;

/** Endpoint.connectionType of a published key. */
export const ENDPOINT_CONNECTION_TYPE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/endpoint-connection-type';
export const OPENPGP_CONNECTION_TYPE_CODE = 'direct-project';

/** Endpoint.address of a published key: this prefix and the 40-digit upper-case fingerprint. */
export const OPENPGP_ADDRESS_PREFIX = 'urn:openpgp:';

/** Id of the Endpoint publishing a key: "pgp-" and the first 16 hex digits of its fingerprint, lower case. */
export function openpgpEndpointId(fingerprint: string): string {
  return `pgp-${fingerprint.slice(0, 16).toLowerCase()}`;
}
