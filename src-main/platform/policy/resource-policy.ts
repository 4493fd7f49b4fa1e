/**
 * What a domain registers for each resource type it owns (ARCHITECTURE §3, §5): who may read it (and
 * the filter every search, history, `$changes` page, `_include` and conditional lookup applies), who
 * may write it, and what reaches whose cache. The policy-aware repository (repository.ts) asks these
 * on every way in; a type nobody registered is refused to every user.
 */
import type { FhirError, Issue } from '../fhir/fhir-error';
import type { FhirResponse } from '../fhir/fhir-response';
import type { WriteContext } from '../fhir/request-context';
import type { ResourceTypeDef } from '../fhir/resource-types';
import type { ReferenceEntry } from '../fhir/search-index';
import type { SearchRequest } from '../fhir/search-query';
import type { ChangeFilter, StorageTx, StoredVersion } from '../storage/platform-storage';
import type { RestInteraction } from '../audit/audit-event';
import type { Principal } from './principal';
import type { PolicyRepository } from './repository';
import type { PolicyWriteRepository } from './write-repository';

export type Json = Record<string, unknown>;

/** What a policy sees of the request: the caller, the clock, and the unfiltered store for its own look-ups. */
export interface PolicyScope {
  readonly principal: Principal | null;
  /** The raw store: a policy reads Consents, envelopes or memberships through it. Never handed to a route. */
  readonly tx: StorageTx;
  readonly now: Date;
  /**
   * One value per key for the whole request (e.g. one DSP state per patient). In a write unit a value is made
   * again once the unit appends a version of a type in `dependsOn` (of any type when omitted): write-unit-memo.ts.
   */
  memo<T>(key: string, make: () => T, dependsOn?: readonly string[]): T;
}

/** How a decision reaches the patient's access log: the patients concerned and the rule applied. */
export interface AuditNote {
  patients: string[];
  /** e.g. "DSP rule 8: allowed (care)". */
  rule: string;
}

export type ReadVerdict =
  | { allowed: true; audit?: AuditNote }
  /** 404: the resource does not exist for this caller (no hint); 401/403: refused, said so. */
  | { allowed: false; status: 401 | 403 | 404; reason: string; audit?: AuditNote };

export type TypeVerdict = { allowed: true } | { allowed: false; status: 401 | 403; reason: string; audit?: AuditNote };

export interface WriteIntent {
  action: 'create' | 'update' | 'delete';
  def: ResourceTypeDef;
  /** The target id (assigned for a create). */
  id: string;
  /** The resource as sent (undefined for a delete). */
  body: Json | undefined;
  /** The live current version (update, delete), if any. */
  current: StoredVersion | undefined;
}

export interface ResourcePolicy {
  /** Short name for logs, refusals and the census test. */
  readonly name: string;
  /**
   * Types shared by several domains (a Binary belongs to a DSP document or to a message): whether this
   * policy governs that resource. Omitted: every resource of the registered types.
   */
  claims?(resource: Json): boolean;
  /**
   * Its records may be read by id without a token even where the type's gate asks for one (a file of
   * the public library is a Binary, a type that otherwise needs a token). The record's own verdict
   * still decides; searches keep the type's gate.
   */
  readonly readableWithoutLogin?: boolean;
  /** Before anything is looked up: may the caller read or search this type at all? */
  typeGate(scope: PolicyScope, action: 'read' | 'search', request?: SearchRequest): TypeVerdict | Promise<TypeVerdict>;
  /** Narrows a search to what the caller may see (criteria added before the store runs it). */
  narrowSearch?(scope: PolicyScope, request: SearchRequest): void;
  /** The decision for one stored version the caller is about to receive (every way in). */
  read(scope: PolicyScope, stored: StoredVersion): Promise<ReadVerdict>;
  /**
   * Throws a FhirError (carrying its audit facts) to refuse; may write the domain's own side effects, and
   * return warnings for the answer (the write stands: e.g. a Patient name that looks like another's).
   */
  write(ctx: WriteContext, intent: WriteIntent): Promise<void | Issue[]>;
  /** Internal index rows written with each version (an audience, the document a Binary belongs to). */
  indexEntries?(def: ResourceTypeDef, resource: fhir4.FhirResource, plans: ReadonlyMap<string, unknown>): ReferenceEntry[];
  /** The largest content (a Binary's bytes) a resource it governs may hold, and the rule a refusal names. */
  contentLimit?: { bytes: number; rule: string };
}

/** A resource the caller lost sight of since their cursor: `$changes` sends it as a DELETE with a reason. */
export interface Revocation {
  seq: number;
  type: string;
  id: string;
  kind: 'revoke' | 'grant';
}

/**
 * What the previous `$changes` page was served from (carried, authenticated, in its cursor): the commit sequence
 * its scope was computed at, and when. A domain compares the caller's scope then and now (care relationships).
 */
export interface ChangesSince {
  scopeSequence: number;
  servedAt: Date;
}

/** A transaction entry as a domain's planner sees it. */
export interface TransactionEntryView {
  index: number;
  method: string;
  type: string;
  id: string;
  resource: unknown;
}

