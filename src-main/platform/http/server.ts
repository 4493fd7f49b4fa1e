/** Builds the fastify instance of the platform: JSON parsing, error mapping, FHIR and auth routes. */
import Fastify, { type FastifyInstance } from 'fastify';
import { registerAuthRoutes } from './auth-routes';
import { installErrorHandling, installJsonParsing } from './error-handler';
import { sendError } from './fhir-reply';
import { registerFhirRoutes } from './fhir-routes';
import { FhirError } from '../fhir/fhir-error';
import { r4DefinitionsReady } from '../fhir/r4-definitions';
import type { PlatformServices } from './platform-services';

export function buildHttpServer(services: PlatformServices): FastifyInstance {
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
  registerFhirRoutes(app, services);
  registerAuthRoutes(app, services);
  return app;
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
