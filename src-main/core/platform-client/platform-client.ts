import http from 'node:http';
import axios, { AxiosError, type AxiosInstance, type AxiosResponse } from 'axios';
import type { Bundle, Extension, FhirResource } from 'fhir/r4';
import { BLOB_UPLOADS_PATH, type BlobUploadState } from '../../../src-shared/domain/attachments';
import {
  CHANGES_HAS_MORE_URL,
  CHANGES_NEXT_CURSOR_URL,
  OPERATION_ID_EXTENSION_URL,
  OPERATION_ID_HEADER,
} from '../../../src-shared/domain/fhir-sync';
import type { Role } from '../../../src-shared/domain/roles';
import { failureFromResponse, PlatformError } from './platform-error';

export interface PlatformUser {
  /** `Practitioner/…` or `Patient/…` */
  id: string;
  role: Role;
  name: string;
}

export interface PlatformSession {
  accessToken: string;
  refreshToken: string;
  user: PlatformUser;
}

export interface ChangesPage {
  entries: NonNullable<Bundle['entry']>;
  nextCursor: string;
  hasMore: boolean;
}

export interface WriteResult<T extends FhirResource = FhirResource> {
  status: number;
  resource: T;
  etag: string | undefined;
}

/** One write of a batch: an outbox operation on one resource (`Type` for a create, `Type/id` otherwise). */
export interface BatchWrite {
  method: 'POST' | 'PUT' | 'DELETE';
  url: string;
  body: unknown;
  ifMatch: string | null;
  opId: string;
}

/** How the platform answered one entry of a batch: a result, or the failure a single write would have met. */
export type BatchEntryOutcome = { ok: true; result: WriteResult } | { ok: false; error: PlatformError };

/** How far the platform got with a resumable upload: the bytes it holds from offset 0, and whether the blob is verified. */
export interface UploadProgress {
  confirmed: number;
  complete: boolean;
}

export interface StartedUpload extends UploadProgress {
  uploadId: string;
  /** The chunk size the platform asks for. */
  chunkSize: number;
}

export interface DownloadedRange {
  bytes: Buffer;
  /** The blob's whole size, from Content-Range (null when the platform sent the whole blob). */
  total: number | null;
}

/** Reads a BlobUploadState answer (src-shared/domain/attachments.ts): `offset` confirmed, `complete` once verified. */
function uploadProgressOf(body: unknown, status: number): UploadProgress {
  const answer = body as Partial<Record<keyof BlobUploadState, unknown>> | null;
  if (!answer || !Number.isSafeInteger(answer.offset) || typeof answer.complete !== 'boolean') {
    throw new PlatformError({ kind: 'server', status, detail: 'blob upload answer lacks offset/complete' });
  }
  return { confirmed: answer.offset as number, complete: answer.complete };
}

export interface PlatformClientOptions {
  /** The platform's FHIR base, e.g. http://127.0.0.1:8787/fhir */
  fhirBaseUrl: string;
  /** Watchdog: no request waits longer than this for an answer. */
  timeoutMs?: number;
  /** Called with the new tokens whenever they change (so they can be kept in the encrypted cache). */
  onSessionChanged?: (session: PlatformSession | null) => void;
}

interface LoginResponse {
  access_token: string;
  refresh_token: string;
  user: PlatformUser;
}

/** An error body that arrived as bytes (a ranged GET asked for octets): its OperationOutcome, if it is one. */
function jsonOf(data: unknown): unknown {
  try {
    return JSON.parse(Buffer.from(data as ArrayBuffer).toString('utf8'));
  } catch {
    return undefined;
  }
}

function fromLogin(body: LoginResponse): PlatformSession {
  return { accessToken: body.access_token, refreshToken: body.refresh_token, user: body.user };
}

/**
 * The client core's only way to the platform: FHIR over HTTP with a bearer token, refreshed once on a
 * 401, a watchdog timeout on every request, and failures turned into typed PlatformErrors.
 */
