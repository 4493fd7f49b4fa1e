/**
 * What the platform needs from a database, and nothing about SQL. The SQLite implementation is the
 * default; a PostgreSQL one (shared facility deployments) implements the same interface, which is why
 * every method is asynchronous even though better-sqlite3 is not.
 */
import type { IndexEntries } from '../fhir/search-index';
import type { SearchRequest } from '../fhir/search-query';

/** One stored version of a resource; `resource` is null for a deletion (tombstone). */
export interface StoredVersion {
  /** Server commit sequence of this version: monotonic, never reused. */
  seq: number;
  type: string;
  id: string;
  versionId: number;
  deleted: boolean;
  /** ISO instant, also in resource.meta.lastUpdated. */
  lastUpdated: string;
  /** Who wrote this version ("Practitioner/…", "Patient/…" or "system"). */
  author: string;
  /** Who wrote version 1: "resources the user created" in the $changes scope. */
  createdBy: string;
  resource: fhir4.FhirResource | null;
}

export interface NewVersion {
  type: string;
  id: string;
  /** Must be the current version + 1 (1 for a new resource); the store refuses anything else. */
  versionId: number;
  lastUpdated: string;
  author: string;
  createdBy: string;
  /** With meta.versionId and meta.lastUpdated already set; null to delete. */
  resource: fhir4.FhirResource | null;
  index: IndexEntries | null;
}

/** Which current resources a user's `$changes` feed carries (merged from every domain's share by policy/policy-registry.ts). */
export interface ChangeFilter {
  /** Every resource of these types. */
  allOfTypes: string[];
  /** These exact resources ("Type/id"). */
  resources: string[];
  /** Resources whose version 1 was written by one of these users. */
  createdBy: string[];
  /** Never, whatever the rules above say. */
  excludedTypes: string[];
  /**
   * Resources restricted to an audience (messages): those of `types` whose audience (index parameter
   * `param`) includes one of `principals` are in; a version with an audience that does not include
   * them is out, whatever the rules above say.
   */
  audience?: { param: string; types: string[]; principals: string[] };
  /**
   * DSP documents (issue 5): DocumentReferences whose `patient` index names one of `patients`, and the
   * Binaries whose `documentParam` index names one of those documents. The caller still applies the
   * access decision to each row (hidden, confidentiality).
   */
  dsp?: { patients: string[]; documentParam: string };
  /** Every version of the Consents whose `actor` index names one of these users (their DSP rights, granted or withdrawn). */
  consentActors?: string[];
  /** The Patient records of the patients these users authored DSP documents for (their names in "Mes patients"). */
  authoredDocumentPatients?: string[];
  /** Care records (IdeoMed): resources of `types` whose `patient` index names one of `patients`. */
  careRecords?: { patients: string[]; types: string[] };
}

/** A DSP access change recorded for one user (see dsp_change in sqlite-schema.ts). */
export interface DspChange {
  seq: number;
  principal: string;
  type: string;
  id: string;
  kind: 'revoke' | 'grant';
}

export interface PresenceCodeRecord {
  patient: string;
  expiresAt: number;
  used: boolean;
}

export interface Page {
  rows: StoredVersion[];
  hasMore: boolean;
}

/** A write recorded under a client operation id, with the response it produced. */
export interface LedgerEntry {
  operationId: string;
  principal: string;
  /** Hash of what was asked (method, URL, body): the same id with another payload is a 422. */
  requestHash: string;
  status: number;
  headers: Record<string, string>;
  body: string | null;
}

export interface Account {
  identifier: string;
  passwordHash: string;
  otp: string;
  role: string;
  /** "Practitioner/…" or "Patient/…". */
  userRef: string;
  displayName: string;
}

export interface LoginThrottle {
  failures: number;
  /** Epoch ms until which logins are refused; 0 when not locked. */
  lockedUntil: number;
}

/** The failed logins counted for one identifier. */
export interface LoginFailures extends LoginThrottle {
  /** Epoch ms of the last failure counted (0 without a row): how old the count is. */
  lastFailureAt: number;
}

export interface RefreshTokenRecord {
  sessionId: string;
  expiresAt: number;
  used: boolean;
}

