/** Builds the fastify instance of the platform: JSON parsing, error mapping, FHIR and auth routes. */
import Fastify, { type FastifyInstance } from 'fastify';
import { registerAuthRoutes } from './auth-routes';
import { installErrorHandling, installJsonParsing } from './error-handler';
import { sendError } from './fhir-reply';
import { registerFhirRoutes } from './fhir-routes';
import { FhirError } from '../fhir/fhir-error';
import { r4DefinitionsReady } from '../fhir/r4-definitions';
import type { PlatformServices } from './platform-services';

/** The server, and the census of its routes: every one but the public and auth routes runs the pipeline. */
export interface PlatformHttpServer {
  app: FastifyInstance;
  /** "METHOD url" of every route the server answers. */
  routes: string[];
  /** Those registered through the FHIR pipeline (http/pipeline.ts). */
  pipelineRoutes: ReadonlySet<string>;
}

export function buildHttpServer(services: PlatformServices): PlatformHttpServer {
  const app = Fastify({
    logger: false,
    bodyLimit: services.bodyLimit,
    // Malformed URLs and headers are the client's mistake: answer with an OperationOutcome, never a 500.
    frameworkErrors: (error, _request, reply) => {
      void sendError(reply, new FhirError(400, { code: 'structure', diagnostics: `request: ${error.message}` }));
    },
  });
  awaitR4DefinitionsForBodies(app);
  installJsonParsing(app, services.bodyLimit);
  installErrorHandling(app, services.bodyLimit);
  const routes: string[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) if (method !== 'HEAD') routes.push(`${method} ${route.url}`);
  });
  const pipeline = registerFhirRoutes(app, services, services.policies);
  registerAuthRoutes(app, services);
  return { app, routes, pipelineRoutes: pipeline.routes };
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
