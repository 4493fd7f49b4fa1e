/**
 * The CapabilityStatement served at /metadata, generated from RESOURCE_TYPES — the same table the
 * router, validator and indexer use — so it lists exactly what the server does.
 */
import { COMMON_SEARCH_PARAMS, RESOURCE_TYPES, SORTABLE, MAX_PAGE_SIZE, type ResourceTypeDef } from './resource-types';

export const PLATFORM_VERSION = '0.1.0';

function interactionsOf(def: ResourceTypeDef): fhir4.CapabilityStatementRestResourceInteraction[] {
  const reads = ['read', 'vread', 'history-instance', 'search-type'] as const;
  const writes = ['create', 'update', 'delete'] as const;
  return [...reads, ...(def.clientWritable ? writes : [])].map((code) => ({ code }));
}

export function capabilityStatement(baseUrl: string): fhir4.CapabilityStatement {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: '2025-01-01',
    kind: 'instance',
    publisher: 'eSanté Desk (mock eSanté platform)',
    software: { name: 'eSanté platform (mock)', version: PLATFORM_VERSION },
    implementation: { description: 'Embedded mock of the Luxembourg eSanté platform', url: baseUrl },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json'],
    rest: [
      {
        mode: 'server',
        documentation:
          `Search: only the listed parameters (anything else is a 400); _count (1–${MAX_PAGE_SIZE}), ` +
          `_sort (${SORTABLE.join(', ')}, prefix "-" for descending); paging follows the next link (keyset over a snapshot). ` +
          'Updates of existing resources require If-Match. Writes may carry X-Operation-Id (idempotent replay).',
        security: {
          description:
            'Mock LuxTrust login: POST /auth/login {identifier, password, otp} → Bearer access token (JWT HS256), ' +
            'POST /auth/refresh, POST /auth/logout. Every request needs the token except /metadata, /auth/* and reads/searches ' +
            'of the public professional directory (Practitioner, PractitionerRole, Organization, Location, Endpoint).',
        },
        resource: RESOURCE_TYPES.map((def) => ({
          type: def.type,
          interaction: interactionsOf(def),
          versioning: 'versioned-update' as const,
          readHistory: true,
          updateCreate: def.clientWritable,
          conditionalCreate: def.clientWritable,
          conditionalUpdate: false,
          conditionalDelete: 'not-supported' as const,
          searchParam: [...COMMON_SEARCH_PARAMS, ...def.search].map((p) => ({
            name: p.name,
            type: p.type,
            documentation: p.documentation,
          })),
        })),
        interaction: [{ code: 'transaction' as const }],
        operation: [
          {
            name: 'changes',
            definition: 'https://esante.lu/fhir/OperationDefinition/changes',
            documentation:
              'GET /fhir/$changes?cursor=C&_count=N: the sync feed of what the caller may see, in server commit order',
          },
          {
            name: 'members',
            definition: 'https://esante.lu/fhir/OperationDefinition/Organization-members',
            documentation:
              'GET /fhir/Organization/<id>/$members: the Practitioners a message to this service mailbox reaches (authenticated)',
          },
          {
            name: 'receipt',
            definition: 'https://esante.lu/fhir/OperationDefinition/Communication-receipt',
            documentation:
              'POST /fhir/Communication/<id>/$receipt with Parameters {status: delivered | read}: an effective recipient acknowledges a message (monotone, idempotent with X-Operation-Id)',
          },
        ],
      },
    ],
  };
}
