/**
 * The SQLite implementation of PlatformStorage (better-sqlite3-multiple-ciphers without a key,
 * i.e. plain SQLite). WAL with synchronous=NORMAL, the log synced off the event loop (wal-sync.ts), and no
 * answer before the sync covering what it wrote or read: an acknowledged write survives a crash or power loss.
 * All SQL of the platform lives in this folder.
 */
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3-multiple-ciphers';
import type { SearchRequest } from '../fhir/search-query';
import { ensurePrivateFile, restrictToOwner } from './private-files';
import { buildChangesSql, buildSearchSql, SQLITE_DIALECT } from './search-sql';
import { CURRENT, SCHEMA_SQL, SCHEMA_VERSION, UPGRADES } from './sqlite-schema';
import { StorageConflictError } from './storage-errors';
import { WalCheckpointer } from './wal-checkpointer';
import { WalSync, type SyncFile } from './wal-sync';
import { asBuffer, toStored, toUpload, VERSION_COLUMNS, type UploadRow, type VersionRow } from './storage-rows';
import type {
  Account,
  ChangeFilter,
  DspChange,
  LedgerEntry,
  LoginFailures,
  NewVersion,
  Page,
  PlatformStorage,
  RefreshTokenRecord,
  StorageTx,
  StoredVersion,
} from './platform-storage';

type Db = InstanceType<typeof Database>;
type Statement = Database.Statement<unknown[]>;

/** One SQLite connection and its prepared statements (a statement belongs to the connection that prepared it). */
class Connection {
  private readonly statements = new Map<string, Statement>();

  constructor(readonly db: Db) {}

  stmt(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}

/** A write unit waiting for (or running in) a group. */
interface PendingUnit {
  work: (tx: StorageTx) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** A group never holds more units than this: their responses wait for its commit. */
const MAX_GROUP_UNITS = 256;

export interface SqliteStorageOptions {
  /** How the write-ahead log is synced (default: fdatasync on libuv's thread pool); tests hold or fail it. */
  syncWal?: SyncFile;
  /** The log's growth that asks the worker for a checkpoint (default 4 MiB), and the phase signal of each one done. */
  checkpointEvery?: number;
  onCheckpoint?: ConstructorParameters<typeof WalCheckpointer>[3];
}

export class SqliteStorage implements PlatformStorage {
  /**
   * Group commit (issue 10): write units that arrive while a group is open join it, each in its own
   * savepoint (one failing unit is undone alone), and the group commits once. COMMIT only writes the log
   * (synchronous=NORMAL), so the event loop never waits for the disk; the log's fsync runs on the thread
   * pool and covers every group written before it began (`wal`). A unit's promise settles only after
   * such a sync, so every response waits until its rows are durable, and the next group is built while
   * the previous one is being synced.
   *
   * Reads run on a second connection inside their own read transaction. They may see a group that is
   * written but not yet synced, so a read answers only once everything written before it ended is on
   * disk: no answer ever carries a row, a sequence number or a `$changes` cursor that a power loss could
   * take back and hand out again. (An audited read waits for its AuditEvent's group anyway, which comes later.)
   */
  private readonly writer: Connection;
  private readonly reader: Connection;
  private readonly writeTx: StorageTx;
  private readonly readTx: StorageTx;
  /** Serialises what runs on the writer: one group at a time, maintenance between groups. */
  private tail: Promise<unknown> = Promise.resolve();
  /** Serialises read units on the reader: one read transaction at a time. */
  private readTail: Promise<unknown> = Promise.resolve();
  private pending: PendingUnit[] = [];
  private groupScheduled = false;
  private readonly wal: WalSync;
  private readonly checkpointer: WalCheckpointer;
  /** A checkpoint between groups is queued (the log outgrew what the background checkpoints keep up with). */
  private catchingUp = false;

