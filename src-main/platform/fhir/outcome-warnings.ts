/**
 * Warnings about a write that succeeded (a Patient name that looks like another's): the answer's body
 * becomes an OperationOutcome holding them and naming the version written, as FHIR lets a server
 * answer a create or update; Location and ETag still point at the version.
 */
import { operationOutcome, type Issue } from './fhir-error';
import type { FhirResponse } from './fhir-response';
import type { StoredVersion } from '../storage/platform-storage';

export function withWarnings(response: FhirResponse, stored: StoredVersion, warnings: Issue[] | undefined): FhirResponse {
  if (!warnings || warnings.length === 0) return response;
  const written: Issue = {
    severity: 'information',
    code: 'informational',
    diagnostics: `${stored.type}/${stored.id}/_history/${stored.versionId}: written, with the warnings below`,
  };
  return { ...response, body: operationOutcome([written, ...warnings]) };
}