export class PlatformClient {
  private readonly http: AxiosInstance;
  private session: PlatformSession | null = null;
  private refreshing: Promise<void> | null = null;
  readonly fhirBaseUrl: string;

  constructor(private readonly options: PlatformClientOptions) {
    this.fhirBaseUrl = options.fhirBaseUrl.replace(/\/+$/, '');
    this.http = axios.create({
      timeout: options.timeoutMs ?? 20_000,
      httpAgent: new http.Agent({ keepAlive: true, maxSockets: 8 }),
      // Every status reaches our own mapping; axios must not throw its own errors for 4xx/5xx.
      validateStatus: () => true,
      maxContentLength: 64 * 1024 * 1024,
      maxBodyLength: 64 * 1024 * 1024,
      proxy: false,
    });
  }

  get user(): PlatformUser | null {
    return this.session?.user ?? null;
  }

  /** Restores tokens kept from an earlier login (e.g. after an offline unlock). */
  restoreSession(session: PlatformSession | null): void {
    this.session = session;
  }

  async login(identifier: string, password: string, otp: string): Promise<PlatformSession> {
    const response = await this.send<LoginResponse>(
      { method: 'POST', url: this.authUrl('login'), data: { identifier, password, otp } },
      false,
    );
    this.setSession(fromLogin(response.data));
    return this.session!;
  }

  async logout(): Promise<void> {
    try {
      if (this.session) await this.send({ method: 'POST', url: this.authUrl('logout'), data: {} }, false);
    } finally {
      this.setSession(null);
    }
  }

  async read<T extends FhirResource>(type: string, id: string): Promise<WriteResult<T>> {
    const response = await this.send<T>({ method: 'GET', url: `${this.fhirBaseUrl}/${type}/${encodeURIComponent(id)}` });
    return { status: response.status, resource: response.data, etag: response.headers.etag as string | undefined };
  }

  async search<T extends FhirResource>(type: string, params: Record<string, string>): Promise<T[]> {
    const response = await this.send<Bundle>({ method: 'GET', url: `${this.fhirBaseUrl}/${type}`, params });
    return (response.data.entry ?? []).map((entry) => entry.resource as T).filter((r) => r?.resourceType === type);
  }

  /** A GET of any path under the FHIR base (operations such as `Organization/x/$members`). */
  async get<T>(path: string): Promise<T> {
    return (await this.send<T>({ method: 'GET', url: `${this.fhirBaseUrl}/${path}` })).data;
  }

  /**
   * Sends one outbox operation. The operation id makes a retry safe: the platform answers a replay
   * with the first result.
   */
  async write<T extends FhirResource>(op: {
    method: string;
    url: string;
    body: unknown;
    ifMatch: string | null;
    opId: string;
  }): Promise<WriteResult<T>> {
    const headers: Record<string, string> = { [OPERATION_ID_HEADER]: op.opId, 'Content-Type': 'application/fhir+json' };
    if (op.ifMatch) headers['If-Match'] = op.ifMatch;
    // An empty url is the FHIR base itself: where transaction Bundles go.
    const url = op.url === '' ? this.fhirBaseUrl : `${this.fhirBaseUrl}/${op.url}`;
    const response = await this.send<T>({ method: op.method, url, data: op.body ?? undefined, headers });
    return { status: response.status, resource: response.data, etag: response.headers.etag as string | undefined };
  }

