/**
 * Schema of the platform on PostgreSQL: the tables of sqlite-schema.ts, column for column (the
 * schema-parity test compares both), at the same SCHEMA_VERSION, so a migration is written once per
 * dialect in these two files and both storages run it from `migrate()` at start.
 *
 * What differs, and why:
 * - `seq` is the COMMIT order, not the insert order. Concurrent transactions would commit sequence
 *   numbers handed out at insert out of order, and a `$changes` cursor (or a search snapshot) that had
 *   passed a number could never see the row committed later under a smaller one. So a version is
 *   written with a provisional seq (PROVISIONAL_BASE + its row id, visible to its own transaction only)
 *   and gets its final seq from `commit_sequence` just before COMMIT, under a transaction-scoped
 *   advisory lock (COMMIT_LOCK) held until the commit: final numbers are handed out, and become
 *   visible, in one order (postgres-storage.ts).
 * - The index tables point at a version by `rid`, its row id, which never changes; `seq` does once.
 * - Text columns compared or sorted by the search use COLLATE "C": byte order, as SQLite compares,
 *   whatever the database's locale (a prefix search is a range up to U+FFFF).
 */
import { CURRENT, SCHEMA_VERSION } from './sqlite-schema';

export { SCHEMA_VERSION as POSTGRES_SCHEMA_VERSION };

/** Provisional seqs start here: above every commit sequence ever handed out, below CURRENT. */
export const PROVISIONAL_BASE = 2 ** 52;

/** Advisory lock keys (pg_advisory_*: one bigint). */
export const MIGRATION_LOCK = 0x65_53_61_6e_01; // "eSan" 1
export const COMMIT_LOCK = 0x65_53_61_6e_02;
export const STARTUP_LOCK = 0x65_53_61_6e_03;