/** A resumable upload of one blob (issue 10): chunks arrive in order; the blob exists once its hash is verified. */
export interface BlobUpload {
  id: string;
  /** Who uploads ("Practitioner/…", "Patient/…"): the only one who sees the upload, and who may then point a Binary at the blob. */
  principal: string;
  sha256: string;
  size: number;
  contentType: string;
  /** Bytes received in order so far (the confirmed offset); `size` once complete. */
  received: number;
  /** Epoch ms. */
  createdAt: number;
  /** Epoch ms at which the hash was verified; undefined while under way. */
  completedAt?: number;
}

/** A stored piece of an upload or of a blob: `data` holds the bytes from `offset` on. */
export interface BlobChunk {
  offset: number;
  data: Uint8Array;
}

export interface StorageTx {
  // Resources
  current(type: string, id: string): Promise<StoredVersion | undefined>;
  version(type: string, id: string, versionId: number): Promise<StoredVersion | undefined>;
  /** Newest first. */
  history(type: string, id: string, limit: number): Promise<StoredVersion[]>;
  /** Which of `ids` currently exist (not deleted) as `type`. */
  existing(type: string, ids: string[]): Promise<Set<string>>;
  append(version: NewVersion): Promise<StoredVersion>;
  /** Resources visible at commit `snapshot`, in the request's order, after its page token. */
  search(request: SearchRequest, snapshot: number): Promise<Page>;
  /** Current versions committed after `afterSequence` that `filter` lets through, in commit order. */
  changes(filter: ChangeFilter, afterSequence: number, limit: number): Promise<Page>;
  currentSequence(): Promise<number>;
  /**
   * Until this write transaction ends, no other one passes `lock` with the same key, on any instance
   * sharing the storage: a look-up that decides a write ("no Patient holds this matricule", "nothing
   * matches If-None-Exist") stays true until the write commits. Take it before the look-up's snapshot.
   * SQLite runs one write transaction at a time, so there it has nothing to do.
   */
  lock(key: string): Promise<void>;
  /** Runs `work` so that, if it throws, its writes are undone and the rest of the transaction stands (a batch entry). */
  savepoint<T>(work: () => Promise<T>): Promise<T>;

  // Idempotency ledger
  findOperation(operationId: string): Promise<LedgerEntry | undefined>;
  recordOperation(entry: LedgerEntry): Promise<void>;

  // Accounts and sessions (mock LuxTrust)
  account(identifier: string): Promise<Account | undefined>;
  putAccount(account: Account): Promise<void>;
  /** All zeros for an identifier without a row. */
  loginThrottle(identifier: string): Promise<LoginFailures>;
  setLoginThrottle(identifier: string, failures: LoginFailures): Promise<void>;
  clearLoginThrottle(identifier: string): Promise<void>;
  /**
   * Keeps the throttle table small: deletes the rows whose last failure is at or before `staleAt`, then
   * all but `keep` rows, unlocked rows first and oldest first (so a flood of made-up identifiers cannot
   * unlock a locked account before it has pushed out every unlocked row).
   */
  pruneLoginThrottles(staleAt: number, keep: number): Promise<void>;
  createSession(sessionId: string, identifier: string, now: number): Promise<void>;
  sessionActive(sessionId: string): Promise<string | undefined>;
  revokeSession(sessionId: string): Promise<void>;
  putRefreshToken(tokenHash: string, record: RefreshTokenRecord): Promise<void>;
  refreshToken(tokenHash: string): Promise<RefreshTokenRecord | undefined>;
  markRefreshTokenUsed(tokenHash: string): Promise<void>;

  // DSP (issue 5)
  putPresenceCode(hash: string, record: PresenceCodeRecord): Promise<void>;
  presenceCode(hash: string): Promise<PresenceCodeRecord | undefined>;
  markPresenceCodeUsed(hash: string): Promise<void>;
  presenceThrottle(patient: string): Promise<LoginThrottle>;
  setPresenceThrottle(patient: string, throttle: LoginThrottle): Promise<void>;
  addDspChanges(changes: DspChange[]): Promise<void>;
  /** The user's DSP changes with afterSequence < seq <= upTo, in commit order. */
  dspChanges(principal: string, afterSequence: number, upTo: number): Promise<DspChange[]>;
  /** The role of the account standing for a user ("Practitioner/…"), if any. */
  roleOf(userRef: string): Promise<string | undefined>;

