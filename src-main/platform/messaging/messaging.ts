/**
 * Secure messaging on the platform (issue 6): it stores ciphertext only and decides who sees it.
 * - A message is one transaction Bundle: the envelope (Communication) and its encrypted parts (Binary),
 *   checked here as a whole before any entry is written; the platform adds the delivery status.
 * - Its audience (sender and effective recipients, service mailboxes expanded to their members) is
 *   indexed with every version, so read, search and `$changes` show it to that audience only.
 * - Recipients acknowledge with `$receipt`; published keys (Endpoint) are written by their owner only.
 */
import { isAdministratorRole } from '../../../src-shared/domain/directory';
import { MAX_MESSAGE_BYTES } from '../../../src-shared/domain/attachments';
import { MAX_ATTACHMENTS } from '../../../src-shared/domain/messaging';
import { isSpaceFileData } from '../../../src-shared/domain/spaces';
import {
  audienceOf,
  deliveryEntries,
  deliveryExtension,
  DELIVERY_RANK,
  messageOfBinary,
  type DeliveryEntry,
  type MessagePlan,
} from './message-audience';
import { badRequest, FhirError, forbidden, notFound, unauthorized, unprocessable } from '../fhir/fhir-error';
import {
  checkEncryptedPart,
  checkEnvelope,
  checkKeyEndpoint,
  checkOpenPgpFraming,
  isKeyEndpoint,
  ownerOf,
} from './message-rules';
import { resourceTypeDef, type ResourceTypeDef } from '../fhir/resource-types';
import { parseSearch } from '../fhir/search-query';
import type { StorageTx, StoredVersion } from '../storage/platform-storage';
import { versionResponse, type FhirResponse } from '../fhir/fhir-response';
import type { RequestContext, WriteContext } from '../fhir/request-context';
import { appendValidated, auditWrite, stamp } from '../fhir/version-writer';

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A transaction entry as the message rules see it. */
export interface MessageEntryView {
  index: number;
  method: string;
  type: string;
  id: string;
  resource: unknown;
}

/** The domain's name: its transaction plan is kept under it in WriteContext.plans. */
export const MESSAGING = 'messaging';

export const PGP_BINARY = (resource: unknown): boolean =>
  isRecord(resource) &&
  // A space's shared file is ciphertext too, but no message part (spaces/space-content.ts governs it).
  !isSpaceFileData(resource) &&
  (messageOfBinary(resource as unknown as fhir4.Resource) !== undefined || resource.contentType === 'application/pgp-encrypted');

/** True when a transaction entry is part of a message (and the whole transaction must be one). */
function isMessageEntry(entry: MessageEntryView): boolean {
  return entry.type === 'Communication' || (entry.type === 'Binary' && PGP_BINARY(entry.resource));
}

const located = (error: unknown, entry: MessageEntryView): unknown =>
  error instanceof FhirError ? error.inEntry(entry.index, entry.type) : error;

// ── Service mailboxes ──

const PRACTITIONER_ROLE = resourceTypeDef('PractitionerRole')!;
const MAX_MEMBERS = 1000;

/** Practitioners holding an active PractitionerRole at the organisation (sorted, existing only). */
export async function membersOf(tx: StorageTx, organizationId: string): Promise<string[]> {
  const request = parseSearch(
    PRACTITIONER_ROLE,
    new URLSearchParams({ organization: `Organization/${organizationId}`, _count: String(MAX_MEMBERS) }),
  );
  const page = await tx.search(request, await tx.currentSequence());
  const ids = new Set<string>();
  for (const row of page.rows) {
    const role = row.resource as fhir4.PractitionerRole | null;
    const ref = role?.practitioner?.reference;
    // An administrator grants memberships; the role does not make them a member of the mailbox.
    if (role && role.active !== false && !isAdministratorRole(role) && typeof ref === 'string' && ref.startsWith('Practitioner/'))
      ids.add(ref.slice('Practitioner/'.length));
  }
  const existing = await tx.existing('Practitioner', [...ids]);
  return [...existing].sort().map((id) => `Practitioner/${id}`);
}

