import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { findMethod, type ApiResult } from '../../src-shared/api';
import { CONTENT_SECURITY_POLICY } from '../../src-shared/content-security-policy';
import type { Core } from '../core';
import { readRequestTarget } from './request-target';

/**
 * The browser shell: the same API as the Electron preload, carried as `POST /api/<domain>.<method>`
 * and server-sent events on `GET /api/events`, plus the built renderer as static files.
 * Bound to 127.0.0.1; every request must name our Host (DNS rebinding), every API request must carry the
 * per-run session token and, when a browser sends an Origin, it must be ours (ARCHITECTURE §2).
 *
 * Any page the user visits can reach this port, so no request may stop the process: a malformed target,
 * header or body gets a 4xx, and the one promise each request makes is always handled (see `serve`).
 */

export interface BrowserShellOptions {
  core: Core;
  staticDir: string;
  port?: number;
  /** Fixed token for tests; random per run otherwise. */
  token?: string;
}

export interface BrowserShell {
  /** Origin of the shell, e.g. http://127.0.0.1:5123 */
  origin: string;
  port: number;
  token: string;
  /** The URL to open: carries the token in its fragment, which browsers never send to a server. */
  launchUrl: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 64 * 1024 * 1024; // a 20 MB attachment in base64 plus its envelope
const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.mjs': 'text/javascript; charset=utf-8',
};
const SECURITY_HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  // The client may have gone away while we read its body or waited for the core: nothing left to answer.
  if (res.destroyed || res.headersSent) return;
  // Refused before its body was read: read (and drop) the rest first, so a client still sending receives
  // the answer rather than a reset. Not for a 413, whose body is too large to wait for.
  const req = res.req;
  if (status !== 413 && req && !req.complete) {
    req.once('end', () => sendJson(res, status, body));
    req.resume();
    return;
  }
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}

function refuse(res: ServerResponse, status: 400 | 401 | 403 | 404 | 405, message: string, field?: string): void {
  const code = { 400: 'invalid_input', 401: 'unauthenticated', 403: 'forbidden', 404: 'unknown_method', 405: 'unknown_method' }[
    status
  ];
  sendJson(res, status, { ok: false, error: { code, message, ...(field === undefined ? {} : { field }) } });
}

/**
 * The HTTP status of an API answer: the envelope carries the outcome, the status says whether the request
 * itself was acceptable, so input the contract refuses is a 400 like any other malformed request.
 */
function statusOf(result: ApiResult<unknown>): number {
  return !result.ok && result.error.code === 'invalid_input' ? 400 : 200;
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const presented = header?.startsWith('Bearer ') ? header.slice(7) : '';
  const a = Buffer.from(presented);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new RangeError('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function startBrowserShell(options: BrowserShellOptions): Promise<BrowserShell> {
  const token = options.token ?? randomBytes(32).toString('base64url');
  let origin = '';
  let host = '';

  /** Guards every /api request (the Host was checked for every request): cross-site (Origin), then the session token. */
  function guard(req: IncomingMessage, res: ServerResponse): boolean {
    const requestOrigin = req.headers.origin;
    if (requestOrigin !== undefined && requestOrigin !== origin) {
      refuse(res, 403, 'cross-origin request refused');
      return false;
    }
    if (!tokenMatches(req.headers.authorization, token)) {
      refuse(res, 401, 'missing or wrong session token');
      return false;
    }
    return true;
  }

  async function handleCall(req: IncomingMessage, res: ServerResponse, name: string): Promise<void> {
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
      sendJson(res, 415, {
        ok: false,
        error: { code: 'invalid_input', message: 'content-type must be application/json', field: 'content-type' },
      });
      return;
    }
    // A body announced as too large is refused before a byte of it is buffered.
    if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) {
      sendJson(res, 413, { ok: false, error: { code: 'invalid_input', message: 'request body too large', field: 'body' } });
      return;
    }
    let input: unknown;
    try {
      const text = await readBody(req);
      input = text === '' ? {} : JSON.parse(text);
    } catch (error) {
      const tooLarge = error instanceof RangeError;
      sendJson(res, tooLarge ? 413 : 400, {
        ok: false,
        error: {
          code: 'invalid_input',
          message: tooLarge ? 'request body too large' : 'request body is not valid JSON',
          field: 'body',
        },
      });
      return;
    }
    const result = await options.core.registry.call(name, input);
    sendJson(res, statusOf(result), result);
  }

  function handleEvents(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
    });
    // A write after the client left would emit an 'error' nobody listens to: write only to a live stream.
    const send = (text: string) => {
      if (!res.destroyed && !res.writableEnded) res.write(text);
    };
    send(': connected\n\n');
    const unsubscribe = options.core.events.subscribe((topic, payload) => {
      send(`event: ${topic}\ndata: ${JSON.stringify(payload)}\n\n`);
    });
    // Keeps proxies and the browser from closing an idle stream.
    const heartbeat = setInterval(() => send(': ping\n\n'), 15_000);
    req.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
  }

  /** `path` is already decoded and free of control characters (readRequestTarget). */
  async function serveStatic(res: ServerResponse, path: string): Promise<void> {
    const relative = path === '/' ? 'index.html' : path.replace(/^\/+/, '');
    const file = normalize(join(options.staticDir, relative));
    if (!file.startsWith(normalize(options.staticDir) + sep)) {
      sendJson(res, 404, { error: 'not found' });
      return;
    }
    try {
      if (!(await stat(file)).isFile()) throw new Error('not a file');
      const content = await readFile(file);
      res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': MIME[extname(file)] ?? 'application/octet-stream' });
      res.end(content);
    } catch {
      sendJson(res, 404, { error: 'not found' });
    }
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.headers.host !== host) return refuse(res, 403, 'unexpected Host header', 'Host');
    const target = readRequestTarget(req.url);
    if (!target.ok) return refuse(res, 400, target.reason, 'path');
    const { path } = target;
    if (path.startsWith('/api/')) {
      if (!guard(req, res)) return;
      if (path === '/api/events' && req.method === 'GET') return handleEvents(req, res);
      if (req.method !== 'POST') return refuse(res, 405, 'API methods are called with POST');
      const name = path.slice('/api/'.length);
      // Refused before the body is read: a name the contract does not declare reaches no handler.
      if (!findMethod(name)) return refuse(res, 404, `unknown API method "${name.slice(0, 80)}"`, 'method');
      return handleCall(req, res, name);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'only GET and HEAD serve files');
    return serveStatic(res, path);
  }

  /**
   * Every request's one promise ends here. A failure we did not foresee answers 500 (or drops the
   * connection if the answer had begun) and is logged by kind only — never left unhandled, which would
   * end the process and the user's session with it.
   */
  function serve(req: IncomingMessage, res: ServerResponse): void {
    route(req, res).catch((error: unknown) => {
      console.error(`[browser-shell] request failed: ${error instanceof Error ? error.name : typeof error}`);
      if (res.headersSent) res.destroy();
      else sendJson(res, 500, { ok: false, error: { code: 'internal', message: 'internal error' } });
    });
  }

  const server = createServer(serve);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  host = `127.0.0.1:${port}`;
  origin = `http://${host}`;
  return {
    origin,
    port,
    token,
    launchUrl: `${origin}/#token=${token}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
