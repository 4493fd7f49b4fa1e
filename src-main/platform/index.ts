/**
 * The embedded mock eSanté platform as a library: `startPlatform()` opens (or creates and seeds) the
 * data directory, and serves FHIR R4 over HTTP on 127.0.0.1.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { MAX_MESSAGE_REQUEST_BYTES } from '../../src-shared/domain/messaging';
import { AuditTrail } from './audit/audit-trail';
import { collectBlobs, DEFAULT_BLOB_COLLECTOR, type BlobCollectorOptions, type BlobSweep } from './blobs/blob-collector';
import { AccessTokens } from './auth/access-tokens';
import { LoginService } from './auth/login-service';
import { loadSigningSecret } from './auth/signing-secret';
import { AnonymousReadLimiter, type AnonymousReadLimit } from './http/anonymous-reads';
import { buildHttpServer } from './http/server';
import { seedPlatform } from './seed/seed-platform';
import type { PlatformStorage } from './storage/platform-storage';
import { ensurePrivateDirectory } from './storage/private-files';
import { PostgresStorage } from './storage/postgres-storage';
import { SqliteStorage } from './storage/sqlite-storage';
import { DEFAULT_PRESENCE_CODE_TTL_SECONDS } from './dsp/dsp-simulator';
import { buildPolicyRegistry } from './policies';
import type { PolicyRegistry } from './policy/policy-registry';
import { CURSOR_KEY_META } from './fhir/changes-cursor';

export { DEMO_ACCOUNTS, DEMO_PATIENT_MATRICULE, type DemoAccount } from './seed/demo-accounts';

export interface PlatformOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  dataDir: string;
  /**
   * Where the data lives: a PostgreSQL connection URL ("postgres://USER@HOST/DB", several instances may
   * share it), or undefined for the SQLite file in `dataDir` (the default, embedded mode).
   */
  storage?: string;
  /** Seed of a new data directory: 'demo' (default) a full data set; 'none' only the demo accounts' own records. */
  seed?: 'demo' | 'none';
  patients?: number;
  docsPerPatient?: number;
  /** IdeoMed bench (issue 11): extra care-home residents, and days of care records each (`--care-patients`, `--care-days`). */
  carePatients?: number;
  careDays?: number;
  accessTokenTtlSeconds?: number;
  /** Largest request body accepted (default 8 MiB). */
  bodyLimitBytes?: number;
  /** Largest transaction (`POST /fhir`, e.g. a message with attachments) accepted (default MAX_MESSAGE_REQUEST_BYTES, 64 MiB). */
  messageBodyLimitBytes?: number;
  /** Default validity of a DSP presence code (default 3600 s). */
  presenceCodeTtlSeconds?: number;
  /** Reads without a token per client address (default DEFAULT_ANONYMOUS_READ_LIMIT: the public library is rate-limited). */
  anonymousReadLimit?: AnonymousReadLimit;
  /** The quorum a tumour-board proposal needs (groups of specialties; default DEFAULT_RCP_QUORUM of src-shared/domain/rcp.ts). */
  rcpQuorum?: string[][];
  /** Host names clients may use besides 127.0.0.1, localhost, [::1] and the listening address (DNS-rebinding guard). */
  allowedHosts?: string[];
  /** Bytes one user's blob uploads under way may declare together (default DEFAULT_BLOB_UPLOAD_LIMITS: 256 MiB). */
  blobBytesUnderWayPerUser?: number;
  /** When the blob collector drops abandoned uploads and blobs no Binary names (default DEFAULT_BLOB_COLLECTOR: a day each). */
  blobCollector?: Partial<BlobCollectorOptions>;
  /** How often the blob collector sweeps (default hourly; 0: never by itself, only `collectBlobs()`). */
  blobCollectorIntervalMs?: number;
}

export interface RunningPlatform {
  /** http://127.0.0.1:PORT/fhir */
  url: string;
  port: number;
  stop(): Promise<void>;
  /** Commit sequence and content hash of all but audit records (tests prove refusals change nothing). */
  fingerprint(): Promise<{ sequence: number; hash: string }>;
  integrityCheck(): Promise<string>;
  /** Requests being handled now (also those whose client has gone): `stop()` waits for them before closing the storage. */
  requestsInFlight(): number;
  /** Every route served, those that run the FHIR pipeline, and the resource types with a policy (the census test). */
  census(): { routes: string[]; pipelineRoutes: string[]; governedTypes: string[] };
  /** One sweep of the blob collector as of `now` (epoch ms; default the clock): what it dropped. */
  collectBlobs(now?: number): Promise<BlobSweep>;
}

export const DATABASE_FILE = 'platform.sqlite';
export const DEFAULT_PATIENTS = 200;
export const DEFAULT_DOCS_PER_PATIENT = 5;

