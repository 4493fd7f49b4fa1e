/** Mock LuxTrust endpoints: /auth/login, /auth/refresh, /auth/logout (JSON in, JSON out; errors as OperationOutcome). */
import type { FastifyInstance } from 'fastify';
import { unauthorized } from '../fhir/fhir-error';
import type { PlatformServices } from './platform-services';

export function registerAuthRoutes(app: FastifyInstance, { logins }: PlatformServices): void {
  app.post('/auth/login', async (request, reply) => reply.type('application/json').send(await logins.login(request.body)));

  app.post('/auth/refresh', async (request, reply) => reply.type('application/json').send(await logins.refresh(request.body)));

  app.post('/auth/logout', async (request, reply) => {
    const principal = await logins.authenticate(request.headers.authorization);
    if (!principal) throw unauthorized('authentication required: logout needs the Bearer token of the session to end');
    await logins.logout(principal);
    return reply.status(204).send();
  });
}