  // Blobs (issue 10): content-addressed, each kept once, in chunks (never one row holding a whole blob)
  putUpload(upload: BlobUpload): Promise<void>;
  /** Updates the confirmed offset and, once verified, the completion time. */
  updateUpload(id: string, received: number, completedAt: number | undefined): Promise<void>;
  upload(id: string): Promise<BlobUpload | undefined>;
  /** The caller's upload of this blob, the most advanced first (a completed one if any). */
  uploadOf(principal: string, sha256: string, size: number): Promise<BlobUpload | undefined>;
  /** Deletes the upload and its chunks. */
  deleteUpload(id: string): Promise<void>;
  /** Stores a chunk of an upload under way, at `offset` (the upload's confirmed offset). */
  putUploadChunk(id: string, offset: number, data: Uint8Array): Promise<void>;
  /** The chunks of an upload (`upload`) or of a stored blob (`blob`, its SHA-256) holding bytes of [from, to), in order. */
  chunks(source: { upload: string } | { blob: string }, from: number, to: number): Promise<BlobChunk[]>;
  /** Size of a stored blob; undefined when the platform does not hold it. */
  blobSize(sha256: string): Promise<number | undefined>;
  /**
   * Makes the (verified) chunks of an upload the blob's own — the blob's row names the upload's chunks, so
   * not a byte is rewritten — or drops them when the blob is already stored (each blob is kept once; its
   * `storedAt` then becomes `at`: a fresh proof of holding it keeps it from the collector a while).
   */
  promoteUpload(id: string, sha256: string, size: number, at: number): Promise<void>;
  /** Stores a blob whose bytes the platform holds already (inline data moved out of a resource), in chunks of `chunkBytes`. */
  putBlob(sha256: string, bytes: Uint8Array, chunkBytes: number): Promise<void>;
  // The blob collector (platform/blobs/blob-collector.ts)
  /** Uploads under way (never completed) opened at or before `before` (epoch ms), oldest first. */
  uploadsOpenedBefore(before: number, limit: number): Promise<string[]>;
  /** Bytes a principal's uploads under way declared (what the per-user cap counts). */
  bytesUnderWay(principal: string): Promise<number>;
  /** Stored blobs last stored or proven (a completed upload) at or before `before`, or at an unknown time; by hash, after `after`. */
  blobsStoredBefore(before: number, after: string, limit: number): Promise<string[]>;
  /** The JSON of every version of `type` — current, superseded or deleted — after sequence `afterSeq`, in sequence order. */
  versionTexts(type: string, afterSeq: number, limit: number): Promise<Array<{ seq: number; json: string }>>;
  /** Whether a version of `type` after sequence `afterSeq` holds `text` in its JSON. */
  anyVersionMentions(type: string, text: string, afterSeq: number): Promise<boolean>;
  /** Deletes a blob, its chunks and the completed uploads that proved holding it. */
  deleteBlob(sha256: string): Promise<void>;

  // Settings kept with the data (epoch, seed marker; the signing secret has its own file, auth/signing-secret.ts)
  getMeta(key: string): Promise<string | undefined>;
  setMeta(key: string, value: string): Promise<void>;
  /** Deletes the setting, leaving no readable copy of its value in the database's free space. */
  deleteMeta(key: string): Promise<void>;
}

export interface PlatformStorage {
  /**
   * Whether several platform instances may share this storage (PostgreSQL): what they must agree on,
   * the token-signing secret, is then kept in it rather than in one instance's data directory.
   */
  readonly shared: boolean;
  /** Runs `work` while no other instance on this storage runs work under `exclusively` (the first seed). */
  exclusively<T>(work: () => Promise<T>): Promise<T>;
  /** A consistent read-only unit of work. */
  read<T>(work: (tx: StorageTx) => Promise<T>): Promise<T>;
  /** One transaction: committed when `work` resolves, rolled back entirely when it throws. */
  write<T>(work: (tx: StorageTx) => Promise<T>): Promise<T>;
  /**
   * Commit sequence and content hash of everything but audit records, so tests can prove a refused
   * request changed nothing (audit events are written on purpose, even for refusals).
   */
  fingerprint(): Promise<{ sequence: number; hash: string }>;
  /**
   * Copies what the write-ahead log holds into the database file and empties the log, so no older copy
   * of a page (with a row since deleted) remains in it.
   */
  checkpoint(): Promise<void>;
  integrityCheck(): Promise<string>;
  close(): Promise<void>;
}