  /**
   * Sends several outbox operations in one FHIR `batch` Bundle: one round trip, one transaction on the
   * platform, each entry under its own operation id (the platform's ledger answers a replayed entry with
   * its first result) and with its own outcome, mapped exactly as the answer to a single write would be.
   * A failure of the request as a whole (unreachable, 401, a refused Bundle) throws.
   */
  async writeBatch(ops: readonly BatchWrite[]): Promise<BatchEntryOutcome[]> {
    const bundle: Bundle = {
      resourceType: 'Bundle',
      type: 'batch',
      entry: ops.map((op) => ({
        ...(op.method === 'DELETE' || op.body === undefined || op.body === null ? {} : { resource: op.body as FhirResource }),
        request: {
          method: op.method,
          url: op.url,
          ...(op.ifMatch ? { ifMatch: op.ifMatch } : {}),
          extension: [{ url: OPERATION_ID_EXTENSION_URL, valueString: op.opId }],
        },
      })),
    };
    const response = await this.send<Bundle>({
      method: 'POST',
      url: this.fhirBaseUrl,
      data: bundle,
      headers: { 'Content-Type': 'application/fhir+json' },
    });
    const entries = response.data.entry ?? [];
    if (response.data.type !== 'batch-response' || entries.length !== ops.length) {
      throw new PlatformError({
        kind: 'server',
        status: response.status,
        detail: `batch answer has ${entries.length} entries for ${ops.length} operations`,
      });
    }
    return entries.map((entry): BatchEntryOutcome => {
      const status = Number.parseInt(entry.response?.status ?? '', 10);
      if (status >= 200 && status < 300) {
        return { ok: true, result: { status, resource: entry.resource as FhirResource, etag: entry.response?.etag } };
      }
      const failure = Number.isFinite(status)
        ? failureFromResponse(status, entry.response?.outcome)
        : ({ kind: 'server', status: response.status, detail: 'batch entry without a status' } as const);
      return { ok: false, error: new PlatformError(failure) };
    });
  }

  /** One page of the change feed after `cursor` (null: from the beginning). */
  async changes(cursor: string | null, count: number): Promise<ChangesPage> {
    const params: Record<string, string> = { _count: String(count) };
    if (cursor !== null) params.cursor = cursor;
    // The platform marks the page with two extensions on the Bundle (see src-shared/domain/fhir-sync.ts).
    const response = await this.send<Bundle & { extension?: Extension[] }>({
      method: 'GET',
      url: `${this.fhirBaseUrl}/$changes`,
      params,
    });
    const extensions = response.data.extension ?? [];
    const nextCursor = extensions.find((e) => e.url === CHANGES_NEXT_CURSOR_URL)?.valueString;
    const hasMore = extensions.find((e) => e.url === CHANGES_HAS_MORE_URL)?.valueBoolean;
    if (nextCursor === undefined || hasMore === undefined) {
      throw new PlatformError({ kind: 'server', status: response.status, detail: '$changes answer lacks its cursor extensions' });
    }
    return { entries: response.data.entry ?? [], nextCursor, hasMore };
  }

  /**
   * Opens the caller's resumable upload of one blob (src-shared/domain/attachments.ts); the caller's own
   * upload of the same blob, if one exists, is answered instead (resume at its offset, or already complete).
   */
  async startUpload(blob: { sha256: string; size: number; contentType: string }): Promise<StartedUpload> {
    const response = await this.send<unknown>({
      method: 'POST',
      url: this.blobUploadsUrl(),
      data: blob,
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    });
    const body = response.data as Partial<Record<keyof BlobUploadState, unknown>>;
    if (typeof body?.uploadId !== 'string' || !Number.isSafeInteger(body.chunkBytes) || (body.chunkBytes as number) <= 0) {
      throw new PlatformError({
        kind: 'server',
        status: response.status,
        detail: 'blob upload answer lacks uploadId/chunkBytes',
      });
    }
    return { uploadId: body.uploadId, chunkSize: body.chunkBytes as number, ...uploadProgressOf(response.data, response.status) };
  }

  /** Sends the bytes at `offset` of a blob of `total` bytes (Content-Range); the answer says what the platform now holds. */
  async uploadChunk(uploadId: string, offset: number, bytes: Buffer, total: number): Promise<UploadProgress> {
    const response = await this.send<unknown>({
      method: 'PUT',
      url: `${this.blobUploadsUrl()}/${encodeURIComponent(uploadId)}`,
      data: bytes,
      headers: {
        'Content-Type': 'application/octet-stream',
        'Content-Range': `bytes ${offset}-${offset + bytes.length - 1}/${total}`,
        Accept: 'application/json',
      },
    });
    return uploadProgressOf(response.data, response.status);
  }

