/** Starts a throwaway platform (temp data dir, random port) and talks to it over real HTTP. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Role } from '../../../src-shared/domain/roles';
import { startPlatform, type PlatformOptions, type RunningPlatform } from '../../../src-main/platform/index';
import { DEMO_ACCOUNTS, demoAccount } from '../../../src-main/platform/seed/demo-accounts';
import { testStorageOption } from '../../fixtures/test-storage';

/** A parsed response body: tests walk whatever the platform answered. */
export type Json = any;

export interface HttpResult {
  status: number;
  headers: Headers;
  json: Json;
}

export interface RequestOptions {
  token?: string;
  body?: unknown;
  /** Sent as is (overrides body). */
  rawBody?: string;
  contentType?: string | null;
  headers?: Record<string, string>;
}

export interface TestPlatform {
  platform: RunningPlatform;
  url: string;
  dataDir: string;
  login(role: Role): Promise<string>;
  /** Logs in with any demo identifier (e.g. "demo.patient2"). */
  loginAs(identifier: string): Promise<string>;
  request(method: string, path: string, options?: RequestOptions): Promise<HttpResult>;
  stop(): Promise<void>;
}

/** `path` is relative to the server root ("/fhir/Patient", "/auth/login"). */
export async function httpRequest(root: string, method: string, path: string, options: RequestOptions = {}): Promise<HttpResult> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined && options.contentType !== null)
    headers['content-type'] = options.contentType ?? 'application/fhir+json';
  const response = await fetch(`${root}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  return { status: response.status, headers: response.headers, json };
}

export async function startTestPlatform(options: Partial<PlatformOptions> = {}): Promise<TestPlatform> {
  const dataDir = mkdtempSync(join(tmpdir(), 'esante-platform-'));
  const platform = await startPlatform({
    port: 0,
    dataDir,
    seed: 'demo',
    patients: 20,
    docsPerPatient: 2,
    ...(await testStorageOption(dataDir)),
    ...options,
  });
  const root = platform.url.replace(/\/fhir$/, '');
  const request = (method: string, path: string, opts?: RequestOptions) => httpRequest(root, method, path, opts);
  async function loginAs(identifier: string): Promise<string> {
    const account = DEMO_ACCOUNTS.find((a) => a.identifier === identifier);
    if (!account) throw new Error(`no demo account ${identifier}`);
    const result = await request('POST', '/auth/login', {
      body: { identifier: account.identifier, password: account.password, otp: account.otp },
      contentType: 'application/json',
    });
    if (result.status !== 200) throw new Error(`login as ${identifier} failed: ${result.status} ${JSON.stringify(result.json)}`);
    return result.json.access_token as string;
  }
  return {
    platform,
    url: platform.url,
    dataDir,
    request,
    login: (role) => loginAs(demoAccount(role).identifier),
    loginAs,
    async stop() {
      await platform.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
