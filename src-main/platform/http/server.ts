/** Builds the fastify instance of the platform: JSON parsing, error mapping, FHIR and auth routes. */
import Fastify, { type FastifyInstance } from 'fastify';
import { registerAuthRoutes } from './auth-routes';
import { installErrorHandling, installJsonParsing } from './error-handler';
import { sendError } from './fhir-reply';
import { registerFhirRoutes } from './fhir-routes';
import { FhirError } from '../fhir/fhir-error';
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
  installJsonParsing(app, services.bodyLimit);
  installErrorHandling(app, services.bodyLimit);
  registerFhirRoutes(app, services);
  registerAuthRoutes(app, services);
  return app;
}
