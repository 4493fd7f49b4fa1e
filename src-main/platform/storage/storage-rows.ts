/**
 * The rows both SQL storages read back (same tables and columns, held equal by
 * tests/integration/postgres/schema-parity.test.ts) and how they become the interface's records.
 */
import type { BlobUpload, StoredVersion } from './platform-storage';

export interface VersionRow {
  seq: number;
  type: string;
  id: string;
  version: number;
  deleted: number;
  last_updated: string;
  author: string;
  created_by: string;
  json: string | null;
}

export const VERSION_COLUMNS = 'v.seq, v.type, v.id, v.version, v.deleted, v.last_updated, v.author, v.created_by, v.json';

export function toStored(row: VersionRow): StoredVersion {
  return {
    seq: row.seq,
    type: row.type,
    id: row.id,
    versionId: row.version,
    deleted: row.deleted === 1,
    lastUpdated: row.last_updated,
    author: row.author,
    createdBy: row.created_by,
    resource: row.json === null ? null : (JSON.parse(row.json) as fhir4.FhirResource),
  };
}

export interface UploadRow {
  id: string;
  principal: string;
  sha256: string;
  size: number;
  content_type: string;
  received: number;
  created_at: number;
  completed_at: number | null;
}

export function toUpload(row: UploadRow): BlobUpload {
  return {
    id: row.id,
    principal: row.principal,
    sha256: row.sha256,
    size: row.size,
    contentType: row.content_type,
    received: row.received,
    createdAt: row.created_at,
    ...(row.completed_at !== null ? { completedAt: row.completed_at } : {}),
  };
}

/** Both drivers bind a Buffer (BLOB, bytea) as a view on the same memory, without a copy. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
