/**
 * Maps every failure to an OperationOutcome. Client mistakes that fastify detects before our code
 * runs (bad JSON, body too large, wrong content type, bad URL) become 4xx with a message naming the
 * problem; only a genuine bug is a 500, and it never carries internals to the client.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { FhirError, type IssueCode } from '../fhir/fhir-error';
import { checkJsonDepth } from '../fhir/request-limits';
import { sendError } from './fhir-reply';

const SUPPORTED_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE'];

function clientError(error: FastifyError, request: FastifyRequest, bodyLimit: number): FhirError | null {
  const status = error.statusCode ?? 500;
  const issue = (code: IssueCode, diagnostics: string) => new FhirError(status, { code, diagnostics });
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return issue('too-costly', `body: larger than the ${request.routeOptions.bodyLimit ?? bodyLimit} bytes accepted`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return issue(
        'not-supported',
        `Content-Type: "${String(request.headers['content-type'] ?? '')}" is not supported; send application/fhir+json`,
      );
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return issue('structure', 'Content-Length: does not match the body received');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return issue('structure', 'body: empty, but Content-Type says JSON');
    default:
      return status >= 400 && status < 500 ? issue('invalid', `request: ${error.message}`) : null;
  }
}

export function installErrorHandling(app: FastifyInstance, bodyLimit: number): void {
  app.setErrorHandler((error: FastifyError | FhirError, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof FhirError) return sendError(reply, error);
    const mapped = clientError(error as FastifyError, request, bodyLimit);
    if (mapped) return sendError(reply, mapped);
    request.log.error(error);
    console.error('eSanté platform: internal error on', request.method, request.url.split('?')[0], error);
    return sendError(reply, new FhirError(500, { code: 'exception', diagnostics: 'internal error (logged on the platform)' }));
  });
  app.setNotFoundHandler((request, reply) =>
    SUPPORTED_METHODS.includes(request.method)
      ? sendError(
          reply,
          new FhirError(404, {
            code: 'not-supported',
            diagnostics: `no such endpoint: ${request.method} ${request.url.split('?')[0]}`,
          }),
        )
      : sendError(
          reply,
          new FhirError(
            405,
            { code: 'not-supported', diagnostics: `method ${request.method} is not supported (GET, POST, PUT, DELETE)` },
            { Allow: SUPPORTED_METHODS.join(', ') },
          ),
        ),
  );
}

const OCTET_STREAM = 'application/octet-stream';

/**
 * Raw bytes (`application/octet-stream`, e.g. an upload chunk) only on the routes that declare they take
 * them (route config `acceptsBytes`); anywhere else a 415 before a byte of the body is read.
 */
function installByteParsing(app: FastifyInstance, bodyLimit: number): void {
  app.addHook('preParsing', async (request) => {
    const type = String(request.headers['content-type'] ?? '')
      .split(';')[0]!
      .trim()
      .toLowerCase();
    const config = request.routeOptions.config as { acceptsBytes?: boolean } | undefined;
    if (type === OCTET_STREAM && config?.acceptsBytes !== true)
      throw new FhirError(415, {
        code: 'not-supported',
        diagnostics: `Content-Type: ${OCTET_STREAM} is accepted by upload routes only; send application/fhir+json`,
      });
  });
  app.addContentTypeParser(OCTET_STREAM, { parseAs: 'buffer', bodyLimit }, (_request, body, done) => done(null, body));
}

/** JSON bodies: parse errors, nesting beyond the limit and prototype-poisoning keys are the client's mistake (400). */
export function installJsonParsing(app: FastifyInstance, bodyLimit: number): void {
  app.removeAllContentTypeParsers();
  installByteParsing(app, bodyLimit);
  app.addContentTypeParser(
    ['application/fhir+json', 'application/json'],
    { parseAs: 'string', bodyLimit },
    (_request, body, done) => {
      const text = body as string;
      try {
        checkJsonDepth(text); // before JSON.parse and every recursive walk of the parsed body
      } catch (error) {
        done(error as FhirError, undefined);
        return;
      }
      try {
        const parsed: unknown = JSON.parse(
          text,
          text.includes('__proto__') || text.includes('constructor') ? rejectPoisonedKeys : undefined,
        );
        done(null, parsed);
      } catch (error) {
        const detail = error instanceof FhirError ? error.message : (error as Error).message;
        done(new FhirError(400, { code: 'structure', diagnostics: `body: not valid JSON (${detail})` }), undefined);
      }
    },
  );
}

function rejectPoisonedKeys(this: unknown, key: string, value: unknown): unknown {
  if (key === '__proto__' || (key === 'constructor' && typeof value === 'object' && value !== null && 'prototype' in value)) {
    throw new FhirError(400, { code: 'security', diagnostics: `property "${key}" is not allowed` });
  }
  return value;
}