/** `GET /fhir/Organization/<id>/$members`: the Practitioners a message to this mailbox reaches. */
export async function listMembers(
  scope: { principal: RequestContext['principal']; tx: StorageTx },
  baseUrl: string,
  organizationId: string,
): Promise<FhirResponse> {
  const { tx } = scope;
  if (!scope.principal) throw unauthorized('authentication required: $members expands a mailbox for a sender');
  if ((await tx.existing('Organization', [organizationId])).size === 0) {
    throw notFound(`Organization/${organizationId}: not found`);
  }
  const members = await membersOf(tx, organizationId);
  const entries: fhir4.BundleEntry[] = [];
  for (const ref of members) {
    const stored = await tx.current('Practitioner', ref.slice('Practitioner/'.length));
    if (stored?.resource) entries.push({ fullUrl: `${baseUrl}/${ref}`, resource: stored.resource, search: { mode: 'match' } });
  }
  const bundle: fhir4.Bundle = {
    resourceType: 'Bundle',
    type: 'searchset',
    total: entries.length,
    link: [{ relation: 'self', url: `${baseUrl}/Organization/${organizationId}/$members` }],
    entry: entries,
  };
  return { status: 200, headers: {}, body: bundle };
}

// ── Sending ──

async function effectiveRecipients(
  tx: StorageTx,
  sender: string,
  recipients: Array<{ reference: string; expression: string }>,
): Promise<string[]> {
  const effective: string[] = [];
  for (const { reference, expression } of recipients) {
    const [type, id] = reference.split('/') as [string, string];
    if ((await tx.existing(type, [id])).size === 0) {
      throw unprocessable(
        `${expression}.reference: ${reference} does not exist in the directory`,
        `${expression}.reference`,
        'not-found',
      );
    }
    const reached = type === 'Organization' ? await membersOf(tx, id) : [reference];
    if (reached.length === 0) {
      throw unprocessable(
        `${expression}.reference: ${reference} has no members (no Practitioner holds an active PractitionerRole there)`,
        `${expression}.reference`,
      );
    }
    for (const ref of reached) if (ref !== sender && !effective.includes(ref)) effective.push(ref);
  }
  if (effective.length === 0)
    throw unprocessable('Communication.recipient: the message reaches nobody but its sender', 'Communication.recipient');
  return effective;
}

/**
 * Checks a transaction that sends a message and returns its plan, with the envelope as the platform
 * stores it (delivery status "sent" for every effective recipient). Undefined when the transaction
 * holds no message. Nothing is written here, so a refusal leaves the database untouched.
 */
