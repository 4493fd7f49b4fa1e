/**
 * Wire constants of the sync protocol between the client core and the eSanté platform
 * (ARCHITECTURE §6). Both sides import them from here so a renamed URL cannot drift apart.
 */

/** `$changes` Bundle extension carrying the opaque cursor to send on the next pull (valueString). */
export const CHANGES_NEXT_CURSOR_URL = 'https://esante.lu/fhir/StructureDefinition/changes-next-cursor';

/** `$changes` Bundle extension saying whether another page is already waiting (valueBoolean). */
export const CHANGES_HAS_MORE_URL = 'https://esante.lu/fhir/StructureDefinition/changes-has-more';

/**
 * Extension on a `$changes` DELETE entry saying why it is there (valueCode "revoked"): the caller lost
 * sight of the resource (a right withdrawn, an episode of care ended); the client purges its copy.
 */
export const REVOKED_EXTENSION_URL = 'https://esante.lu/fhir/StructureDefinition/dsp-revoked';

/**
 * HTTP header carrying the client-generated operation id of a write. The platform records the id
 * in its ledger in the same transaction as the effect: a replay returns the first response, and the
 * same id with another payload is refused with 422.
 */
export const OPERATION_ID_HEADER = 'X-Operation-Id';

/**
 * Per-entry operation id inside a transaction Bundle:
 * `entry.request.extension: [{ url: OPERATION_ID_EXTENSION_URL, valueString: '<id>' }]`.
 */
export const OPERATION_ID_EXTENSION_URL = 'https://esante.lu/fhir/StructureDefinition/operation-id';

/** Identifier system of the Luxembourg national identification number (matricule) on Patient.identifier. */
export const LU_MATRICULE_SYSTEM = 'urn:oid:1.2.442.0.1';

/** Syntax the platform accepts for an operation id: 8–128 URL-safe characters (UUIDs fit). */
export const OPERATION_ID_PATTERN = /^[A-Za-z0-9._:-]{8,128}$/;
