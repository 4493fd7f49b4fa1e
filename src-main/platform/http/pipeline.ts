/**
 * The one pipeline every FHIR route runs (ARCHITECTURE §3): authenticate → policy-aware repository
 * (in one read unit of work, or one write transaction holding the effect, its audit events and its
 * ledger entry) → interaction or operation → audit of the refusal, if any. Routes hand the pipeline a
 * function of the repository; they never see storage. Every route registered here is recorded, so the
 * census test can prove no route goes around it.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteShorthandOptions } from 'fastify';
import { OPERATION_ID_HEADER } from '../../../src-shared/domain/fhir-sync';
import type { AuditFacts, RestInteraction } from '../audit/audit-event';
import { FhirError, unauthorized } from '../fhir/fhir-error';
import { isStreamedBytes, type FhirResponse } from '../fhir/fhir-response';
import { checkOperationId, requestHash, runOnce } from '../fhir/idempotency';
import type { RequestContext, WriteContext } from '../fhir/request-context';
import type { Principal } from '../policy/principal';
import type { PolicyRegistry } from '../policy/policy-registry';
import { storeContentApart } from '../policy/content-apart';
import { createScope } from '../policy/read-guard';
import { trackingAppends, WriteUnitMemo } from '../policy/write-unit-memo';
import { PolicyRepository } from '../policy/repository';
import { PolicyWriteRepository } from '../policy/write-repository';
import { AnonymousReadLimiter } from './anonymous-reads';
import { sendFhir } from './fhir-reply';
import type { PlatformServices } from './platform-services';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface ReadStep {
  interaction: RestInteraction;
  /** "Type" or "Type/id", named in an audited refusal. */
  entity: string;
  /** Runs first, as units of its own (e.g. `$changes` records time-based changes before the page is read). */
  before?: () => Promise<void>;
  run(repo: PolicyRepository): Promise<FhirResponse | FhirError>;
}

export interface WriteStep {
  interaction: RestInteraction;
  entity: string;
  /** What the ledger hashes (with method, body and conditions) to recognise a replay. */
  target: string;
  run(repo: PolicyWriteRepository): Promise<FhirResponse | FhirError>;
}

export function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
}

export function queryOf(request: FastifyRequest): URLSearchParams {
  const q = request.url.indexOf('?');
  return new URLSearchParams(q < 0 ? '' : request.url.slice(q + 1));
}

export class FhirPipeline {
  /** "METHOD url" of every route registered through the pipeline (the census). */
  readonly routes = new Set<string>();
  private readonly anonymousReads: AnonymousReadLimiter;

  constructor(
    private readonly app: FastifyInstance,
    private readonly services: PlatformServices,
    readonly registry: PolicyRegistry,
  ) {
    this.anonymousReads = services.anonymousReads ?? new AnonymousReadLimiter();
  }

  /** Registers a route whose handler can only reach data through `step`. */
  route<P>(
    method: Method,
    url: string,
    step: (request: FastifyRequest<{ Params: P }>) => { read: ReadStep } | { write: WriteStep },
    options: RouteShorthandOptions = {},
  ): void {
    this.routes.add(`${method} ${url}`);
    this.app.route<{ Params: P }>({
      method,
      url,
      ...options,
      handler: async (request, reply: FastifyReply) => {
        const plan = step(request);
        const response = 'read' in plan ? await this.read(request, plan.read) : await this.write(request, plan.write);
        return sendFhir(reply, response);
      },
    });
  }

  private async context(request: FastifyRequest): Promise<RequestContext> {
    return {
      principal: await this.services.logins.authenticate(header(request, 'authorization')),
      baseUrl: `${request.protocol}://${request.host}/fhir`,
      // Its own trail: the answer waits until the request's read events are durable.
      audit: this.services.audit.forRequest(),
    };
  }

  /** A refusal reaches the access log once its unit of work has ended (so a rolled-back write still leaves its trace). */
  private async audited<T>(
    principal: () => Principal | null,
    step: { interaction: RestInteraction; entity: string },
    work: () => Promise<T>,
  ): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof FhirError && error.auditFacts !== undefined) {
        await this.services.audit.recordNow(error.auditFacts as AuditFacts);
      } else if (error instanceof FhirError && (error.status === 401 || error.status === 403)) {
        await this.services.audit.recordNow({
          principal: principal(),
          interaction: step.interaction,
          outcome: '4',
          outcomeDescription: error.message,
          entities: [step.entity],
          patients: step.entity.startsWith('Patient/') ? [step.entity.split('/').slice(0, 2).join('/')] : [],
          recorded: new Date().toISOString(),
        });
      }
      throw error;
    }
  }

  async read(request: FastifyRequest, step: ReadStep): Promise<FhirResponse> {
    let principal: Principal | null = null;
    return this.audited(
      () => principal,
      step,
      async () => {
        await step.before?.();
        const ctx = await this.context(request);
        principal = ctx.principal;
        // What anyone may read without a token (the library) is rate-limited per address.
        if (!ctx.principal) this.anonymousReads.admit(request.ip);
        const result = await this.services.storage.read((tx) =>
          step.run(new PolicyRepository(this.registry, createScope(ctx.principal, tx), ctx)),
        );
        if (result instanceof FhirError) throw result;
        await ctx.audit.settled();
        // Bytes served a window at a time, each in a read unit of its own, once the decision and its audit stand.
        if (isStreamedBytes(result.body))
          return { ...result, body: Readable.from(result.body.open((work) => this.services.storage.read(work))) };
        return result;
      },
    );
  }

  async write(request: FastifyRequest, step: WriteStep): Promise<FhirResponse> {
    let principal: Principal | null = null;
    return this.audited(
      () => principal,
      step,
      async () => {
        const ctx = await this.context(request);
        principal = ctx.principal;
        const caller = ctx.principal;
        if (!caller) throw unauthorized('authentication required: send Authorization: Bearer <access token>');
        const opHeader = header(request, OPERATION_ID_HEADER);
        const key =
          opHeader === undefined
            ? undefined
            : {
                operationId: checkOperationId(opHeader),
                principal: caller.userRef,
                requestHash: requestHash(request.method, step.target, request.body, [
                  header(request, 'if-match'),
                  header(request, 'if-none-exist'),
                ]),
              };
        // An operation may answer with an error that must still commit what it recorded (a wrong presence code counts).
        let returnedError: FhirError | undefined;
        const response = await this.services.storage.write((unitTx) =>
          runOnce(unitTx, key, async () => {
            const now = new Date();
            const memo = new WriteUnitMemo();
            const tx = trackingAppends(unitTx, memo);
            const wctx: WriteContext = {
              ...ctx,
              principal: caller,
              tx,
              pendingReferences: [],
              now: now.toISOString(),
              plans: new Map(),
              policyIndex: (def, resource) =>
                this.registry.forResource(def.type, resource as never).indexEntries?.(def, resource, wctx.plans) ?? [],
              storeContent: (resource) => storeContentApart(this.registry, tx, caller, wctx.now, resource),
              memo,
            };
            const repo = new PolicyWriteRepository(this.registry, createScope(caller, tx, now, memo), wctx);
            const result = await step.run(repo);
            if (result instanceof FhirError) {
              returnedError = result;
              return { status: result.status, headers: {}, body: null };
            }
            await repo.verifyReferences();
            return result;
          }),
        );
        await ctx.audit.settled();
        if (returnedError) throw returnedError;
        return response.replayed ? { ...response, headers: { ...response.headers, 'X-Operation-Replayed': 'true' } } : response;
      },
    );
  }
}