export const POSTGRES_SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS meta (
  key TEXT COLLATE "C" PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE SEQUENCE IF NOT EXISTS resource_row_id;
CREATE SEQUENCE IF NOT EXISTS commit_sequence;

CREATE TABLE IF NOT EXISTS resource_version (
  rid BIGINT PRIMARY KEY DEFAULT nextval('resource_row_id'),
  seq BIGINT NOT NULL UNIQUE,
  type TEXT COLLATE "C" NOT NULL,
  id TEXT COLLATE "C" NOT NULL,
  version INTEGER NOT NULL,
  deleted SMALLINT NOT NULL,
  last_updated TEXT NOT NULL,
  last_updated_ms BIGINT NOT NULL,
  author TEXT COLLATE "C" NOT NULL,
  created_by TEXT COLLATE "C" NOT NULL,
  superseded_at BIGINT NOT NULL DEFAULT ${CURRENT},
  json TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS resource_version_identity ON resource_version(type, id, version);
CREATE INDEX IF NOT EXISTS resource_version_current ON resource_version(superseded_at, seq);
CREATE INDEX IF NOT EXISTS resource_version_type_seq ON resource_version(type, seq);
CREATE INDEX IF NOT EXISTS resource_version_type_updated ON resource_version(type, last_updated_ms, seq);
CREATE INDEX IF NOT EXISTS resource_version_created_by ON resource_version(created_by, seq) WHERE superseded_at = ${CURRENT};

CREATE TABLE IF NOT EXISTS idx_token (
  rid BIGINT NOT NULL, type TEXT COLLATE "C" NOT NULL, param TEXT COLLATE "C" NOT NULL,
  system TEXT COLLATE "C" NOT NULL, code TEXT COLLATE "C" NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_token_lookup ON idx_token(type, param, code, system, rid);

CREATE TABLE IF NOT EXISTS idx_string (
  rid BIGINT NOT NULL, type TEXT COLLATE "C" NOT NULL, param TEXT COLLATE "C" NOT NULL, value TEXT COLLATE "C" NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_string_lookup ON idx_string(type, param, value, rid);

CREATE TABLE IF NOT EXISTS idx_reference (
  rid BIGINT NOT NULL, type TEXT COLLATE "C" NOT NULL, param TEXT COLLATE "C" NOT NULL, target TEXT COLLATE "C" NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_reference_lookup ON idx_reference(type, param, target, rid);
CREATE INDEX IF NOT EXISTS idx_reference_audience ON idx_reference(rid) WHERE param = '_audience';

CREATE TABLE IF NOT EXISTS idx_date (
  rid BIGINT NOT NULL, type TEXT COLLATE "C" NOT NULL, param TEXT COLLATE "C" NOT NULL, low BIGINT NOT NULL, high BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_date_lookup ON idx_date(type, param, low, high, rid);

CREATE TABLE IF NOT EXISTS operation_ledger (
  op_id TEXT COLLATE "C" PRIMARY KEY,
  principal TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  status INTEGER NOT NULL,
  headers TEXT NOT NULL,
  body TEXT
);

CREATE TABLE IF NOT EXISTS account (
  identifier TEXT COLLATE "C" PRIMARY KEY,
  password_hash TEXT NOT NULL,
  otp TEXT NOT NULL,
  role TEXT NOT NULL,
  user_ref TEXT COLLATE "C" NOT NULL,
  display_name TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS account_user_ref ON account(user_ref);

CREATE TABLE IF NOT EXISTS login_throttle (
  identifier TEXT COLLATE "C" PRIMARY KEY,
  failures INTEGER NOT NULL,
  locked_until BIGINT NOT NULL,
  last_failure_at BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS login_throttle_age ON login_throttle(last_failure_at);
CREATE INDEX IF NOT EXISTS login_throttle_eviction ON login_throttle(locked_until, last_failure_at);

CREATE TABLE IF NOT EXISTS auth_session (
  id TEXT COLLATE "C" PRIMARY KEY,
  identifier TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS presence_code (
  hash TEXT COLLATE "C" PRIMARY KEY,
  patient TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  used INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS presence_throttle (
  patient TEXT COLLATE "C" PRIMARY KEY,
  failures INTEGER NOT NULL,
  locked_until BIGINT NOT NULL
);

-- n orders the rows of one seq as SQLite's rowid does.
CREATE TABLE IF NOT EXISTS dsp_change (
  n BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  seq BIGINT NOT NULL,
  principal TEXT COLLATE "C" NOT NULL,
  type TEXT NOT NULL,
  id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('revoke', 'grant'))
);
CREATE INDEX IF NOT EXISTS dsp_change_principal ON dsp_change(principal, seq);
-- The rows still waiting for their final seq (a handful at any time): found fast at commit.
CREATE INDEX IF NOT EXISTS dsp_change_provisional ON dsp_change(seq) WHERE seq >= ${PROVISIONAL_BASE};

CREATE TABLE IF NOT EXISTS refresh_token (
  hash TEXT COLLATE "C" PRIMARY KEY,
  session_id TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  used INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS blob (
  sha256 TEXT COLLATE "C" PRIMARY KEY,
  size BIGINT NOT NULL,
  chunk_owner TEXT COLLATE "C",
  stored_at BIGINT
);
ALTER TABLE blob ADD COLUMN IF NOT EXISTS chunk_owner TEXT COLLATE "C";
ALTER TABLE blob ADD COLUMN IF NOT EXISTS stored_at BIGINT;
CREATE INDEX IF NOT EXISTS blob_chunk_owner ON blob(chunk_owner);

CREATE TABLE IF NOT EXISTS blob_upload (
  id TEXT COLLATE "C" PRIMARY KEY,
  principal TEXT COLLATE "C" NOT NULL,
  sha256 TEXT COLLATE "C" NOT NULL,
  size BIGINT NOT NULL,
  content_type TEXT NOT NULL,
  received BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  completed_at BIGINT
);
CREATE INDEX IF NOT EXISTS blob_upload_owner ON blob_upload(principal, sha256);

CREATE TABLE IF NOT EXISTS blob_chunk (
  owner TEXT COLLATE "C" NOT NULL,
  byte_offset BIGINT NOT NULL,
  data BYTEA NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS blob_chunk_position ON blob_chunk(owner, byte_offset);
`;
