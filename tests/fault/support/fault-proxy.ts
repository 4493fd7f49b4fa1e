/**
 * A fault-injecting HTTP proxy (plain node:http) between client cores and the platform. For each
 * `/fhir` request a seeded PRNG picks one of:
 * - pass:         forward, answer with the platform's response;
 * - drop:         forward, wait until the platform answered (it committed), then destroy the client's socket;
 * - duplicate:    send the request upstream twice, answer with the second response;
 * - delay:        forward, hold the response a few hundred ms;
 * - stall:        forward, hold the response longer than the client's watchdog (rare; capped);
 * - error500 / error503: answer without forwarding;
 * - unauthorized: answer 401 without forwarding, at most once per access token (forces a refresh).
 * `/auth/*` (login, refresh) always passes, so a fault never logs a device out.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Prng } from '../../../src-main/platform/seed/prng';

export const FAULTS = ['pass', 'drop', 'duplicate', 'delay', 'stall', 'error500', 'error503', 'unauthorized'] as const;
export type Fault = (typeof FAULTS)[number];

export interface FaultProxyOptions {
  /** The platform's origin, e.g. http://127.0.0.1:1234 */
  upstream: string;
  seed: number;
  /** Relative weights per fault (missing: 0). */
  weights: Partial<Record<Fault, number>>;
  delayMs?: [number, number];
  /** How long a stall holds the response; longer than the client's watchdog. */
  stallMs?: number;
  maxStalls?: number;
}

interface UpstreamResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'proxy-connection',
  'upgrade',
  'te',
  'trailer',
  'content-length',
]);

function outcome(status: number, diagnostics: string): Buffer {
  return Buffer.from(
    JSON.stringify({
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: status === 401 ? 'login' : 'transient', diagnostics }],
    }),
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class FaultProxy {
  /** Faults actually injected, by kind (plus `late`: held answers the client no longer waited for). */
  readonly counts: Record<Fault | 'late', number> = {
    pass: 0,
    drop: 0,
    duplicate: 0,
    delay: 0,
    stall: 0,
    error500: 0,
    error503: 0,
    unauthorized: 0,
    late: 0,
  };
  /** Injected faults by request kind (`PUT Task`, `GET $changes`, …), for the report. */
  readonly byRequest = new Map<string, number>();
  /** When false every request passes untouched (the "clean connection"). */
  enabled = true;
  private readonly prng: Prng;
  private readonly server: http.Server;
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  private readonly requestsPerToken = new Map<string, number>();
  private readonly unauthorizedTokens = new Set<string>();
  private readonly total: number;
  private port = 0;

  constructor(private readonly options: FaultProxyOptions) {
    this.prng = new Prng(options.seed);
    this.total = FAULTS.reduce((sum, f) => sum + (options.weights[f] ?? 0), 0);
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch(() => res.destroy());
    });
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get fhirUrl(): string {
    return `${this.origin}/fhir`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.agent.destroy();
  }

  /** Scripted faults for deterministic tests: the next `/fhir` request with this method gets this fault. */
  private readonly scripted: { method: string; fault: Fault; sticky: boolean }[] = [];

  /** Queues a fault for the next request with this method; a sticky one applies until `clearScript`. */
  forceNext(method: string, fault: Fault, options: { sticky?: boolean } = {}): void {
    this.scripted.push({ method, fault, sticky: options.sticky ?? false });
  }

  clearScript(): void {
    this.scripted.length = 0;
  }

  private choose(token: string | undefined): Fault {
    let pick = this.prng.next() * this.total;
    let fault: Fault = 'pass';
    for (const f of FAULTS) {
      pick -= this.options.weights[f] ?? 0;
      if (pick < 0) {
        fault = f;
        break;
      }
    }
    if (fault === 'stall' && this.counts.stall >= (this.options.maxStalls ?? 2)) fault = 'delay';
    if (fault === 'unauthorized') {
      // Once per token, and only after it made a few requests: a 401 in the middle of a batch.
      if (!token || this.unauthorizedTokens.has(token) || (this.requestsPerToken.get(token) ?? 0) < 3) fault = 'pass';
      else this.unauthorizedTokens.add(token);
    }
    return fault;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (token) this.requestsPerToken.set(token, (this.requestsPerToken.get(token) ?? 0) + 1);
    const scripted = req.url?.startsWith('/fhir/') ? this.scripted.findIndex((s) => s.method === req.method) : -1;
    const fault =
      scripted >= 0
        ? this.scripted[scripted]!.sticky
          ? this.scripted[scripted]!.fault
          : this.scripted.splice(scripted, 1)[0]!.fault
        : this.enabled && req.url?.startsWith('/fhir/')
          ? this.choose(token)
          : 'pass';
    this.counts[fault] += 1;
    if (fault !== 'pass') {
      const kind = `${req.method} ${(req.url ?? '').split('?')[0]!.split('/')[2] ?? ''}`;
      this.byRequest.set(kind, (this.byRequest.get(kind) ?? 0) + 1);
    }

    if (fault === 'error500' || fault === 'error503' || fault === 'unauthorized') {
      const status = fault === 'error500' ? 500 : fault === 'error503' ? 503 : 401;
      const payload = outcome(status, `injected by the fault proxy (${fault})`);
      res.writeHead(status, { 'content-type': 'application/fhir+json', 'content-length': payload.length });
      res.end(payload);
      return;
    }

    let upstream = await this.forward(req, body);
    if (fault === 'duplicate') upstream = await this.forward(req, body);
    if (fault === 'drop') {
      req.socket.destroy(); // the platform has answered (and committed); the client never hears of it
      return;
    }
    if (fault === 'delay') await sleep(this.prng.int(...(this.options.delayMs ?? [100, 600])));
    if (fault === 'stall') await sleep(this.options.stallMs ?? 21_000);
    if (res.destroyed || req.socket.destroyed) {
      this.counts.late += 1;
      return;
    }
    const headers: http.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(upstream.headers))
      if (!HOP_BY_HOP.has(name) && value !== undefined) headers[name] = value;
    headers['content-length'] = upstream.body.length;
    res.writeHead(upstream.status, headers);
    res.end(upstream.body);
  }

  private forward(req: http.IncomingMessage, body: Buffer): Promise<UpstreamResponse> {
    const target = new URL(req.url ?? '/', this.options.upstream);
    const headers: http.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers))
      if (!HOP_BY_HOP.has(name) && name !== 'host' && value !== undefined) headers[name] = value;
    headers.host = target.host;
    if (body.length > 0) headers['content-length'] = body.length;
    return new Promise((resolve, reject) => {
      const upstream = http.request(target, { method: req.method, headers, agent: this.agent }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 502, headers: response.headers, body: Buffer.concat(chunks) }),
        );
        response.on('error', reject);
      });
      upstream.on('error', reject);
      upstream.end(body);
    });
  }
}
