/**
 * A fault-injecting HTTP proxy (plain node:http) between a client core and the platform. Each `/fhir`
 * request gets the next card of a seeded, shuffled deck (the weights are card counts; a new deck is
 * shuffled when one runs out), so every kind of fault comes once per deck whatever the timing:
 * - pass:         forward, answer with the platform's response;
 * - drop:         forward, wait until the platform answered (it committed), then destroy the client's socket;
 * - duplicate:    send the request upstream twice, answer with the second response;
 * - delay:        forward, hold the response while other I/O goes on (a few event-loop turns, no clock);
 * - stall:        forward, hold the response until the client gives up on it (its watchdog; capped);
 * - error500 / error503: answer without forwarding;
 * - unauthorized: answer 401 without forwarding, at most once per access token and only once the token
 *                 made a few requests (forces a refresh mid-batch); a card drawn too early goes back under the deck.
 * `/auth/*` (login, refresh) always passes, so a fault never logs a device out. No fault waits on a timer:
 * every one ends on an event (the platform's answer, the client closing its socket, an event-loop turn).
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
  /** Cards per fault in one deck (missing: 0). */
  weights: Partial<Record<Fault, number>>;
  /** How many event-loop turns a delay holds the response: [min, max]. */
  delayTurns?: [number, number];
  /** Stalls beyond this many become delays. */
  maxStalls?: number;
  /** Path prefixes whose requests get faults (default: `/fhir` and under; the attachment tests name theirs). */
  faultPaths?: string[];
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

/** One turn of the event loop: pending I/O callbacks run before this resolves. */
const turn = () => new Promise<void>((r) => setImmediate(r));

/** Resolves once the client closed the connection this answer was for (its watchdog gave up on it). */
function clientGaveUp(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  if (req.socket.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    res.once('close', () => resolve());
    req.socket.once('close', () => resolve());
  });
}

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
  private deck: Fault[] = [];
  private port = 0;

  constructor(private readonly options: FaultProxyOptions) {
    this.prng = new Prng(options.seed);
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

  private shuffleDeck(): void {
    const deck = FAULTS.flatMap((f) => Array.from({ length: this.options.weights[f] ?? 0 }, () => f));
    for (let i = deck.length - 1; i > 0; i -= 1) {
      const j = this.prng.int(0, i);
      [deck[i], deck[j]] = [deck[j]!, deck[i]!];
    }
    this.deck = deck.length > 0 ? deck : ['pass'];
  }

  private choose(token: string | undefined): Fault {
    if (this.deck.length === 0) this.shuffleDeck();
    let fault = this.deck.shift()!;
    if (fault === 'stall' && this.counts.stall >= (this.options.maxStalls ?? 2)) fault = 'delay';
    if (fault === 'unauthorized') {
      // Once per token, and only after it made a few requests: a 401 in the middle of a batch.
      if (!token || this.unauthorizedTokens.has(token) || (this.requestsPerToken.get(token) ?? 0) < 3) {
        this.deck.push(fault);
        fault = 'pass';
      } else this.unauthorizedTokens.add(token);
    }
    return fault;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (token) this.requestsPerToken.set(token, (this.requestsPerToken.get(token) ?? 0) + 1);
    // By default `/fhir` and under, `/fhir` itself too: where batch and transaction Bundles go (the client's pushes).
    const faulty = this.options.faultPaths
      ? this.options.faultPaths.some((prefix) => req.url?.startsWith(prefix))
      : /^\/fhir(?:[/?]|$)/.test(req.url ?? '');
    const scripted = faulty ? this.scripted.findIndex((s) => s.method === req.method) : -1;
    const fault =
      scripted >= 0
        ? this.scripted[scripted]!.sticky
          ? this.scripted[scripted]!.fault
          : this.scripted.splice(scripted, 1)[0]!.fault
        : this.enabled && faulty
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
    if (fault === 'delay') for (let n = this.prng.int(...(this.options.delayTurns ?? [5, 50])); n > 0; n -= 1) await turn();
    if (fault === 'stall') await clientGaveUp(req, res);
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
