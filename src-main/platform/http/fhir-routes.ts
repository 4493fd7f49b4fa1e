/**
 * The FHIR REST surface under /fhir: each route names its interaction and hands the pipeline a
 * function of the policy-aware repository (http/pipeline.ts). Operations come from the domains'
 * registrations, so a new domain adds routes without touching this file.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { capabilityStatement } from '../fhir/capability-statement';
import { badRequest, notFound } from '../fhir/fhir-error';
import { versionResponse, type FhirResponse } from '../fhir/fhir-response';
import { resourceTypeDef } from '../fhir/resource-types';
import { ID_PATTERN } from '../fhir/validation';
import type { PolicyRegistry } from '../policy/policy-registry';
import type { PolicyWriteRepository, WriteResult } from '../policy/write-repository';
import type { DomainRequest, DomainRoute, OperationDefinition } from '../policy/resource-policy';
import { withWarnings } from '../fhir/outcome-warnings';
import { sendFhir } from './fhir-reply';
import { FhirPipeline, header, queryOf } from './pipeline';
import type { PlatformServices } from './platform-services';

type TypeParams = { type: string };
type InstanceParams = { type: string; id: string };
type VersionParams = { type: string; id: string; vid: string };

function checkType(type: string): string {
  if (!resourceTypeDef(type)) throw notFound(`resource type "${type.slice(0, 64)}" is not supported (see /fhir/metadata)`);
  return type;
}

function checkId(type: string, id: string): string {
  if (!ID_PATTERN.test(id))
    throw badRequest(`${type}.id: "${id.slice(0, 70)}" is not a valid id (1–64 of A-Z a-z 0-9 - .)`, `${type}.id`, 'value');
  return id;
}

function noQuery(request: FastifyRequest, on: string, allowed: readonly string[] = []): URLSearchParams {
  const query = queryOf(request);
  for (const name of query.keys()) {
    if (!allowed.includes(name))
      throw badRequest(`parameter "${name.slice(0, 64)}" is not supported on ${on}`, undefined, 'not-supported');
  }
  return query;
}

/** What a domain's route or content handler sees of the request. */
function domainRequest(request: FastifyRequest): DomainRequest {
  return {
    params: request.params as Record<string, string>,
    query: queryOf(request),
    header: (name) => header(request, name),
    body: request.body,
  };
}

function registerDomainRoute(pipeline: FhirPipeline, route: DomainRoute): void {
  pipeline.route(route.method, route.url, (request) => route.plan(domainRequest(request)), {
    ...(route.bodyLimit !== undefined ? { bodyLimit: route.bodyLimit } : {}),
    ...(route.acceptsBytes ? { config: { acceptsBytes: true } } : {}),
  });
}

const FHIR_MEDIA_RANGES = ['application/fhir+json', 'application/json', 'application/*', '*/*'];

/**
 * FHIR's rule for a resource with content (a Binary): an Accept that is not a FHIR format asks for the
 * content itself. The first media range listed decides; none (or a FHIR one, or a wildcard) means JSON.
 */
function wantsContent(accept: string | undefined): boolean {
  const first = accept?.split(',')[0]?.split(';')[0]?.trim().toLowerCase();
  return first !== undefined && first !== '' && !FHIR_MEDIA_RANGES.includes(first);
}

function registerOperation(pipeline: FhirPipeline, operation: OperationDefinition, services: PlatformServices): void {
  const type = operation.resourceType;
  const url = operation.level === 'instance' ? `/fhir/${type}/:id/$${operation.name}` : `/fhir/$${operation.name}`;
  pipeline.route<{ id?: string }>(operation.method, url, (request) => {
    const id = request.params.id === undefined ? undefined : checkId(type!, request.params.id);
    const query = noQuery(request, `$${operation.name}`, operation.parameters);
    const entity = id === undefined ? `$${operation.name}` : `${type}/${id}`;
    const call = { id, body: request.body, query, baseUrl: `${request.protocol}://${request.host}/fhir` };
    if (operation.writes) {
      return {
        write: {
          interaction: 'update',
          entity,
          target: id === undefined ? `$${operation.name}` : `${type}/${id}/$${operation.name}`,
          run: (repo) => operation.run({ ...call, scope: repo.scope, write: repo.ctx }),
        },
      };
    }
    return {
      read: {
        interaction: 'read',
        entity,
        // Read audit events are batched: the access log must show everything up to this request (stored before the read begins).
        ...(operation.flushAuditFirst ? { before: () => services.audit.flush() } : {}),
        run: (repo) => operation.run({ ...call, scope: repo.scope, write: undefined }),
      },
    };
  });
}

