/**
 * Schema of the platform's own SQLite file. Every resource version is a row; search-index rows hang
 * off the version they describe (keyed by its commit sequence) and are never rewritten, so a search
 * can run against any past snapshot — which is what makes paging stable while others write.
 */

/**
 * 2: idx_reference_audience (message visibility, issue 6). 3: presence codes, their throttle and the
 * DSP access changes (grants and revocations) per user (issue 5). 4: login_throttle rows carry the
 * time of their last failure, so they expire and can be capped (issue 9). 5: blobs, their resumable
 * uploads and their chunks (issue 10). The SQL below is idempotent,
 * so it migrates any older version, after the UPGRADES it cannot express.
 */
export const SCHEMA_VERSION = 6;

/** Steps run before SCHEMA_SQL when the file's version is below `below` (in this order). */
export const UPGRADES: ReadonlyArray<{ below: number; sql: string }> = [
  // login_throttle gained last_failure_at. Its rows count the failures of the last few minutes, so
  // starting the table afresh loses nothing worth a column default that would make every row "stale".
  { below: 4, sql: 'DROP TABLE IF EXISTS login_throttle;' },
  // blob gained chunk_owner (a verified upload's chunks become the blob's without being rewritten) and
  // stored_at (what the collector ages). Created first in its old shape where an older file lacks it.
  {
    below: 6,
    sql: `CREATE TABLE IF NOT EXISTS blob (sha256 TEXT PRIMARY KEY, size INTEGER NOT NULL) STRICT;
          ALTER TABLE blob ADD COLUMN chunk_owner TEXT;
          ALTER TABLE blob ADD COLUMN stored_at INTEGER;`,
  },
];

/** `superseded_at` of a current version: larger than any sequence. */
export const CURRENT = 9_007_199_254_740_991; // Number.MAX_SAFE_INTEGER: exact in JS and in SQLite

export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE IF NOT EXISTS resource_version (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  type TEXT NOT NULL,
  id TEXT NOT NULL,
  version INTEGER NOT NULL,
  deleted INTEGER NOT NULL,
  last_updated TEXT NOT NULL,
  last_updated_ms INTEGER NOT NULL,
  author TEXT NOT NULL,
  created_by TEXT NOT NULL,
  superseded_at INTEGER NOT NULL DEFAULT ${CURRENT},
  json TEXT
) STRICT;
CREATE UNIQUE INDEX IF NOT EXISTS resource_version_identity ON resource_version(type, id, version);
CREATE INDEX IF NOT EXISTS resource_version_current ON resource_version(superseded_at, seq);
CREATE INDEX IF NOT EXISTS resource_version_type_seq ON resource_version(type, seq);
CREATE INDEX IF NOT EXISTS resource_version_type_updated ON resource_version(type, last_updated_ms, seq);
CREATE INDEX IF NOT EXISTS resource_version_created_by ON resource_version(created_by, seq) WHERE superseded_at = ${CURRENT};