  constructor(file: string, options: SqliteStorageOptions = {}) {
    // Owner-only before SQLite writes a byte to it; SQLite gives the -wal and -shm it creates the
    // mode of the main file.
    ensurePrivateFile(file);
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    // COMMIT writes the log without syncing it; WalSync syncs it off the event loop before any answer.
    // Checkpoints still sync the log before copying it into the database, and the database after.
    db.pragma('synchronous = NORMAL');
    // Checkpoints run on a worker (wal-checkpointer.ts), not inside a COMMIT on the event loop; after a
    // complete one the log starts over from an empty file, so its size tells how much it holds.
    db.pragma('wal_autocheckpoint = 0');
    db.pragma('journal_size_limit = 0');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    // A deleted row (a secret moved out, a throttle row naming someone) is overwritten, not left
    // readable in a free page of the file.
    db.pragma('secure_delete = ON');
    this.writer = new Connection(db);
    this.migrate();
    // Journals an older build left readable (the main file's mode is only copied to new ones).
    for (const journal of [`${file}-wal`, `${file}-shm`]) restrictToOwner(journal);
    // The log exists from the first transaction on (migrate's look-up) until the last connection closes.
    this.wal = new WalSync(`${file}-wal`, options.syncWal);
    this.checkpointer = new WalCheckpointer(file, options.checkpointEvery, undefined, options.onCheckpoint);
    const readDb = new Database(file);
    readDb.pragma('busy_timeout = 5000');
    readDb.pragma('query_only = ON');
    this.reader = new Connection(readDb);
    this.writeTx = this.createTx(this.writer);
    this.readTx = this.createTx(this.reader);
  }

  private get db(): Db {
    return this.writer.db;
  }

  private migrate(): void {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new Error(`platform database schema ${version} is newer than this platform (${SCHEMA_VERSION})`);
    }
    if (version === SCHEMA_VERSION) return;
    this.db.transaction(() => {
      for (const upgrade of UPGRADES) if (version < upgrade.below) this.db.exec(upgrade.sql);
      this.db.exec(SCHEMA_SQL);
      this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
    })();
  }

  private stmt(sql: string): Statement {
    return this.writer.stmt(sql);
  }

  /** Runs `work` on the writer between groups (maintenance: fingerprint, checkpoint, close). */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(work, work);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** One process owns a SQLite file. */
  readonly shared = false;

  exclusively<T>(work: () => Promise<T>): Promise<T> {
    return work();
  }

  read<T>(work: (tx: StorageTx) => Promise<T>): Promise<T> {
    const db = this.reader.db;
    let seen = 0;
    const unit = async () => {
      // One read transaction: every statement of the unit sees the same committed snapshot.
      db.exec('BEGIN');
      try {
        return await work(this.readTx);
      } finally {
        if (db.inTransaction) db.exec('COMMIT');
        // The snapshot holds no commit written after this point.
        seen = this.wal.lastWritten;
      }
    };
    const run = this.readTail.then(unit, unit);
    this.readTail = run.catch(() => undefined);
    // Nothing it saw may be answered before it is durable (the answer, or the error it explains).
    const durable = () => this.wal.durableUpTo(seen);
    return run.then(
      (value) => durable().then(() => value),
      (error: unknown) => durable().then(() => Promise.reject(error as Error)),
    );
  }

