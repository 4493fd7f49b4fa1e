/**
 * The FHIR REST surface under /fhir. Each handler authenticates, then runs one interaction in one
 * storage unit of work (a transaction for writes), and audits refusals of patient-data access.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { OPERATION_ID_HEADER } from '../../../src-shared/domain/fhir-sync';
import type { Principal } from '../policy/principal';
import type { RestInteraction } from '../audit/audit-event';
import { capabilityStatement } from '../fhir/capability-statement';
import { badRequest, FhirError, notFound, unauthorized } from '../fhir/fhir-error';
import { resourceTypeDef, type ResourceTypeDef } from '../fhir/resource-types';
import { ID_PATTERN } from '../fhir/validation';
import { changesFeed } from '../fhir/changes-feed';
import { versionResponse, type FhirResponse } from '../fhir/fhir-response';
import { withWarnings } from '../fhir/outcome-warnings';
import { checkOperationId, requestHash, runOnce } from '../fhir/idempotency';
import type { RequestContext, WriteContext } from '../fhir/request-context';
import { instanceHistory, readResource, searchResources } from '../fhir/resource-reads';
import { createResource, deleteResource, updateResource, verifyReferences, type WriteResult } from '../fhir/resource-writes';
import { listMembers, postReceipt } from '../messaging/messaging';
import { runTransaction } from '../fhir/transaction-bundle';
import type { AuditFacts } from '../audit/audit-event';
import {
  accessLog,
  expirePresenceGrants,
  hasExpiredPresenceGrants,
  redeemPresenceCode,
  runSimulatorOperation,
  SIMULATOR_OPERATIONS,
} from '../dsp/dsp-simulator';
import { isAudited } from '../fhir/version-writer';
import { sendFhir } from './fhir-reply';
import type { PlatformServices } from './platform-services';

type TypeParams = { type: string };
type InstanceParams = { type: string; id: string };
type VersionParams = { type: string; id: string; vid: string };

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
}

function queryOf(request: FastifyRequest): URLSearchParams {
  const q = request.url.indexOf('?');
  return new URLSearchParams(q < 0 ? '' : request.url.slice(q + 1));
}

function typeDef(type: string): ResourceTypeDef {
  const def = resourceTypeDef(type);
  if (!def) throw notFound(`resource type "${type}" is not supported (see /fhir/metadata)`);
  return def;
}

function checkId(def: ResourceTypeDef, id: string): string {
  if (!ID_PATTERN.test(id))
    throw badRequest(
      `${def.type}.id: "${id.slice(0, 70)}" is not a valid id (1–64 of A-Z a-z 0-9 - .)`,
      `${def.type}.id`,
      'value',
    );
  return id;
}

export function registerFhirRoutes(app: FastifyInstance, services: PlatformServices): void {
  const { storage, logins, audit } = services;

  const contextOf = async (request: FastifyRequest): Promise<RequestContext> => ({
    principal: await logins.authenticate(header(request, 'authorization')),
    baseUrl: `${request.protocol}://${request.host}/fhir`,
    audit,
  });

  /** Runs an interaction; a 401/403 on patient data is itself audited (outcome 4) before it is returned. */
  async function guarded(
    request: FastifyRequest,
    def: ResourceTypeDef,
    interaction: RestInteraction,
    entity: string | undefined,
    work: (ctx: RequestContext) => Promise<FhirResponse>,
  ): Promise<FhirResponse> {
    let principal: Principal | null = null;
    try {
      const ctx = await contextOf(request);
      principal = ctx.principal;
      return await work(ctx);
    } catch (error) {
      if (error instanceof FhirError && error.auditFacts !== undefined) {
        // A DSP decision: audited with its own facts (rule, patient, document), whatever the status.
        await audit.recordNow(error.auditFacts as AuditFacts);
      } else if (error instanceof FhirError && (error.status === 401 || error.status === 403) && isAudited(def)) {
        await audit.recordNow({
          principal,
          interaction,
          outcome: '4',
          outcomeDescription: error.message,
          entities: entity ? [entity] : [],
          patients: entity?.startsWith('Patient/') ? [entity] : [],
          ...(interaction === 'search-type' ? { query: `${def.type}?${queryOf(request).toString()}` } : {}),
          recorded: new Date().toISOString(),
        });
      }
      throw error;
    }
  }

  /** A write: one transaction holding the effect, its audit event and its ledger entry. */
  async function write(
    request: FastifyRequest,
    ctx: RequestContext,
    target: string,
    perform: (wctx: WriteContext) => Promise<FhirResponse>,
  ): Promise<FhirResponse> {
    const principal = ctx.principal;
    if (!principal) throw unauthorized('authentication required: send Authorization: Bearer <access token>');
    const opHeader = header(request, OPERATION_ID_HEADER);
    const key =
      opHeader === undefined
        ? undefined
        : {
            operationId: checkOperationId(opHeader),
            principal: principal.userRef,
            requestHash: requestHash(request.method, target, request.body, [
              header(request, 'if-match'),
              header(request, 'if-none-exist'),
            ]),
          };
    const response = await storage.write((tx) =>
      runOnce(tx, key, async () => {
        const wctx: WriteContext = { ...ctx, principal, tx, pendingReferences: [], now: new Date().toISOString() };
        const result = await perform(wctx);
        await verifyReferences(wctx);
        return result;
      }),
    );
    return response.replayed ? { ...response, headers: { ...response.headers, 'X-Operation-Replayed': 'true' } } : response;
  }

  const written = (result: WriteResult, baseUrl: string): FhirResponse =>
    result.status === 204
      ? { ...versionResponse(204, result.stored, baseUrl), body: null }
      : withWarnings(versionResponse(result.status, result.stored, baseUrl), result.stored, result.warnings);

  app.get('/fhir/metadata', async (request, reply) =>
    sendFhir(reply, { status: 200, headers: {}, body: capabilityStatement(`${request.protocol}://${request.host}/fhir`) }),
  );

  app.get('/fhir/$changes', async (request, reply) => {
    const ctx = await contextOf(request);
    const principal = ctx.principal;
    // Presence grants run out with time, not with a write: their revocations are recorded at the holder's next pull.
    if (
      principal &&
      principal.role !== 'patient' &&
      (await storage.read((tx) => hasExpiredPresenceGrants(tx, principal.userRef, Date.now())))
    ) {
      await storage.write((tx) =>
        expirePresenceGrants({ ...ctx, principal, tx, pendingReferences: [], now: new Date().toISOString() }),
      );
    }
    return sendFhir(reply, await storage.read((tx) => changesFeed(ctx, tx, services.epoch, queryOf(request))));
  });

  // A message with a 20 MiB attachment is ≈ 27 MiB of base64 inside JSON: transactions get the larger limit.
  app.post('/fhir', { bodyLimit: Math.max(services.bodyLimit, services.messageBodyLimit) }, async (request, reply) => {
    const ctx = await contextOf(request);
    try {
      return sendFhir(reply, await write(request, ctx, '', (wctx) => runTransaction(wctx, request.body)));
    } catch (error) {
      if (error instanceof FhirError && error.auditFacts !== undefined) await audit.recordNow(error.auditFacts as AuditFacts);
      throw error;
    }
  });

  // ── Patient simulator and presence codes (issue 5; src-main/platform/DSP.md) ──
  for (const operation of SIMULATOR_OPERATIONS) {
    app.post<{ Params: { id: string } }>(`/fhir/Patient/:id/$${operation}`, async (request, reply) => {
      const def = typeDef('Patient');
      const id = checkId(def, request.params.id);
      const response = await guarded(request, def, 'update', `Patient/${id}`, (ctx) =>
        write(request, ctx, `Patient/${id}/$${operation}`, (wctx) =>
          runSimulatorOperation(wctx, id, operation, request.body, services.presenceCodeTtlSeconds),
        ),
      );
      return sendFhir(reply, response);
    });
  }

  app.get<{ Params: { id: string } }>('/fhir/Patient/:id/$access-log', async (request, reply) => {
    const def = typeDef('Patient');
    const id = checkId(def, request.params.id);
    const query = queryOf(request);
    // Read events are batched: the log shows everything up to this request.
    await audit.flush();
    return sendFhir(
      reply,
      await guarded(request, def, 'read', `Patient/${id}`, (ctx) => {
        if (!ctx.principal) throw unauthorized("authentication required: the access log is the holder's");
        return storage.read((tx) => accessLog(ctx, tx, id, query));
      }),
    );
  });

  app.post<{ Params: { id: string } }>('/fhir/Patient/:id/$redeem-presence-code', async (request, reply) => {
    const def = typeDef('Patient');
    const id = checkId(def, request.params.id);
    const ctx = await contextOf(request);
    const principal = ctx.principal;
    if (!principal) throw unauthorized('authentication required: a presence code is redeemed by a logged-in professional');
    const outcome = await storage.write((tx) =>
      redeemPresenceCode({ ...ctx, principal, tx, pendingReferences: [], now: new Date().toISOString() }, id, request.body),
    );
    if (outcome instanceof FhirError) throw outcome;
    return sendFhir(reply, outcome);
  });

  app.get<{ Params: { id: string } }>('/fhir/Organization/:id/$members', async (request, reply) => {
    const def = typeDef('Organization');
    const id = checkId(def, request.params.id);
    if (queryOf(request).size > 0)
      throw badRequest(`parameter "${[...queryOf(request).keys()][0]}" is not supported on $members`, undefined, 'not-supported');
    const ctx = await contextOf(request);
    return sendFhir(reply, await storage.read((tx) => listMembers(ctx, tx, id)));
  });

  app.post<{ Params: { id: string } }>('/fhir/Communication/:id/$receipt', async (request, reply) => {
    const def = typeDef('Communication');
    const id = checkId(def, request.params.id);
    const response = await guarded(request, def, 'update', `${def.type}/${id}`, (ctx) =>
      write(request, ctx, `${def.type}/${id}/$receipt`, (wctx) => postReceipt(wctx, id, request.body)),
    );
    return sendFhir(reply, response);
  });

  app.get<{ Params: TypeParams }>('/fhir/:type', async (request, reply) => {
    const def = typeDef(request.params.type);
    const query = queryOf(request);
    return sendFhir(
      reply,
      await guarded(request, def, 'search-type', undefined, (ctx) => storage.read((tx) => searchResources(ctx, tx, def, query))),
    );
  });

  app.post<{ Params: TypeParams }>('/fhir/:type', async (request, reply) => {
    const def = typeDef(request.params.type);
    const ifNoneExist = header(request, 'if-none-exist');
    const response = await guarded(request, def, 'create', undefined, (ctx) =>
      write(request, ctx, def.type, async (wctx) =>
        written(await createResource(wctx, def, request.body, ifNoneExist !== undefined ? { ifNoneExist } : {}), ctx.baseUrl),
      ),
    );
    return sendFhir(reply, response);
  });

  app.get<{ Params: InstanceParams }>('/fhir/:type/:id', async (request, reply) => {
    const def = typeDef(request.params.type);
    const id = checkId(def, request.params.id);
    if (queryOf(request).size > 0)
      throw badRequest(`parameter "${[...queryOf(request).keys()][0]}" is not supported on read`, undefined, 'not-supported');
    return sendFhir(
      reply,
      await guarded(request, def, 'read', `${def.type}/${id}`, (ctx) => storage.read((tx) => readResource(ctx, tx, def, id))),
    );
  });

  app.put<{ Params: InstanceParams }>('/fhir/:type/:id', async (request, reply) => {
    const def = typeDef(request.params.type);
    const id = checkId(def, request.params.id);
    const ifMatch = header(request, 'if-match');
    const response = await guarded(request, def, 'update', `${def.type}/${id}`, (ctx) =>
      write(request, ctx, `${def.type}/${id}`, async (wctx) =>
        written(await updateResource(wctx, def, id, request.body, ifMatch), ctx.baseUrl),
      ),
    );
    return sendFhir(reply, response);
  });

  app.delete<{ Params: InstanceParams }>('/fhir/:type/:id', async (request, reply) => {
    const def = typeDef(request.params.type);
    const id = checkId(def, request.params.id);
    const ifMatch = header(request, 'if-match');
    const response = await guarded(request, def, 'delete', `${def.type}/${id}`, (ctx) =>
      write(request, ctx, `${def.type}/${id}`, async (wctx) =>
        written(await deleteResource(wctx, def, id, ifMatch), ctx.baseUrl),
      ),
    );
    return sendFhir(reply, response);
  });

  app.get<{ Params: InstanceParams }>('/fhir/:type/:id/_history', async (request, reply) => {
    const def = typeDef(request.params.type);
    const id = checkId(def, request.params.id);
    const query = queryOf(request);
    return sendFhir(
      reply,
      await guarded(request, def, 'history-instance', `${def.type}/${id}`, (ctx) =>
        storage.read((tx) => instanceHistory(ctx, tx, def, id, query)),
      ),
    );
  });

  app.get<{ Params: VersionParams }>('/fhir/:type/:id/_history/:vid', async (request, reply) => {
    const def = typeDef(request.params.type);
    const id = checkId(def, request.params.id);
    return sendFhir(
      reply,
      await guarded(request, def, 'vread', `${def.type}/${id}`, (ctx) =>
        storage.read((tx) => readResource(ctx, tx, def, id, request.params.vid)),
      ),
    );
  });
}