CREATE TABLE IF NOT EXISTS idx_token (
  seq INTEGER NOT NULL, type TEXT NOT NULL, param TEXT NOT NULL, system TEXT NOT NULL, code TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS idx_token_lookup ON idx_token(type, param, code, system, seq);

CREATE TABLE IF NOT EXISTS idx_string (
  seq INTEGER NOT NULL, type TEXT NOT NULL, param TEXT NOT NULL, value TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS idx_string_lookup ON idx_string(type, param, value, seq);

CREATE TABLE IF NOT EXISTS idx_reference (
  seq INTEGER NOT NULL, type TEXT NOT NULL, param TEXT NOT NULL, target TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS idx_reference_lookup ON idx_reference(type, param, target, seq);
-- Audience rows of message resources (param '_audience'): "has this version an audience?" per row.
CREATE INDEX IF NOT EXISTS idx_reference_audience ON idx_reference(seq) WHERE param = '_audience';

CREATE TABLE IF NOT EXISTS idx_date (
  seq INTEGER NOT NULL, type TEXT NOT NULL, param TEXT NOT NULL, low INTEGER NOT NULL, high INTEGER NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS idx_date_lookup ON idx_date(type, param, low, high, seq);

CREATE TABLE IF NOT EXISTS operation_ledger (
  op_id TEXT PRIMARY KEY,
  principal TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  status INTEGER NOT NULL,
  headers TEXT NOT NULL,
  body TEXT
) STRICT;

CREATE TABLE IF NOT EXISTS account (
  identifier TEXT PRIMARY KEY,
  password_hash TEXT NOT NULL,
  otp TEXT NOT NULL,
  role TEXT NOT NULL,
  user_ref TEXT NOT NULL,
  display_name TEXT NOT NULL
) STRICT;

CREATE TABLE IF NOT EXISTS login_throttle (
  identifier TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  locked_until INTEGER NOT NULL,
  last_failure_at INTEGER NOT NULL
) STRICT;
-- Expiry (by age) and the cap (unlocked rows first, oldest first).
CREATE INDEX IF NOT EXISTS login_throttle_age ON login_throttle(last_failure_at);
CREATE INDEX IF NOT EXISTS login_throttle_eviction ON login_throttle(locked_until, last_failure_at);

CREATE TABLE IF NOT EXISTS auth_session (
  id TEXT PRIMARY KEY,
  identifier TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0
) STRICT;

-- DSP presence codes (issue 5): only a hash of the code is kept; single use, bound to one patient.
CREATE TABLE IF NOT EXISTS presence_code (
  hash TEXT PRIMARY KEY,
  patient TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  used INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE IF NOT EXISTS presence_throttle (
  patient TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  locked_until INTEGER NOT NULL
) STRICT;

-- What a rights change did to each user's view of a DSP: 'revoke' (send a DELETE) or 'grant' (send the
-- current version again). seq is the commit sequence of the version that caused it (same transaction),
-- so the $changes cursor orders these rows with the resource versions.
CREATE TABLE IF NOT EXISTS dsp_change (
  seq INTEGER NOT NULL,
  principal TEXT NOT NULL,
  type TEXT NOT NULL,
  id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('revoke', 'grant'))
) STRICT;
CREATE INDEX IF NOT EXISTS dsp_change_principal ON dsp_change(principal, seq);

CREATE TABLE IF NOT EXISTS refresh_token (
  hash TEXT PRIMARY KEY,
  session_id TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  used INTEGER NOT NULL DEFAULT 0
) STRICT;

-- Blobs (issue 10): each kept once, keyed by its SHA-256, its bytes in blob_chunk rows.
-- chunk_owner: whose blob_chunk rows hold the bytes (the verified upload's id; NULL: the sha256 itself).
-- stored_at: epoch ms it was stored or last proven by a completed upload (NULL: unknown); the collector ages it.
CREATE TABLE IF NOT EXISTS blob (
  sha256 TEXT PRIMARY KEY,
  size INTEGER NOT NULL,
  chunk_owner TEXT,
  stored_at INTEGER
) STRICT;
CREATE INDEX IF NOT EXISTS blob_chunk_owner ON blob(chunk_owner);

-- A resumable upload: chunks arrive in order; received is the confirmed offset. A completed upload is kept:
-- it is its principal's proof of holding the blob's bytes (a Binary may name a blob only then).
CREATE TABLE IF NOT EXISTS blob_upload (
  id TEXT PRIMARY KEY,
  principal TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  size INTEGER NOT NULL,
  content_type TEXT NOT NULL,
  received INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  completed_at INTEGER
) STRICT;
CREATE INDEX IF NOT EXISTS blob_upload_owner ON blob_upload(principal, sha256);

-- owner: the upload's id (also once it became a blob: blob.chunk_owner names it), or the blob's SHA-256 (stored whole).
CREATE TABLE IF NOT EXISTS blob_chunk (
  owner TEXT NOT NULL,
  byte_offset INTEGER NOT NULL,
  data BLOB NOT NULL
) STRICT;
CREATE UNIQUE INDEX IF NOT EXISTS blob_chunk_position ON blob_chunk(owner, byte_offset);
`;