  write<T>(work: (tx: StorageTx) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.wal.check();
      this.pending.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (this.groupScheduled) return;
      this.groupScheduled = true;
      void this.exclusive(() => this.runGroup());
    });
  }

  /**
   * One group: BEGIN, every waiting unit in its savepoint (units arriving meanwhile join), COMMIT, then
   * each unit's answer once a sync of the log covers the commit. If the commit itself fails, nothing of
   * the group was written: every unit fails.
   */
  private async runGroup(): Promise<void> {
    const settled: Array<{ unit: PendingUnit; ok: boolean; value: unknown }> = [];
    let commit: number | undefined;
    this.db.exec('BEGIN IMMEDIATE');
    try {
      while (this.pending.length > 0 && settled.length < MAX_GROUP_UNITS) {
        const unit = this.pending.shift()!;
        this.db.exec('SAVEPOINT unit');
        try {
          const value = await unit.work(this.writeTx);
          this.db.exec('RELEASE unit');
          settled.push({ unit, ok: true, value });
        } catch (error) {
          if (!this.db.inTransaction) {
            // SQLite gave up the whole transaction (e.g. disk full): the units before this one are lost too.
            for (const done of settled) Object.assign(done, { ok: false, value: error });
            settled.push({ unit, ok: false, value: error });
            this.db.exec('BEGIN IMMEDIATE');
            continue;
          }
          this.db.exec('ROLLBACK TO unit');
          this.db.exec('RELEASE unit');
          settled.push({ unit, ok: false, value: error });
        }
      }
      // Units arriving from here on start the next group (scheduled behind this one).
      this.groupScheduled = false;
      if (this.pending.length > 0) {
        this.groupScheduled = true;
        void this.exclusive(() => this.runGroup());
      }
      this.db.exec('COMMIT');
      commit = this.wal.committed();
      if (this.checkpointer.grew(this.wal.size()) && !this.catchingUp) {
        this.catchingUp = true;
        void this.checkpoint()
          .catch((error: unknown) => console.error('eSanté platform: checkpoint failed:', error))
          .finally(() => (this.catchingUp = false));
      }
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      for (const done of settled) Object.assign(done, { ok: false, value: error });
    }
    const answer = () => {
      for (const { unit, ok, value } of settled) {
        if (ok) unit.resolve(value);
        else unit.reject(value);
      }
    };
    if (commit === undefined) answer();
    // Refusals wait too: a unit's error may describe what the group wrote (a version, a conflict).
    // Not awaited: the next group is built and written while this one is being synced.
    else
      this.wal.durableUpTo(commit).then(answer, (error: unknown) => {
        for (const { unit } of settled) unit.reject(error);
      });
  }

  async fingerprint(): Promise<{ sequence: number; hash: string }> {
    return this.exclusive(async () => {
      const hash = createHash('sha256');
      let sequence = 0;
      for (const row of this.stmt(
        "SELECT seq, type, id, version, deleted, json FROM resource_version WHERE type <> 'AuditEvent' ORDER BY seq",
      ).iterate() as IterableIterator<{
        seq: number;
        type: string;
        id: string;
        version: number;
        deleted: number;
        json: string | null;
      }>) {
        sequence = row.seq;
        hash.update(`${row.seq}|${row.type}|${row.id}|${row.version}|${row.deleted}|${row.json ?? ''}\n`);
      }
      for (const row of this.stmt(
        'SELECT seq, principal, type, id, kind FROM dsp_change ORDER BY seq, rowid',
      ).iterate() as IterableIterator<Record<string, unknown>>) {
        hash.update(
          `dsp|${String(row.seq)}|${String(row.principal)}|${String(row.type)}|${String(row.id)}|${String(row.kind)}\n`,
        );
      }
      for (const row of this.stmt('SELECT sha256, size FROM blob ORDER BY sha256').iterate() as IterableIterator<
        Record<string, unknown>
      >) {
        hash.update(`blob|${String(row.sha256)}|${String(row.size)}\n`);
      }
      for (const row of this.stmt(
        'SELECT id, principal, sha256, received, completed_at FROM blob_upload ORDER BY id',
      ).iterate() as IterableIterator<Record<string, unknown>>) {
        hash.update(
          `upload|${String(row.id)}|${String(row.principal)}|${String(row.sha256)}|${String(row.received)}|${String(row.completed_at)}\n`,
        );
      }
      for (const row of this.stmt(
        'SELECT op_id, request_hash, status FROM operation_ledger ORDER BY op_id',
      ).iterate() as IterableIterator<Record<string, unknown>>) {
        hash.update(`ledger|${String(row.op_id)}|${String(row.request_hash)}|${String(row.status)}\n`);
      }
      return { sequence, hash: hash.digest('hex') };
    });
  }

  async checkpoint(): Promise<void> {
    await this.exclusive(() =>
      // No read transaction may hold an older snapshot open, or the log could not be emptied.
      this.read(async () => {
        this.reader.db.exec('COMMIT');
        this.db.pragma('wal_checkpoint(TRUNCATE)');
      }),
    );
  }

  async integrityCheck(): Promise<string> {
    return this.exclusive(async () => String(this.db.pragma('integrity_check', { simple: true })));
  }

  async close(): Promise<void> {
    await this.readTail;
    await this.exclusive(async () => {
      // Units still waiting for their sync get their answers before the log is closed.
      await this.wal.idle();
      await this.checkpointer.close();
      this.db.pragma('optimize');
      this.reader.db.close();
      this.db.close();
      this.wal.close();
    });
  }

  private createTx(conn: Connection): StorageTx {
    const stmt = (sql: string) => conn.stmt(sql);
    const one = <T>(sql: string, ...params: unknown[]) => stmt(sql).get(...params) as T | undefined;
    const run = (sql: string, ...params: unknown[]) => stmt(sql).run(...params);

    return {
      current: async (type, id) => {
        const row = one<VersionRow>(
          `SELECT ${VERSION_COLUMNS} FROM resource_version v WHERE v.type = ? AND v.id = ? ORDER BY v.version DESC LIMIT 1`,
          type,
          id,
        );
        return row && toStored(row);
      },
      version: async (type, id, versionId) => {
        const row = one<VersionRow>(
          `SELECT ${VERSION_COLUMNS} FROM resource_version v WHERE v.type = ? AND v.id = ? AND v.version = ?`,
          type,
          id,
          versionId,
        );
        return row && toStored(row);
      },
      history: async (type, id, limit) =>
        (
          stmt(
            `SELECT ${VERSION_COLUMNS} FROM resource_version v WHERE v.type = ? AND v.id = ? ORDER BY v.version DESC LIMIT ?`,
          ).all(type, id, limit) as VersionRow[]
        ).map(toStored),
      existing: async (type, ids) => {
        const found = new Set<string>();
        const statement = stmt(
          `SELECT 1 FROM resource_version WHERE type = ? AND id = ? AND +superseded_at = ${CURRENT} AND deleted = 0`,
        );
        for (const id of ids) if (statement.get(type, id)) found.add(id);
        return found;
      },
      append: async (version) => this.append(stmt, version),
      search: async (request, snapshot) => this.search(stmt, request, snapshot),
      changes: async (filter, after, limit) => this.changes(stmt, filter, after, limit),
      currentSequence: async () => one<{ seq: number | null }>('SELECT max(seq) AS seq FROM resource_version')?.seq ?? 0,
      // One write transaction at a time (BEGIN IMMEDIATE): every look-up already holds until commit.
      lock: async () => {},
      savepoint: async <T>(work: () => Promise<T>): Promise<T> => {
        conn.db.exec('SAVEPOINT entry');
        try {
          const result = await work();
          conn.db.exec('RELEASE entry');
          return result;
        } catch (error) {
          conn.db.exec('ROLLBACK TO entry');
          conn.db.exec('RELEASE entry');
          throw error;
        }
      },

      findOperation: async (operationId) => {
        const row = one<{
          op_id: string;
          principal: string;
          request_hash: string;
          status: number;
          headers: string;
          body: string | null;
        }>('SELECT * FROM operation_ledger WHERE op_id = ?', operationId);
        return (
          row && {
            operationId: row.op_id,
            principal: row.principal,
            requestHash: row.request_hash,
            status: row.status,
            headers: JSON.parse(row.headers) as Record<string, string>,
            body: row.body,
          }
        );
      },
      recordOperation: async (entry: LedgerEntry) => {
        run(
          'INSERT INTO operation_ledger (op_id, principal, request_hash, status, headers, body) VALUES (?, ?, ?, ?, ?, ?)',
          entry.operationId,
          entry.principal,
          entry.requestHash,
          entry.status,
          JSON.stringify(entry.headers),
          entry.body,
        );
      },

      account: async (identifier) => {
        const row = one<{
          identifier: string;
          password_hash: string;
          otp: string;
          role: string;
          user_ref: string;
          display_name: string;
        }>('SELECT * FROM account WHERE identifier = ?', identifier);
        return (
          row && {
            identifier: row.identifier,
            passwordHash: row.password_hash,
            otp: row.otp,
            role: row.role,
            userRef: row.user_ref,
            displayName: row.display_name,
          }
        );
      },
      putAccount: async (account: Account) => {
        run(
          'INSERT OR REPLACE INTO account (identifier, password_hash, otp, role, user_ref, display_name) VALUES (?, ?, ?, ?, ?, ?)',
          account.identifier,
          account.passwordHash,
          account.otp,
          account.role,
          account.userRef,
          account.displayName,
        );
      },
      loginThrottle: async (identifier) => {
        const row = one<{ failures: number; locked_until: number; last_failure_at: number }>(
          'SELECT failures, locked_until, last_failure_at FROM login_throttle WHERE identifier = ?',
          identifier,
        );
        return { failures: row?.failures ?? 0, lockedUntil: row?.locked_until ?? 0, lastFailureAt: row?.last_failure_at ?? 0 };
      },
      setLoginThrottle: async (identifier, failures: LoginFailures) => {
        run(
          'INSERT OR REPLACE INTO login_throttle (identifier, failures, locked_until, last_failure_at) VALUES (?, ?, ?, ?)',
          identifier,
          failures.failures,
          failures.lockedUntil,
          failures.lastFailureAt,
        );
      },
      clearLoginThrottle: async (identifier) => {
        run('DELETE FROM login_throttle WHERE identifier = ?', identifier);
      },
      pruneLoginThrottles: async (staleAt, keep) => {
        run('DELETE FROM login_throttle WHERE last_failure_at <= ?', staleAt);
        run(
          `DELETE FROM login_throttle WHERE identifier IN (
             SELECT identifier FROM login_throttle ORDER BY locked_until DESC, last_failure_at DESC LIMIT -1 OFFSET ?)`,
          Math.max(0, keep),
        );
      },
      createSession: async (sessionId, identifier, now) => {
        run('INSERT INTO auth_session (id, identifier, created_at) VALUES (?, ?, ?)', sessionId, identifier, now);
      },
      sessionActive: async (sessionId) =>
        one<{ identifier: string }>('SELECT identifier FROM auth_session WHERE id = ? AND revoked = 0', sessionId)?.identifier,
      revokeSession: async (sessionId) => {
        run('UPDATE auth_session SET revoked = 1 WHERE id = ?', sessionId);
      },
      putRefreshToken: async (tokenHash, record: RefreshTokenRecord) => {
        run(
          'INSERT INTO refresh_token (hash, session_id, expires_at, used) VALUES (?, ?, ?, ?)',
          tokenHash,
          record.sessionId,
          record.expiresAt,
          record.used ? 1 : 0,
        );
      },
      refreshToken: async (tokenHash) => {
        const row = one<{ session_id: string; expires_at: number; used: number }>(
          'SELECT session_id, expires_at, used FROM refresh_token WHERE hash = ?',
          tokenHash,
        );
        return row && { sessionId: row.session_id, expiresAt: row.expires_at, used: row.used === 1 };
      },
      markRefreshTokenUsed: async (tokenHash) => {
        run('UPDATE refresh_token SET used = 1 WHERE hash = ?', tokenHash);
      },

      putPresenceCode: async (hash, record) => {
        run(
          'INSERT INTO presence_code (hash, patient, expires_at, used) VALUES (?, ?, ?, ?)',
          hash,
          record.patient,
          record.expiresAt,
          record.used ? 1 : 0,
        );
      },
      presenceCode: async (hash) => {
        const row = one<{ patient: string; expires_at: number; used: number }>(
          'SELECT patient, expires_at, used FROM presence_code WHERE hash = ?',
          hash,
        );
        return row && { patient: row.patient, expiresAt: row.expires_at, used: row.used === 1 };
      },
      markPresenceCodeUsed: async (hash) => {
        run('UPDATE presence_code SET used = 1 WHERE hash = ?', hash);
      },
      presenceThrottle: async (patient) => {
        const row = one<{ failures: number; locked_until: number }>(
          'SELECT failures, locked_until FROM presence_throttle WHERE patient = ?',
          patient,
        );
        return { failures: row?.failures ?? 0, lockedUntil: row?.locked_until ?? 0 };
      },
      setPresenceThrottle: async (patient, throttle) => {
        run(
          'INSERT OR REPLACE INTO presence_throttle (patient, failures, locked_until) VALUES (?, ?, ?)',
          patient,
          throttle.failures,
          throttle.lockedUntil,
        );
      },
      addDspChanges: async (changes) => {
        const insert = stmt('INSERT INTO dsp_change (seq, principal, type, id, kind) VALUES (?, ?, ?, ?, ?)');
        for (const c of changes) insert.run(c.seq, c.principal, c.type, c.id, c.kind);
      },
      dspChanges: async (principal, after, upTo) =>
        stmt(
          'SELECT seq, principal, type, id, kind FROM dsp_change WHERE principal = ? AND seq > ? AND seq <= ? ORDER BY seq, rowid',
        ).all(principal, after, upTo) as DspChange[],
      roleOf: async (userRef) => one<{ role: string }>('SELECT role FROM account WHERE user_ref = ? LIMIT 1', userRef)?.role,

      putUpload: async (upload) => {
        run(
          `INSERT INTO blob_upload (id, principal, sha256, size, content_type, received, created_at, completed_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          upload.id,
          upload.principal,
          upload.sha256,
          upload.size,
          upload.contentType,
          upload.received,
          upload.createdAt,
          upload.completedAt ?? null,
        );
      },
      updateUpload: async (id, received, completedAt) => {
        run('UPDATE blob_upload SET received = ?, completed_at = ? WHERE id = ?', received, completedAt ?? null, id);
      },
      upload: async (id) => {
        const row = one<UploadRow>('SELECT * FROM blob_upload WHERE id = ?', id);
        return row && toUpload(row);
      },
      uploadOf: async (principal, sha256, size) => {
        const row = one<UploadRow>(
          `SELECT * FROM blob_upload WHERE principal = ? AND sha256 = ? AND size = ?
           ORDER BY completed_at IS NULL, received DESC, created_at DESC LIMIT 1`,
          principal,
          sha256,
          size,
        );
        return row && toUpload(row);
      },
      deleteUpload: async (id) => {
        // Chunks a blob took over stay with the blob.
        run('DELETE FROM blob_chunk WHERE owner = ? AND NOT EXISTS (SELECT 1 FROM blob WHERE chunk_owner = ?)', id, id);
        run('DELETE FROM blob_upload WHERE id = ?', id);
      },
      putUploadChunk: async (id, offset, data) => {
        run('INSERT INTO blob_chunk (owner, byte_offset, data) VALUES (?, ?, ?)', id, offset, asBuffer(data));
      },
      chunks: async (source, from, to) => {
        const owner =
          'upload' in source
            ? source.upload
            : (one<{ owner: string }>('SELECT coalesce(chunk_owner, sha256) AS owner FROM blob WHERE sha256 = ?', source.blob)
                ?.owner ?? source.blob);
        // The chunk holding `from` starts at the largest offset not after it; the rest follow up to `to`.
        return (
          stmt(
            `SELECT byte_offset, data FROM blob_chunk
             WHERE owner = ? AND byte_offset < ?
               AND byte_offset >= coalesce((SELECT max(byte_offset) FROM blob_chunk WHERE owner = ? AND byte_offset <= ?), 0)
             ORDER BY byte_offset`,
          ).all(owner, to, owner, from) as Array<{ byte_offset: number; data: Buffer }>
        ).map((row) => ({ offset: row.byte_offset, data: row.data }));
      },
      blobSize: async (sha256) => one<{ size: number }>('SELECT size FROM blob WHERE sha256 = ?', sha256)?.size,
      promoteUpload: async (id, sha256, size, at) => {
        if (one('SELECT 1 FROM blob WHERE sha256 = ?', sha256)) {
          run('DELETE FROM blob_chunk WHERE owner = ?', id);
          run('UPDATE blob SET stored_at = max(coalesce(stored_at, 0), ?) WHERE sha256 = ?', at, sha256);
          return;
        }
        run('INSERT INTO blob (sha256, size, chunk_owner, stored_at) VALUES (?, ?, ?, ?)', sha256, size, id, at);
      },
      putBlob: async (sha256, bytes, chunkBytes) => {
        if (one('SELECT 1 FROM blob WHERE sha256 = ?', sha256)) return;
        const insert = stmt('INSERT INTO blob_chunk (owner, byte_offset, data) VALUES (?, ?, ?)');
        const buffer = asBuffer(bytes);
        for (let offset = 0; offset < buffer.length; offset += chunkBytes)
          insert.run(sha256, offset, buffer.subarray(offset, Math.min(buffer.length, offset + chunkBytes)));
        run('INSERT INTO blob (sha256, size) VALUES (?, ?)', sha256, bytes.length);
      },
      uploadsOpenedBefore: async (before, limit) =>
        (
          stmt('SELECT id FROM blob_upload WHERE completed_at IS NULL AND created_at <= ? ORDER BY created_at LIMIT ?').all(
            before,
            limit,
          ) as Array<{ id: string }>
        ).map((row) => row.id),
      bytesUnderWay: async (principal) =>
        one<{ n: number }>(
          'SELECT coalesce(sum(size), 0) AS n FROM blob_upload WHERE principal = ? AND completed_at IS NULL',
          principal,
        )!.n,
      blobsStoredBefore: async (before, after, limit) =>
        (
          stmt('SELECT sha256 FROM blob WHERE coalesce(stored_at, 0) <= ? AND sha256 > ? ORDER BY sha256 LIMIT ?').all(
            before,
            after,
            limit,
          ) as Array<{ sha256: string }>
        ).map((row) => row.sha256),
      versionTexts: async (type, afterSeq, limit) =>
        stmt('SELECT seq, json FROM resource_version WHERE type = ? AND seq > ? AND json IS NOT NULL ORDER BY seq LIMIT ?').all(
          type,
          afterSeq,
          limit,
        ) as Array<{ seq: number; json: string }>,
      anyVersionMentions: async (type, text, afterSeq) =>
        one(
          `SELECT 1 FROM resource_version WHERE type = ? AND seq > ? AND json LIKE '%' || ? || '%' LIMIT 1`,
          type,
          afterSeq,
          text,
        ) !== undefined,
      deleteBlob: async (sha256) => {
        const owner = one<{ owner: string }>(
          'SELECT coalesce(chunk_owner, sha256) AS owner FROM blob WHERE sha256 = ?',
          sha256,
        )?.owner;
        if (owner !== undefined) run('DELETE FROM blob_chunk WHERE owner = ?', owner);
        run('DELETE FROM blob WHERE sha256 = ?', sha256);
        run('DELETE FROM blob_upload WHERE sha256 = ? AND completed_at IS NOT NULL', sha256);
      },

      getMeta: async (key) => one<{ value: string }>('SELECT value FROM meta WHERE key = ?', key)?.value,
      setMeta: async (key, value) => {
        run('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)', key, value);
      },
      deleteMeta: async (key) => {
        run('DELETE FROM meta WHERE key = ?', key);
      },
    };
  }

  private append(stmt: (sql: string) => Statement, version: NewVersion): StoredVersion {
    const previous = stmt(
      // "+" keeps SQLite on the (type, id, version) index; the superseded_at index would scan every current row.
      `SELECT seq, version FROM resource_version WHERE type = ? AND id = ? AND +superseded_at = ${CURRENT}`,
    ).get(version.type, version.id) as { seq: number; version: number } | undefined;
    const expected = (previous?.version ?? 0) + 1;
    if (version.versionId !== expected) {
      // The caller checked versions inside this same transaction, so this is a programming error guard.
      throw new StorageConflictError(`${version.type}/${version.id}: version ${version.versionId} written, ${expected} expected`);
    }
    const info = stmt(
      `INSERT INTO resource_version (type, id, version, deleted, last_updated, last_updated_ms, author, created_by, json)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      version.type,
      version.id,
      version.versionId,
      version.resource === null ? 1 : 0,
      version.lastUpdated,
      Date.parse(version.lastUpdated),
      version.author,
      version.createdBy,
      version.resource === null ? null : JSON.stringify(version.resource),
    );
    const seq = Number(info.lastInsertRowid);
    if (previous) stmt('UPDATE resource_version SET superseded_at = ? WHERE seq = ?').run(seq, previous.seq);
    if (version.index) {
      const { type } = version;
      const token = stmt('INSERT INTO idx_token (seq, type, param, system, code) VALUES (?, ?, ?, ?, ?)');
      for (const t of version.index.tokens) token.run(seq, type, t.param, t.system, t.code);
      const str = stmt('INSERT INTO idx_string (seq, type, param, value) VALUES (?, ?, ?, ?)');
      for (const s of version.index.strings) str.run(seq, type, s.param, s.value);
      const ref = stmt('INSERT INTO idx_reference (seq, type, param, target) VALUES (?, ?, ?, ?)');
      for (const r of version.index.references) ref.run(seq, type, r.param, r.target);
      const date = stmt('INSERT INTO idx_date (seq, type, param, low, high) VALUES (?, ?, ?, ?, ?)');
      for (const d of version.index.dates) date.run(seq, type, d.param, d.low, d.high);
    }
    return {
      seq,
      type: version.type,
      id: version.id,
      versionId: version.versionId,
      deleted: version.resource === null,
      lastUpdated: version.lastUpdated,
      author: version.author,
      createdBy: version.createdBy,
      resource: version.resource,
    };
  }

  private search(stmt: (sql: string) => Statement, request: SearchRequest, snapshot: number): Page {
    const query = buildSearchSql(SQLITE_DIALECT, request, snapshot, VERSION_COLUMNS);
    const rows = (stmt(query.sql).all(...query.params) as VersionRow[]).map(toStored);
    const hasMore = rows.length > request.count;
    return { rows: hasMore ? rows.slice(0, request.count) : rows, hasMore };
  }

  private changes(stmt: (sql: string) => Statement, filter: ChangeFilter, after: number, limit: number): Page {
    const query = buildChangesSql(SQLITE_DIALECT, filter, after, limit, VERSION_COLUMNS);
    if (!query) return { rows: [], hasMore: false };
    const rows = (stmt(query.sql).all(...query.params) as VersionRow[]).map(toStored);
    const hasMore = rows.length > limit;
    return { rows: hasMore ? rows.slice(0, limit) : rows, hasMore };
  }
}
