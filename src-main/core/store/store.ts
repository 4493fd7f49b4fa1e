import { DeskError } from '../../../src-shared/domain/errors';
import { BlobRepository } from './blob-repository';
import { BlobUploadRepository } from './blob-upload-repository';
import { CareIndex } from './care-index';
import { RcpIndex } from './rcp-index';
import { createCipherDatabase, openExistingCipherDatabase, type SqliteDatabase } from './cipher-database';
import { DirectoryProjections } from './directory-projections';
import { DspDocumentIndex } from './dsp-document-index';
import { LibraryShelf } from './library-shelf';
import { SpaceRepository } from './space-repository';
import { MailboxRepository, PgpKeyRepository } from './mailbox-repository';
import { latestVersion, runMigrations, type Migration } from './migration';
import { MIGRATIONS } from './migrations/index';
import { OutboxRepository } from './outbox-repository';
import { QuarantineRepository } from './quarantine-repository';
import { RecentPatients } from './recent-patients';
import { ResourceRepository } from './resource-repository';
import { StatementCache } from './statement-cache';
import { SyncStateRepository } from './sync-state-repository';

export interface StoreOptions {
  /** The cache file, e.g. `profiles/<id>/cache.db`. */
  path: string;
  /** The raw 32-byte data key from `core/keys`. The store keeps no copy; the caller wipes it. */
  dataKey: Buffer;
  /** A build of the native addon for Electron's ABI. */
  nativeBinding?: string;
  /** The schema steps this build knows; tests pass their own list. */
  migrations?: readonly Migration[];
  /** Clock for created/acked timestamps (tests). */
  now?: () => Date;
}

export interface IntegrityReport {
  ok: boolean;
  /** SQLite's findings ("ok" lines removed); empty when sound. Never contains row content. */
  problems: string[];
}

/** The open encrypted cache of one profile and its repositories. */
export class Store {
  readonly resources: ResourceRepository;
  readonly outbox: OutboxRepository;
  readonly quarantine: QuarantineRepository;
  readonly syncState: SyncStateRepository;
  readonly blobs: BlobRepository;
  readonly blobUploads: BlobUploadRepository;
  readonly directory: DirectoryProjections;
  readonly mailbox: MailboxRepository;
  readonly pgpKeys: PgpKeyRepository;
  readonly dspDocuments: DspDocumentIndex;
  readonly recentPatients: RecentPatients;
  readonly library: LibraryShelf;
  readonly spaces: SpaceRepository;
  readonly care: CareIndex;
  readonly rcp: RcpIndex;
  private readonly sql: StatementCache;
  private closed = false;

  constructor(
    private readonly db: SqliteDatabase,
    readonly schemaVersion: number,
    now: () => Date,
  ) {
    this.sql = new StatementCache(db);
    this.resources = new ResourceRepository(this.sql, now);
    this.outbox = new OutboxRepository(this.sql, now);
    this.quarantine = new QuarantineRepository(this.sql, now);
    this.syncState = new SyncStateRepository(this.sql);
    this.blobs = new BlobRepository(this.sql);
    this.blobUploads = new BlobUploadRepository(this.sql, now);
    this.directory = new DirectoryProjections(this.sql);
    this.mailbox = new MailboxRepository(this.sql);
    this.pgpKeys = new PgpKeyRepository(this.sql);
    this.dspDocuments = new DspDocumentIndex(this.sql);
    this.recentPatients = new RecentPatients(this.sql);
    this.library = new LibraryShelf(this.sql);
    this.spaces = new SpaceRepository(this.sql);
    this.care = new CareIndex(this.sql);
    this.rcp = new RcpIndex(this.sql);
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /**
   * Runs `fn` in one transaction: a local write and its outbox operation, or a feed page and its
   * cursor, commit together or not at all. `fn` must be synchronous.
   */
  transaction<T>(fn: () => T): T {
    this.assertOpen();
    return this.sql.transaction(fn);
  }

  /** Full integrity check (slow on a large cache: for a diagnostics action, not for every open). */
  integrityCheck(): IntegrityReport {
    this.assertOpen();
    const lines = (this.db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check);
    const problems = lines.filter((line) => line !== 'ok');
    const foreignKeyProblems = this.db.pragma('foreign_key_check') as unknown[];
    if (foreignKeyProblems.length > 0) problems.push(`${foreignKeyProblems.length} foreign key violations`);
    return { ok: problems.length === 0, problems };
  }

  /** Closes the connection; SQLite3MultipleCiphers wipes its copy of the key. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new DeskError('locked', 'the profile is locked');
  }
}

function migrated(db: SqliteDatabase, options: StoreOptions): Store {
  try {
    const version = runMigrations(db, options.migrations ?? MIGRATIONS);
    return new Store(db, version, options.now ?? (() => new Date()));
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * Opens an existing cache. Wrong key or damaged file → `database_damaged`; a schema newer than this
 * build → `database_too_new`; in both cases the files are left byte-identical. Never creates a file.
 */
export function openStore(options: StoreOptions): Store {
  const known = latestVersion(options.migrations ?? MIGRATIONS);
  return migrated(openExistingCipherDatabase(options.path, options, known), options);
}

/** Creates a new cache with the current schema; refuses to touch an existing one. */
export function createStore(options: StoreOptions): Store {
  return migrated(createCipherDatabase(options.path, options), options);
}