  async uploadStatus(uploadId: string): Promise<UploadProgress> {
    const response = await this.send<unknown>({
      method: 'GET',
      url: `${this.blobUploadsUrl()}/${encodeURIComponent(uploadId)}`,
      headers: { Accept: 'application/json' },
    });
    return uploadProgressOf(response.data, response.status);
  }

  /** Bytes [offset, offset + length) of the blob a Binary points at, authorised through the Binary's record. */
  async downloadRange(binaryId: string, offset: number, length: number): Promise<DownloadedRange> {
    const response = await this.send<ArrayBuffer>({
      method: 'GET',
      url: `${this.fhirBaseUrl}/Binary/${encodeURIComponent(binaryId)}`,
      headers: { Accept: 'application/octet-stream', Range: `bytes=${offset}-${offset + length - 1}` },
      responseType: 'arraybuffer',
    });
    const bytes = Buffer.from(response.data);
    if (response.status === 200) return { bytes: bytes.subarray(offset, offset + length), total: null };
    const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(String(response.headers['content-range'] ?? ''));
    if (response.status !== 206 || !range || Number(range[1]) !== offset) {
      throw new PlatformError({
        kind: 'server',
        status: response.status,
        detail: 'Binary range answer does not match the range asked',
      });
    }
    return { bytes, total: Number(range[3]) };
  }

  private blobUploadsUrl(): string {
    return `${new URL(this.fhirBaseUrl).origin}${BLOB_UPLOADS_PATH}`;
  }

  private authUrl(action: string): string {
    return `${new URL(this.fhirBaseUrl).origin}/auth/${action}`;
  }

  private setSession(session: PlatformSession | null): void {
    this.session = session;
    this.options.onSessionChanged?.(session);
  }

  /** Exchanges the refresh token once, however many requests hit a 401 at the same time. */
  private refresh(): Promise<void> {
    this.refreshing ??= (async () => {
      try {
        const refreshToken = this.session?.refreshToken;
        if (!refreshToken) throw new PlatformError({ kind: 'unauthenticated', detail: 'not logged in' });
        const response = await this.send<LoginResponse>(
          { method: 'POST', url: this.authUrl('refresh'), data: { refresh_token: refreshToken } },
          false,
        );
        this.setSession(fromLogin(response.data));
      } finally {
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }

  private async send<T>(
    config: {
      method: string;
      url: string;
      data?: unknown;
      params?: Record<string, string>;
      headers?: Record<string, string>;
      responseType?: 'arraybuffer';
    },
    authenticate = true,
  ): Promise<AxiosResponse<T>> {
    const attempt = async (): Promise<AxiosResponse<T>> => {
      const headers: Record<string, string> = { Accept: 'application/fhir+json', ...config.headers };
      if (authenticate && this.session) headers.Authorization = `Bearer ${this.session.accessToken}`;
      try {
        return await this.http.request<T>({ ...config, headers });
      } catch (error) {
        const detail = error instanceof AxiosError ? (error.code ?? error.message) : String(error);
        throw new PlatformError({ kind: 'unreachable', detail });
      }
    };
    let response = await attempt();
    if (response.status === 401 && authenticate && this.session) {
      await this.refresh().catch((error: unknown) => {
        if (error instanceof PlatformError && error.failure.kind === 'rejected') {
          throw new PlatformError({ kind: 'unauthenticated', detail: error.failure.detail });
        }
        throw error;
      });
      response = await attempt();
    }
    if (response.status >= 400) {
      throw new PlatformError(
        failureFromResponse(
          response.status,
          config.responseType === 'arraybuffer' ? jsonOf(response.data) : response.data,
          response.headers['retry-after'] as string | undefined,
        ),
      );
    }
    return response;
  }
}
