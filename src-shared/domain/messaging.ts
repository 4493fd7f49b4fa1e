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
