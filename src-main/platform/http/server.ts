/**
 * Builds the fastify instance of the platform: the request guards (Host, token size), JSON parsing,
 * error mapping, FHIR and auth routes.
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { registerAuthRoutes } from './auth-routes';
import { installErrorHandling, installJsonParsing } from './error-handler';
import { sendError } from './fhir-reply';
import { registerFhirRoutes } from './fhir-routes';
import { FhirError, operationOutcome, unauthorized } from '../fhir/fhir-error';
import { r4DefinitionsReady } from '../fhir/r4-definitions';
import { MAX_AUTHORIZATION_LENGTH } from '../fhir/request-limits';
import type { PlatformServices } from './platform-services';

/** The server, and the census of its routes: every one but the public and auth routes runs the pipeline. */
export interface PlatformHttpServer {
  app: FastifyInstance;
  /** "METHOD url" of every route the server answers. */
  routes: string[];
  /** Those registered through the FHIR pipeline (http/pipeline.ts). */
  pipelineRoutes: ReadonlySet<string>;
  /** Handlers running now, whether or not their client is still connected. */
  inFlight(): number;
  /** Resolves once no handler runs (after `app.close()`: nothing new starts). */
  drained(): Promise<void>;
}

export function buildHttpServer(services: PlatformServices): PlatformHttpServer {
  const app = Fastify({
    logger: false,
    bodyLimit: services.bodyLimit,
    // Malformed URLs and headers are the client's mistake: answer with an OperationOutcome, never a 500.
    frameworkErrors: (error, _request, reply) => {
      void sendError(reply, new FhirError(400, { code: 'structure', diagnostics: `request: ${error.message}` }));
    },
    clientErrorHandler: answerUnparsableRequest,
  });
  checkHost(app, services.allowedHosts ?? []);
  checkAuthorizationSize(app);
  awaitR4DefinitionsForBodies(app);
  installJsonParsing(app, services.bodyLimit);
  installErrorHandling(app, services.bodyLimit);
  const routes: string[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) if (method !== 'HEAD') routes.push(`${method} ${route.url}`);
  });
  const handlers = trackHandlers(app);
  const pipeline = registerFhirRoutes(app, services, services.policies);
  registerAuthRoutes(app, services);
  return { app, routes, pipelineRoutes: pipeline.routes, ...handlers };
}

/**
 * Counts the route handlers running. Closing the server waits for its connections, but not for a
 * handler whose client has gone (an aborted request, a load generator's last requests): that handler
 * still writes, and its answer waits for storage. Stopping the platform drains them before the storage
 * closes, so none meets a closed connection pool (a 500, and a write or an audit event lost).
 */
function trackHandlers(app: FastifyInstance): Pick<PlatformHttpServer, 'inFlight' | 'drained'> {
  let running = 0;
  const idle: Array<() => void> = [];
  const finished = () => {
    if (--running > 0) return;
    for (const wake of idle.splice(0)) wake();
  };
  app.addHook('onRoute', (route) => {
    const handler = route.handler;
    route.handler = async function (this: FastifyInstance, request, reply) {
      running++;
      try {
        return await handler.call(this, request, reply);
      } finally {
        finished();
      }
    };
  });
  return {
    inFlight: () => running,
    drained: () => (running === 0 ? Promise.resolve() : new Promise<void>((wake) => idle.push(wake))),
  };
}

/**
 * The R4 definitions are indexed in the background from the moment the server is built, so listening
 * never waits for them; a request carrying a resource waits until they are ready (the first few, at most).
 */
function awaitR4DefinitionsForBodies(app: FastifyInstance): void {
  // A failure is reported to the requests that need the definitions, never as an unhandled rejection.
  r4DefinitionsReady().catch(() => undefined);
  app.addHook('preValidation', async (request) => {
    if (request.body !== undefined) await r4DefinitionsReady();
  });
}

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/**
 * DNS rebinding: a web page whose name an attacker points at 127.0.0.1 reaches this port from the
 * user's browser, but its requests carry the attacker's name in Host. Only the loopback names, the
 * address the connection arrived on (a raw IP is never a rebound name) and the configured names are
 * served, each with the port of the connection; anything else is a 421 before authentication.
 */
function checkHost(app: FastifyInstance, configured: readonly string[]): void {
  const extra = configured.map((name) => name.toLowerCase());
  app.addHook('onRequest', async (request) => {
    const host = request.headers.host;
    if (host === undefined || host === '') throw new FhirError(400, { code: 'required', diagnostics: 'Host: header required' });
    if (!allowedHosts(request, extra).includes(host.toLowerCase()))
      throw new FhirError(421, {
        code: 'security',
        diagnostics: `Host: "${host.slice(0, 100)}" is not a name of this platform (allowed: ${allowedHosts(request, extra).join(', ')})`,
      });
  });
}

function allowedHosts(request: FastifyRequest, configured: readonly string[]): string[] {
  const { localPort, localAddress } = request.socket;
  const arrivedOn = localAddress === undefined ? [] : [localAddress.includes(':') ? `[${localAddress}]` : localAddress];
  const names = [...new Set([...LOOPBACK_NAMES, ...arrivedOn, ...configured])];
  return names.flatMap((name) => (localPort === 80 ? [name, `${name}:80`] : [`${name}:${localPort}`]));
}

/** An access token the platform issued is small: a huge Authorization header is refused before any token parsing. */
function checkAuthorizationSize(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    const authorization = request.headers.authorization;
    if (authorization !== undefined && authorization.length > MAX_AUTHORIZATION_LENGTH)
      throw unauthorized(
        `Authorization: ${authorization.length} characters, longer than any access token (limit ${MAX_AUTHORIZATION_LENGTH})`,
        'security',
      );
  });
}

/**
 * Requests Node cannot parse (a header section over 16 KiB, broken framing) never reach fastify: they
 * still get an OperationOutcome naming the problem, as every other client mistake does.
 */
function answerUnparsableRequest(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, diagnostics] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'request: the request line and headers exceed 16 KiB (limit of this platform)']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'request: not received in time']
        : [400, `request: not a valid HTTP request (${error.code ?? error.message})`];
  const body = JSON.stringify(operationOutcome([{ code: status === 408 ? 'timeout' : 'structure', diagnostics }]));
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/fhir+json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