export function registerFhirRoutes(app: FastifyInstance, services: PlatformServices, registry: PolicyRegistry): FhirPipeline {
  const pipeline = new FhirPipeline(app, services, registry);

  // The capability statement is public (FHIR's one unauthenticated read) and names no data.
  app.get('/fhir/metadata', async (request, reply) =>
    sendFhir(reply, { status: 200, headers: {}, body: capabilityStatement(`${request.protocol}://${request.host}/fhir`) }),
  );

  pipeline.route('GET', '/fhir/$changes', (request) => ({
    read: {
      interaction: 'history-instance',
      entity: '$changes',
      // Time-based changes (an expired presence grant) are recorded, in a write of their own, before the page is read.
      before: async () => {
        const due = await pipeline.read(request, {
          interaction: 'history-instance',
          entity: '$changes',
          run: async (repo) => ({ status: 200, headers: {}, body: (await repo.pendingChangeWork()).length }),
        });
        if (due.body === 0) return;
        await pipeline.write(request, {
          interaction: 'update',
          entity: '$changes',
          target: '$changes (time-based changes)',
          run: async (repo) => {
            for (const work of await repo.pendingChangeWork()) await work(repo.ctx);
            return { status: 200, headers: {}, body: null };
          },
        });
      },
      run: (repo) => repo.changes(queryOf(request), services.epoch),
    },
  }));

  // A message with a 20 MiB attachment is ≈ 27 MiB of base64 inside JSON: transactions get the larger limit.
  pipeline.route(
    'POST',
    '/fhir',
    (request) => ({
      write: {
        interaction: 'transaction',
        entity: 'Bundle',
        target: '',
        run: (repo) => repo.bundle(request.body, (work) => repo.ctx.tx.savepoint(work)),
      },
    }),
    { bodyLimit: Math.max(services.bodyLimit, services.messageBodyLimit) },
  );

  for (const operation of registry.operations) registerOperation(pipeline, operation, services);
  for (const route of registry.routes) registerDomainRoute(pipeline, route);

  pipeline.route<TypeParams>('GET', '/fhir/:type', (request) => {
    const type = checkType(request.params.type);
    return { read: { interaction: 'search-type', entity: type, run: (repo) => repo.search(type, queryOf(request)) } };
  });

  const written = (repo: PolicyWriteRepository, result: WriteResult): FhirResponse =>
    result.status === 204
      ? { ...versionResponse(204, result.stored, repo.ctx.baseUrl), body: null }
      : withWarnings(versionResponse(result.status, result.stored, repo.ctx.baseUrl), result.stored, result.warnings);

  pipeline.route<TypeParams>('POST', '/fhir/:type', (request) => {
    const type = checkType(request.params.type);
    noQuery(request, `POST ${type}`);
    const ifNoneExist = header(request, 'if-none-exist');
    return {
      write: {
        interaction: 'create',
        entity: type,
        target: type,
        run: async (repo) =>
          written(repo, await repo.create(type, request.body, ifNoneExist !== undefined ? { ifNoneExist } : {})),
      },
    };
  });

  // Conditional update: the query names the target, found by the caller's own search.
  pipeline.route<TypeParams>('PUT', '/fhir/:type', (request) => {
    const type = checkType(request.params.type);
    const criteria = queryOf(request).toString();
    if (criteria === '')
      throw badRequest(
        `PUT ${type}: a conditional update needs search criteria (PUT ${type}?identifier=…) or an id (PUT ${type}/<id>)`,
      );
    return {
      write: {
        interaction: 'update',
        entity: type,
        target: `${type}?${criteria}`,
        run: async (repo) =>
          written(repo, await repo.conditionalUpdate(type, criteria, request.body, header(request, 'if-match'))),
      },
    };
  });

  pipeline.route<InstanceParams>('GET', '/fhir/:type/:id', (request) => {
    const type = checkType(request.params.type);
    const id = checkId(type, request.params.id);
    noQuery(request, 'read');
    const content = registry.contentHandler(type);
    if (content && wantsContent(header(request, 'accept'))) {
      const asked = domainRequest(request);
      return { read: { interaction: 'read', entity: `${type}/${id}`, run: (repo) => content.read(repo, id, asked) } };
    }
    return { read: { interaction: 'read', entity: `${type}/${id}`, run: (repo) => repo.read(type, id) } };
  });

  pipeline.route<InstanceParams>('PUT', '/fhir/:type/:id', (request) => {
    const type = checkType(request.params.type);
    const id = checkId(type, request.params.id);
    noQuery(request, `PUT ${type}/${id}`);
    return {
      write: {
        interaction: 'update',
        entity: `${type}/${id}`,
        target: `${type}/${id}`,
        run: async (repo) => written(repo, await repo.update(type, id, request.body, header(request, 'if-match'))),
      },
    };
  });

  pipeline.route<InstanceParams>('DELETE', '/fhir/:type/:id', (request) => {
    const type = checkType(request.params.type);
    const id = checkId(type, request.params.id);
    noQuery(request, `DELETE ${type}/${id}`);
    return {
      write: {
        interaction: 'delete',
        entity: `${type}/${id}`,
        target: `${type}/${id}`,
        run: async (repo) => written(repo, await repo.delete(type, id, header(request, 'if-match'))),
      },
    };
  });

  pipeline.route<InstanceParams>('GET', '/fhir/:type/:id/_history', (request) => {
    const type = checkType(request.params.type);
    const id = checkId(type, request.params.id);
    return {
      read: { interaction: 'history-instance', entity: `${type}/${id}`, run: (repo) => repo.history(type, id, queryOf(request)) },
    };
  });

  pipeline.route<VersionParams>('GET', '/fhir/:type/:id/_history/:vid', (request) => {
    const type = checkType(request.params.type);
    const id = checkId(type, request.params.id);
    noQuery(request, 'vread');
    return { read: { interaction: 'vread', entity: `${type}/${id}`, run: (repo) => repo.read(type, id, request.params.vid) } };
  });

  return pipeline;
}
