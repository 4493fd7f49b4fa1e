import type { Endpoint } from 'fhir/r4';
import {
  ENDPOINT_OWNER_URL,
  OPENPGP_FINGERPRINT_SYSTEM,
  OPENPGP_PAYLOAD_CODE,
  OPENPGP_PAYLOAD_SYSTEM,
  OPENPGP_PUBLIC_KEY_URL,
  openpgpEndpointId,
} from '../../../src-shared/domain/messaging';
import type { KeyPair } from './pgp';

/**
 * The directory entry that publishes a professional's OpenPGP public key (src-main/platform/MESSAGING.md):
 * id, identifier and address all name the fingerprint, as the platform checks.
 */
export function keyEndpoint(
  owner: string,
  pair: Pick<KeyPair, 'publicKeyArmored' | 'fingerprint'>,
  start: string,
  name = 'OpenPGP',
): Endpoint {
  return {
    resourceType: 'Endpoint',
    id: openpgpEndpointId(pair.fingerprint),
    status: 'active',
    connectionType: { system: 'http://terminology.hl7.org/CodeSystem/endpoint-connection-type', code: 'direct-project' },
    name,
    payloadType: [{ coding: [{ system: OPENPGP_PAYLOAD_SYSTEM, code: OPENPGP_PAYLOAD_CODE }] }],
    payloadMimeType: ['application/pgp-keys'],
    address: `urn:openpgp:${pair.fingerprint}`,
    identifier: [{ system: OPENPGP_FINGERPRINT_SYSTEM, value: pair.fingerprint }],
    extension: [
      { url: ENDPOINT_OWNER_URL, valueReference: { reference: owner } },
      { url: OPENPGP_PUBLIC_KEY_URL, valueString: pair.publicKeyArmored },
    ],
    period: { start },
  };
}