/** Creates the per-database epoch and the token secret (its own file) on first open; seeds a new database once. */
async function prepare(
  storage: PlatformStorage,
  options: PlatformOptions,
  policies: PolicyRegistry,
): Promise<{ epoch: string; secret: Uint8Array }> {
  const epoch = await storage.write(async (tx) => {
    let epoch = await tx.getMeta('epoch');
    if (epoch === undefined) await tx.setMeta('epoch', (epoch = randomBytes(8).toString('hex')));
    // Authenticates what a $changes cursor says about the page that issued it (fhir/changes-cursor.ts); older databases get one now.
    if ((await tx.getMeta(CURSOR_KEY_META)) === undefined) await tx.setMeta(CURSOR_KEY_META, randomBytes(32).toString('hex'));
    return epoch;
  });
  const secret = await loadSigningSecret(options.dataDir, storage);
  // Instances starting together on a new shared database: one seeds, the others wait and find it seeded.
  await storage.exclusively(async () => {
    if ((await storage.read((tx) => tx.getMeta('seeded'))) !== undefined) return;
    await seedPlatform(storage, policies, {
      mode: options.seed ?? 'demo',
      patients: options.patients ?? DEFAULT_PATIENTS,
      docsPerPatient: options.docsPerPatient ?? DEFAULT_DOCS_PER_PATIENT,
      ...(options.carePatients !== undefined ? { carePatients: options.carePatients } : {}),
      ...(options.careDays !== undefined ? { careDays: options.careDays } : {}),
    });
    await storage.write((tx) => tx.setMeta('seeded', new Date().toISOString()));
  });
  return { epoch, secret };
}

export async function startPlatform(options: PlatformOptions): Promise<RunningPlatform> {
  // Every patient's record and the token-signing key live here: owner-only (0700, files 0600).
  ensurePrivateDirectory(options.dataDir);
  const storage: PlatformStorage =
    options.storage === undefined
      ? new SqliteStorage(join(options.dataDir, DATABASE_FILE))
      : await PostgresStorage.open(options.storage);
  try {
    const presenceCodeTtlSeconds = options.presenceCodeTtlSeconds ?? DEFAULT_PRESENCE_CODE_TTL_SECONDS;
    const policies = buildPolicyRegistry({
      presenceCodeTtlSeconds,
      ...(options.rcpQuorum ? { rcpQuorum: options.rcpQuorum } : {}),
      ...(options.blobBytesUnderWayPerUser !== undefined
        ? { blobUploads: { bytesUnderWayPerUser: options.blobBytesUnderWayPerUser } }
        : {}),
    });
    const { epoch, secret } = await prepare(storage, options, policies);
    const audit = new AuditTrail(storage);
    const logins = new LoginService(storage, new AccessTokens(secret, options.accessTokenTtlSeconds ?? 900));
    const { app, routes, pipelineRoutes, inFlight, drained } = buildHttpServer({
      policies,
      storage,
      logins,
      audit,
      epoch,
      bodyLimit: options.bodyLimitBytes ?? 8 * 1024 * 1024,
      messageBodyLimit: options.messageBodyLimitBytes ?? MAX_MESSAGE_REQUEST_BYTES,
      presenceCodeTtlSeconds,
      anonymousReads: new AnonymousReadLimiter(options.anonymousReadLimit),
      allowedHosts: options.allowedHosts ?? [],
    });
    const host = options.host ?? '127.0.0.1';
    await app.listen({ port: options.port ?? 0, host });
    const port = (app.server.address() as AddressInfo).port;
    const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
    const collectorOptions = { ...DEFAULT_BLOB_COLLECTOR, ...options.blobCollector };
    // One sweep at a time; the timer never keeps the process alive, and stop() waits for a sweep under way.
    let sweeping: Promise<BlobSweep> | undefined;
    const sweep = (now = Date.now()) =>
      (sweeping ??= collectBlobs(storage, now, collectorOptions).finally(() => (sweeping = undefined)));
    const intervalMs = options.blobCollectorIntervalMs ?? 60 * 60 * 1000;
    const timer =
      intervalMs > 0
        ? setInterval(() => void sweep().catch((error: unknown) => console.error('blob collector:', error)), intervalMs).unref()
        : undefined;
    let stopped: Promise<void> | undefined;
    return {
      url: `http://${shownHost}:${port}/fhir`,
      port,
      stop: () =>
        (stopped ??= (async () => {
          clearInterval(timer);
          await sweeping?.catch(() => undefined);
          // No new request, then the handlers still running (a client that left does not stop its
          // write), then their read audit events: only then is the storage closed under nobody.
          await app.close();
          await drained();
          await audit.flush();
          await storage.close();
        })()),
      fingerprint: () => storage.fingerprint(),
      integrityCheck: () => storage.integrityCheck(),
      requestsInFlight: inFlight,
      census: () => ({ routes: [...routes], pipelineRoutes: [...pipelineRoutes], governedTypes: policies.governedTypes }),
      collectBlobs: (now) => sweep(now),
    };
  } catch (error) {
    await storage.close().catch(() => undefined);
    throw error;
  }
}
