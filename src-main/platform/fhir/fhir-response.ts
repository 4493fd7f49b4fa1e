/** What a FHIR interaction answers, independent of the HTTP framework (and storable in the ledger). */
import type { StorageTx, StoredVersion } from '../storage/platform-storage';

export interface FhirResponse {
  status: number;
  headers: Record<string, string>;
  /**
   * A JSON value (resource, Bundle, OperationOutcome), bytes (a Buffer: a Binary's content; or StreamedBytes when
   * too many to hold at once), or null for an empty body.
   */
  body: unknown;
}

/** Runs `work` as a read unit of its own (PlatformStorage.read). */
export type ReadUnit = <T>(work: (tx: StorageTx) => Promise<T>) => Promise<T>;

/**
 * Bytes too many to hold at once (a whole 64 MiB blob): the read that decided to serve them ends first
 * (authorised and audited); then they are read a window at a time, each window in a read unit of its own,
 * as the connection takes them. Only content that never changes under its address may be served so.
 */
export interface StreamedBytes {
  readonly streamedBytes: number;
  open(read: ReadUnit): AsyncIterable<Uint8Array>;
}

export function isStreamedBytes(body: unknown): body is StreamedBytes {
  return (
    typeof body === 'object' && body !== null && typeof (body as StreamedBytes).open === 'function' && 'streamedBytes' in body
  );
}

export const etagOf = (versionId: number) => `W/"${versionId}"`;

export function versionHeaders(stored: StoredVersion, baseUrl: string): Record<string, string> {
  return {
    ETag: etagOf(stored.versionId),
    'Last-Modified': new Date(stored.lastUpdated).toUTCString(),
    Location: `${baseUrl}/${stored.type}/${stored.id}/_history/${stored.versionId}`,
  };
}

/** 200/201 with the resource as body, or 204 for a deletion. */
export function versionResponse(status: number, stored: StoredVersion, baseUrl: string): FhirResponse {
  const headers = versionHeaders(stored, baseUrl);
  if (status !== 201) delete headers.Location;
  return { status, headers, body: stored.resource };
}

/** Parses `W/"3"` (or `"3"`) into 3; null when the header is not a version ETag. */
export function parseVersionTag(tag: string): number | null {
  const m = /^(?:W\/)?"([1-9][0-9]{0,9})"$/.exec(tag.trim());
  return m ? Number(m[1]) : null;
}