export async function planMessage(
  ctx: WriteContext,
  entries: MessageEntryView[],
): Promise<{ plan: MessagePlan; envelope: fhir4.Communication } | undefined> {
  if (!entries.some(isMessageEntry)) return undefined;
  const envelopes = entries.filter((e) => e.type === 'Communication');
  if (envelopes.length !== 1) {
    throw badRequest(
      `Bundle.entry: a message transaction holds exactly one Communication (found ${envelopes.length})`,
      'Bundle.entry',
      'invalid',
    );
  }
  const envelopeEntry = envelopes[0]!;
  for (const entry of entries) {
    const at = `Bundle.entry[${entry.index}]`;
    if (entry.method !== 'PUT') {
      throw badRequest(
        `${at}.request.method: a message is sent with PUT ${entry.type}/<client-chosen id> for each of its resources (got ${entry.method})`,
        `${at}.request.method`,
        'not-supported',
      );
    }
    if (entry.type !== 'Communication' && entry.type !== 'Binary') {
      throw badRequest(
        `${at}.request.url: a message transaction holds only its Communication and its encrypted Binary parts (not ${entry.type})`,
        `${at}.request.url`,
      );
    }
  }
  const principal = ctx.principal;
  if (!principal.userRef.startsWith('Practitioner/')) throw forbidden('messaging: only professionals send messages');

  const communicationId = envelopeEntry.id;
  let shape: ReturnType<typeof checkEnvelope>;
  try {
    if (!isRecord(envelopeEntry.resource) || envelopeEntry.resource.resourceType !== 'Communication') {
      throw badRequest('Communication.resourceType: expected a Communication', 'Communication.resourceType');
    }
    if (envelopeEntry.resource.id !== communicationId) {
      throw badRequest(`Communication.id: must be "${communicationId}", the id of the request URL`, 'Communication.id');
    }
    shape = checkEnvelope(envelopeEntry.resource);
    if (shape.sender !== principal.userRef) {
      throw new FhirError(403, {
        code: 'forbidden',
        diagnostics: `Communication.sender: must be the caller (${principal.userRef}); a message is sent in one's own name only`,
        expression: 'Communication.sender',
      });
    }
    if (await ctx.tx.current('Communication', communicationId)) {
      throw new FhirError(409, {
        code: 'conflict',
        diagnostics: `Communication/${communicationId}: already exists — a sent message never changes (recipients acknowledge it with POST Communication/${communicationId}/$receipt)`,
      });
    }
  } catch (error) {
    throw located(error, envelopeEntry);
  }

  const binaries = entries.filter((e) => e.type === 'Binary');
  const sizes = new Map<string, number>();
  for (const entry of binaries) {
    try {
      if (!isRecord(entry.resource) || entry.resource.resourceType !== 'Binary')
        throw badRequest('Binary.resourceType: expected a Binary', 'Binary.resourceType');
      if (entry.resource.id !== entry.id)
        throw badRequest(`Binary.id: must be "${entry.id}", the id of the request URL`, 'Binary.id');
      const part = checkEncryptedPart(entry.resource, communicationId);
      sizes.set(entry.id, part.size);
      // A part held in a blob (issue 10): its framing is checked on the stored bytes — only of a blob the sender
      // uploaded, so the answer tells nothing of a blob they only know the hash of (the Binary's write refuses that claim).
      if (part.blob && (await ctx.tx.uploadOf(principal.userRef, part.blob.sha256, part.blob.size))?.completedAt !== undefined) {
        const [first] = await ctx.tx.chunks({ blob: part.blob.sha256 }, 0, 1);
        if (first) checkOpenPgpFraming(first.data[0] ?? 0, 'Binary.meta.extension');
      }
      if (await ctx.tx.current('Binary', entry.id))
        throw new FhirError(409, {
          code: 'conflict',
          diagnostics: `Binary/${entry.id}: already exists — an encrypted part is written once, with its message`,
        });
    } catch (error) {
      throw located(error, entry);
    }
    if (!shape.parts.some((p) => p.binaryId === entry.id)) {
      throw unprocessable(
        `Bundle.entry[${entry.index}]: Binary/${entry.id} is no part of Communication.payload (every encrypted part is named there)`,
        `Bundle.entry[${entry.index}]`,
      );
    }
  }
  try {
    for (const part of shape.parts) {
      const size = sizes.get(part.binaryId);
      if (size === undefined)
        throw unprocessable(
          `${part.expression}.url: Binary/${part.binaryId} is not written in this transaction`,
          `${part.expression}.url`,
        );
      if (size !== part.size)
        throw unprocessable(
          `${part.expression}.size: ${part.size}, but Binary/${part.binaryId} holds ${size} bytes of ciphertext`,
          `${part.expression}.size`,
          'value',
        );
    }
    if (shape.parts.length > MAX_ATTACHMENTS + 1)
      throw unprocessable('Communication.payload: too many parts', 'Communication.payload', 'too-costly');
    const total = shape.parts.reduce((sum, part) => sum + part.size, 0);
    if (total > MAX_MESSAGE_BYTES)
      throw new FhirError(413, {
        code: 'too-costly',
        diagnostics: `Communication.payload: ${total} bytes of parts, larger than the ${MAX_MESSAGE_BYTES} bytes a message may hold (MAX_MESSAGE_BYTES)`,
        expression: 'Communication.payload',
      });
    const recipients = await effectiveRecipients(ctx.tx, principal.userRef, shape.recipients);
    const delivery: DeliveryEntry[] = recipients.map((recipient) => ({ recipient, status: 'sent', at: ctx.now }));
    const envelope = {
      ...(envelopeEntry.resource as unknown as fhir4.Communication),
      extension: delivery.map(deliveryExtension),
    };
    return {
      plan: { communicationId, audience: [principal.userRef, ...recipients], binaryIds: new Set(sizes.keys()) },
      envelope,
    };
  } catch (error) {
    throw located(error, envelopeEntry);
  }
}

// ── Writes outside a message transaction ──

const NEVER_CHANGED =
  'a message is sent once, as a transaction Bundle (POST /fhir) holding its Communication and encrypted Binary parts, and never changed; recipients acknowledge it with POST /fhir/Communication/<id>/$receipt';

export async function canSee(tx: StorageTx, principal: string | undefined, stored: StoredVersion | undefined): Promise<boolean> {
  if (!stored?.resource || principal === undefined) return false;
  if (stored.type === 'Communication') return audienceOf(stored.resource).includes(principal);
  const message = stored.type === 'Binary' ? messageOfBinary(stored.resource) : undefined;
  if (message === undefined) return true;
  const envelope = await tx.current('Communication', message);
  return envelope?.resource ? audienceOf(envelope.resource).includes(principal) : false;
}

/**
 * Rules for a create, update or delete of `def` (body undefined for a delete) before the generic
 * write runs: envelopes and encrypted parts are written by their message transaction only, and a
 * published key by its owner only.
 */