/** What a planner decided about a whole transaction: resources it replaces, and state for its policies. */
export interface TransactionPlan {
  /** Entry index → the resource to store instead of the one sent (e.g. the envelope with its delivery status). */
  replacements: Map<number, Json>;
  /** Entry indices whose resource is not echoed back in the response (the sender has it; e.g. ciphertext). */
  unechoed: Set<number>;
  /** Read by the domain's own policies through WriteContext.plans. */
  state: unknown;
}

/** A named operation (`$name`), run inside the pipeline like any interaction. */
export interface OperationDefinition {
  name: string;
  /** The resource type it hangs off (`/fhir/Type/:id/$name`), or undefined for a system-level one. */
  resourceType?: string;
  level: 'instance' | 'system';
  method: 'GET' | 'POST';
  /** A write runs in one transaction with the ledger; a read in a read unit of work. */
  writes: boolean;
  /** Read audit events are batched: an operation that shows the access log wants them stored first. */
  flushAuditFirst?: boolean;
  /** Query parameters it accepts (anything else is a 400). */
  parameters: readonly string[];
  /** May return (not throw) an error: the transaction still commits what it recorded (a failed try counts). */
  run(call: OperationCall): Promise<FhirResponse | FhirError>;
}

export interface OperationCall {
  scope: PolicyScope;
  /** Present for a writing operation. */
  write: WriteContext | undefined;
  id: string | undefined;
  body: unknown;
  query: URLSearchParams;
  baseUrl: string;
}

/** What a domain's own route sees of its request (never the framework's request, never storage). */
export interface DomainRequest {
  params: Record<string, string>;
  query: URLSearchParams;
  header(name: string): string | undefined;
  /** Parsed JSON, or the raw bytes (a Buffer) on a route that accepts them. */
  body: unknown;
}

/** A unit of work a domain route hands the pipeline: a read, or a write transaction (with its ledger entry). */
export type DomainStep =
  | { read: { interaction: RestInteraction; entity: string; run(repo: PolicyRepository): Promise<FhirResponse | FhirError> } }
  | {
      write: {
        interaction: RestInteraction;
        entity: string;
        /** What the ledger hashes (with method, body and conditions) to recognise a replay. */
        target: string;
        run(repo: PolicyWriteRepository): Promise<FhirResponse | FhirError>;
      };
    };

/** A route of a domain outside the FHIR interactions (e.g. blob uploads), served through the same pipeline. */
export interface DomainRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Fastify path, e.g. "/blobs/uploads/:id". */
  url: string;
  /** Accepts an `application/octet-stream` body (handed over as a Buffer). */
  acceptsBytes?: boolean;
  /** Largest body accepted, in bytes (default: the platform's body limit). */
  bodyLimit?: number;
  plan(request: DomainRequest): DomainStep;
}

/** What a write hands a content handler: the body as sent, once the governing policy allowed the write. */
export interface ContentWrite {
  tx: StorageTx;
  /** The writer; null for the platform's own writes (the seed). */
  principal: Principal | null;
  /** "Binary/<id>", as refusals and the access log name it. */
  entity: string;
  action: 'create' | 'update';
  body: Json;
  current: StoredVersion | undefined;
  /** The policy governing the resource (its content limit applies). */
  policy: ResourcePolicy;
  now: string;
}

/**
 * The content of a resource type kept apart from its JSON (a Binary's bytes in the blob store): what a write
 * stores instead of the body sent, and how `GET /fhir/Type/<id>` with a non-FHIR Accept serves the bytes.
 */
export interface ContentHandler {
  type: string;
  /** The resource to store for a write (e.g. inline bytes moved out); throws a FhirError to refuse. */
  beforeStore(write: ContentWrite): Promise<Json>;
  /** The bytes of a resource, read through `repo` (so its policy decides and the access log records). */
  read(repo: PolicyRepository, id: string, request: DomainRequest): Promise<FhirResponse>;
}

/** What a domain registers beside its per-type policies. */
export interface DomainRegistration {
  name: string;
  /** Its share of a user's `$changes` scope. */
  changeScope?(scope: PolicyScope): Promise<Partial<ChangeFilter>>;
  /** Resources a user lost (or regained) sight of in (after, upTo]; `previous` when the cursor says how its page was served. */
  revocations?(scope: PolicyScope, after: number, upTo: number, previous?: ChangesSince): Promise<Revocation[]>;
  /** Time-based changes recorded before a user's `$changes` page is read (an expired grant). */
  beforeChanges?(scope: PolicyScope): Promise<((ctx: WriteContext) => Promise<void>) | undefined>;
  /** Checks a transaction as a whole (a message is one); undefined when the domain has nothing to say. */
  planTransaction?(ctx: WriteContext, entries: TransactionEntryView[]): Promise<TransactionPlan | undefined>;
  operations?: OperationDefinition[];
  /** Routes of its own outside /fhir's interactions (run through the pipeline like every route). */
  routes?: DomainRoute[];
  /** Content kept apart from the JSON of a type. */
  content?: ContentHandler[];
}