export async function guardWrite(
  ctx: WriteContext,
  def: ResourceTypeDef,
  id: string | undefined,
  body: Json | undefined,
): Promise<void> {
  const plan = ctx.plans.get(MESSAGING) as MessagePlan | undefined;
  if (def.type === 'Communication') {
    if (plan && id === plan.communicationId && body !== undefined) return;
    throw new FhirError(405, { code: 'not-supported', diagnostics: `Communication: ${NEVER_CHANGED}` }, { Allow: 'GET' });
  }
  if (def.type === 'Binary') {
    const current = id === undefined ? undefined : await ctx.tx.current('Binary', id);
    if (current?.resource && messageOfBinary(current.resource) !== undefined) {
      if (!(await canSee(ctx.tx, ctx.principal.userRef, current))) throw notFound(`Binary/${id}: not found`);
      throw new FhirError(
        405,
        { code: 'not-supported', diagnostics: `Binary/${id}: an encrypted message part is never changed — ${NEVER_CHANGED}` },
        { Allow: 'GET' },
      );
    }
    if (body !== undefined && PGP_BINARY(body) && !(plan && id !== undefined && plan.binaryIds.has(id))) {
      throw unprocessable(
        `Binary.securityContext: an encrypted message part is written only in its message's transaction — ${NEVER_CHANGED}`,
        'Binary.securityContext',
      );
    }
    return;
  }
  if (def.type === 'Endpoint') {
    const current = id === undefined ? undefined : await ctx.tx.current('Endpoint', id);
    const currentOwner = current?.resource ? ownerOf(current.resource as unknown as Json) : undefined;
    if (currentOwner !== undefined && currentOwner !== ctx.principal.userRef) {
      throw forbidden(`Endpoint/${id}: the published key of ${currentOwner} is changed by its owner only`);
    }
    if (body !== undefined && isKeyEndpoint(body)) await checkKeyEndpoint(body, ctx.principal.userRef);
  }
}

// ── Receipts ──

function receiptStatus(body: unknown): 'delivered' | 'read' {
  if (!isRecord(body) || body.resourceType !== 'Parameters')
    throw badRequest('Parameters.resourceType: $receipt expects a Parameters resource', 'Parameters.resourceType');
  const parameters = Array.isArray(body.parameter) ? body.parameter : [];
  if (parameters.length !== 1 || !isRecord(parameters[0]) || parameters[0].name !== 'status') {
    throw badRequest('Parameters.parameter: exactly one parameter, named "status"', 'Parameters.parameter', 'required');
  }
  const status = parameters[0].valueCode;
  if (status !== 'delivered' && status !== 'read') {
    throw badRequest(
      `Parameters.parameter[0].valueCode: ${JSON.stringify(status ?? null)} is not a receipt status (delivered, read)`,
      'Parameters.parameter[0].valueCode',
      'value',
    );
  }
  return status;
}

const COMMUNICATION = resourceTypeDef('Communication')!;

/**
 * `POST /fhir/Communication/<id>/$receipt`: an effective recipient moves their own delivery status
 * forwards (sent → delivered → read); a receipt that would not move it changes nothing. Anyone else
 * gets 403 whether or not the message exists, so the answer reveals nothing.
 */
export async function postReceipt(ctx: WriteContext, id: string, body: unknown): Promise<FhirResponse> {
  const status = receiptStatus(body);
  const caller = ctx.principal.userRef;
  const current = await ctx.tx.current('Communication', id);
  const entries = current?.resource ? deliveryEntries(current.resource) : [];
  const mine = entries.findIndex((e) => e.recipient === caller);
  if (!current?.resource || mine < 0) {
    throw forbidden(`Communication/${id}: only an effective recipient of the message may acknowledge it (${caller} is none)`);
  }
  if (DELIVERY_RANK[status] <= DELIVERY_RANK[entries[mine]!.status]) return versionResponse(200, current, ctx.baseUrl);
  // The caller's entry moves forwards in place; every other recipient's stays as it was.
  const extension = ((current.resource as fhir4.Communication).extension ?? []).map((ext) =>
    deliveryEntries({ resourceType: 'Communication', extension: [ext] } as fhir4.Resource)[0]?.recipient === caller
      ? deliveryExtension({ recipient: caller, status, at: ctx.now })
      : ext,
  );
  const next = { ...(current.resource as fhir4.Communication), extension };
  const versionId = current.versionId + 1;
  const resource = stamp(next, id, versionId, ctx.now);
  const stored = await appendValidated(ctx, COMMUNICATION, resource, versionId, current.createdBy, undefined);
  await auditWrite(ctx, COMMUNICATION, 'update', stored, resource);
  return versionResponse(200, stored, ctx.baseUrl);
}
