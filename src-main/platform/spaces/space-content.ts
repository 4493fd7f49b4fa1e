/**
 * What is said and shared in a space (issue 13): thread headers, posts and files, each a Communication
 * sent to the space with its OpenPGP ciphertext, a file's bytes in a tagged Binary. All of it is
 * written by `POST /fhir/Group/<id>/$post` (one Bundle of type collection: the Communication, and for a
 * file its Binary), checked as a whole, by an active member only. The audience the client encrypted to
 * (its author and the active members with a published key) is checked against the space's active
 * members at that moment and frozen in the Communication: it is who may read it, ever (and only while
 * they are still active members).
 */
import type { Communication, Group } from 'fhir/r4';
import { PGP_CONTENT_TYPE } from '../../../src-shared/domain/messaging';
import {
  activeMembers,
  audienceOfContent,
  contentKindOf,
  isSpaceFileData,
  MAX_SPACE_FILE_BYTES,
  replacedFileOf,
  spaceOfContent,
  threadOf,
  SPACE_AUDIENCE_URL,
  SPACE_FILE_REPLACES_URL,
  SPACE_FILE_TAG,
} from '../../../src-shared/domain/spaces';
import { badRequest, FhirError, forbidden, unprocessable } from '../fhir/fhir-error';
import { versionResponse, type FhirResponse } from '../fhir/fhir-response';
import type { WriteContext } from '../fhir/request-context';
import { resourceTypeDef } from '../fhir/resource-types';
import type { ReferenceEntry } from '../fhir/search-index';
import { ID_PATTERN } from '../fhir/validation';
import { appendValidated, auditWrite, stamp } from '../fhir/version-writer';
import { AUDIENCE_PARAM } from '../messaging/message-audience';
import type { Json } from '../policy/resource-policy';
import type { StorageTx, StoredVersion } from '../storage/platform-storage';
import { readsSpaceContent, visibleSpace } from './space-membership';

/** The domain's name: the post being written is kept under it in WriteContext.plans (its Binary's audience). */
export const SPACES = 'spaces';
export interface PostPlan {
  communicationId: string;
  audience: string[];
}

const COMMUNICATION = resourceTypeDef('Communication')!;
const BINARY = resourceTypeDef('Binary')!;
/** A text post's ciphertext (inline): a page of text, never a file. */
const MAX_TEXT_CIPHERTEXT = 256 * 1024;
const PGP_OVERHEAD = 64 * 1024;
const COMMUNICATION_ELEMENTS = new Set([
  'resourceType',
  'id',
  'meta',
  'extension',
  'status',
  'category',
  'partOf',
  'sender',
  'recipient',
  'sent',
  'payload',
]);

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function decodedLength(base64: string): number {
  return (base64.length / 4) * 3 - (base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0);
}

/** Base64 of a binary OpenPGP message: returns its size. */
function checkCiphertext(data: unknown, where: string, limit: number): number {
  if (typeof data !== 'string' || data.length === 0)
    throw unprocessable(`${where}: required (the OpenPGP message, base64)`, where, 'required');
  if (data.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(data))
    throw badRequest(`${where}: not valid base64`, where, 'value');
  const size = decodedLength(data);
  if (size > limit)
    throw new FhirError(413, {
      code: 'too-costly',
      diagnostics: `${where}: ${size} bytes, more than the ${limit} accepted`,
      expression: where,
    });
  // Every OpenPGP packet header has bit 7 set (RFC 4880 §4.2); plaintext has not: the platform stores ciphertext only.
  if (((Buffer.from(data.slice(0, 4), 'base64')[0] ?? 0) & 0x80) === 0)
    throw badRequest(`${where}: not an OpenPGP message (the platform stores ciphertext only)`, where, 'security');
  return size;
}

/** An existing piece of content of this space, of this kind. */
async function contentOfSpace(tx: StorageTx, id: string, spaceId: string, kind: 'thread' | 'file'): Promise<boolean> {
  const stored = await tx.current('Communication', id);
  const found = stored?.resource as Communication | null | undefined;
  return !!found && contentKindOf(found) === kind && spaceOfContent(found) === spaceId;
}

/**
 * `POST /fhir/Group/<id>/$post`: a thread header, a post or a file version, by an active member,
 * encrypted to active members only (409 when one of them is no longer a member: the client's view of
 * the space is stale and it must encrypt again, to the people who are members now).
 */
export async function postToSpace(ctx: WriteContext, spaceId: string, body: unknown): Promise<FhirResponse> {
  const caller = ctx.principal.userRef;
  const space = await visibleSpace(ctx.tx, spaceId, caller);
  if (!readsSpaceContent(space.resource, caller))
    throw forbidden(`Group/${spaceId}/$post: accept the invitation before posting in this space`);
  if (!isRecord(body) || body.resourceType !== 'Bundle' || body.type !== 'collection' || !Array.isArray(body.entry))
    throw badRequest('Bundle: $post takes a Bundle of type collection (the Communication, and a file’s Binary)', 'Bundle.type');
  const resources = (body.entry as unknown[]).map((e) => (isRecord(e) ? e.resource : undefined));
  const communications = resources.filter((r): r is Json => isRecord(r) && r.resourceType === 'Communication');
  const binaries = resources.filter((r): r is Json => isRecord(r) && r.resourceType === 'Binary');
  if (communications.length !== 1 || binaries.length + 1 !== resources.length || binaries.length > 1)
    throw badRequest('Bundle.entry: exactly one Communication, and one Binary for a file', 'Bundle.entry');
  const post = communications[0]! as Json & Communication;
  for (const key of Object.keys(post))
    if (!COMMUNICATION_ELEMENTS.has(key))
      throw unprocessable(`Communication.${key}: not allowed in a space post (its content is encrypted)`, `Communication.${key}`);
  const id = post.id;
  if (typeof id !== 'string' || !ID_PATTERN.test(id))
    throw badRequest('Communication.id: a client-chosen id is required', 'Communication.id');
  if (await ctx.tx.current('Communication', id))
    throw new FhirError(409, { code: 'conflict', diagnostics: `Communication/${id}: already exists — a post is written once` });
  const kind = contentKindOf(post);
  if (!kind)
    throw unprocessable(
      'Communication.category: thread, post or file (https://esante.lu/fhir/CodeSystem/space-content)',
      'Communication.category',
    );
  if (post.sender?.reference !== caller)
    throw forbidden(`Communication.sender: must be the caller (${caller}); one posts in one's own name only`);
  if (spaceOfContent(post) !== spaceId || post.recipient?.length !== 1)
    throw unprocessable(`Communication.recipient: exactly Group/${spaceId}, the space posted to`, 'Communication.recipient');
  if (post.status !== 'completed') throw unprocessable('Communication.status: completed', 'Communication.status');
  const thread = threadOf(post);
  if (kind === 'post' && (!thread || !(await contentOfSpace(ctx.tx, thread, spaceId, 'thread'))))
    throw unprocessable(
      'Communication.partOf: a post is part of a thread of this space (Communication/<thread id>)',
      'Communication.partOf',
    );
  if (kind !== 'post' && post.partOf !== undefined)
    throw unprocessable(`Communication.partOf: a ${kind} starts on its own`, 'Communication.partOf');
  const replaced = replacedFileOf(post);
  if (replaced !== undefined && (kind !== 'file' || !(await contentOfSpace(ctx.tx, replaced, spaceId, 'file'))))
    throw unprocessable('Communication.extension: a new version replaces a file of this space', 'Communication.extension');
  const unknownExtension = (post.extension ?? []).find((e) => e.url !== SPACE_AUDIENCE_URL && e.url !== SPACE_FILE_REPLACES_URL);
  if (unknownExtension)
    throw unprocessable(`Communication.extension: ${unknownExtension.url} is not a space extension`, 'Communication.extension');

  // Whom it was encrypted to: the author and active members only (a member without a published key yet
  // cannot be among them), frozen with it. Someone no longer active means the client's view is stale.
  const audience = audienceOfContent(post);
  const members = activeMembers(space.resource as Group);
  if (!audience.includes(caller) || new Set(audience).size !== audience.length)
    throw unprocessable(
      'Communication.extension: the audience names its author, and each reader once',
      'Communication.extension',
    );
  const gone = audience.filter((reference) => !members.includes(reference));
  if (gone.length > 0)
    throw new FhirError(409, {
      code: 'conflict',
      diagnostics: `Communication.extension: encrypted for ${gone.length} people who are no longer active members of the space — encrypt again for the current members`,
      expression: 'Communication.extension',
    });

  const payload = post.payload ?? [];
  checkCiphertext(payload[0]?.contentAttachment?.data, 'Communication.payload[0].contentAttachment.data', MAX_TEXT_CIPHERTEXT);
  if (payload[0]?.contentAttachment?.contentType !== PGP_CONTENT_TYPE)
    throw unprocessable(
      `Communication.payload[0].contentAttachment.contentType: ${PGP_CONTENT_TYPE}`,
      'Communication.payload[0]',
    );
  const plan: PostPlan = { communicationId: id, audience };
  ctx.plans.set(SPACES, plan);
  if (kind === 'file') {
    const binary = binaries[0];
    const url = payload[1]?.contentAttachment?.url;
    if (!binary || payload.length !== 2 || url !== `Binary/${String(binary.id)}`)
      throw unprocessable(
        'Communication.payload[1]: a file names its encrypted bytes, the Binary of this Bundle',
        'Communication.payload[1]',
      );
    if (typeof binary.id !== 'string' || !ID_PATTERN.test(binary.id) || (await ctx.tx.current('Binary', binary.id)))
      throw unprocessable('Binary.id: a new id for the file’s bytes', 'Binary.id');
    if (binary.contentType !== PGP_CONTENT_TYPE || !isSpaceFileData(binary as never))
      throw unprocessable(
        `Binary: a space file's bytes are ${PGP_CONTENT_TYPE}, tagged ${SPACE_FILE_TAG.code}`,
        'Binary.meta.tag',
      );
    if ((binary.securityContext as { reference?: unknown } | undefined)?.reference !== `Communication/${id}`)
      throw unprocessable(`Binary.securityContext: Communication/${id}`, 'Binary.securityContext');
    const size = checkCiphertext(binary.data, 'Binary.data', MAX_SPACE_FILE_BYTES + PGP_OVERHEAD);
    if (payload[1]?.contentAttachment?.size !== size)
      throw unprocessable(
        `Communication.payload[1].contentAttachment.size: the Binary holds ${size} bytes`,
        'Communication.payload[1]',
      );
    const resource = stamp(binary as never, binary.id, 1, ctx.now);
    const stored = await appendValidated(ctx, BINARY, resource, 1, caller, undefined);
    await auditWrite(ctx, BINARY, 'create', stored, resource);
  } else if (binaries.length > 0 || payload.length !== 1) {
    throw unprocessable(`Communication.payload: a ${kind} holds its ciphertext only`, 'Communication.payload');
  }
  const resource = stamp(post as never, id, 1, ctx.now);
  const stored = await appendValidated(ctx, COMMUNICATION, resource, 1, caller, undefined);
  await auditWrite(ctx, COMMUNICATION, 'create', stored, resource);
  return versionResponse(201, stored, ctx.baseUrl);
}

// ── Who reads it ──

const NEVER_WRITTEN_HERE = (spaceHint: string) =>
  new FhirError(
    405,
    {
      code: 'not-supported',
      diagnostics: `${spaceHint}: space content is posted once with POST Group/<space>/$post, and never changed`,
    },
    { Allow: 'GET' },
  );

/** The space content a stored version is (the Communication itself, or the file a Binary holds the bytes of). */
export async function contentOf(tx: StorageTx, stored: StoredVersion): Promise<Communication | undefined> {
  if (stored.type === 'Communication') return (stored.resource as Communication | null) ?? undefined;
  const ref = (stored.resource as { securityContext?: { reference?: string } } | null)?.securityContext?.reference;
  if (!ref?.startsWith('Communication/')) return undefined;
  return ((await tx.current('Communication', ref.slice('Communication/'.length)))?.resource as Communication | null) ?? undefined;
}

/** Readable by who it was encrypted to, while they are still active members of the space. */
export async function readsContent(
  tx: StorageTx,
  memo: <T>(key: string, make: () => T) => T,
  caller: string | undefined,
  content: Communication | undefined,
): Promise<boolean> {
  const spaceId = content ? spaceOfContent(content) : undefined;
  if (!caller || !content || !spaceId || !audienceOfContent(content).includes(caller)) return false;
  const space = await memo(`space:${spaceId}`, () => tx.current('Group', spaceId));
  return !!space?.resource && readsSpaceContent(space.resource as Group, caller);
}

export async function refuseDirectWrite(ctx: WriteContext, stored: StoredVersion | undefined, what: string): Promise<never> {
  // Whoever may not read it learns nothing of it.
  if (
    stored?.resource &&
    !(await readsContent(ctx.tx, (_k, make) => make(), ctx.principal.userRef, await contentOf(ctx.tx, stored)))
  )
    throw new FhirError(404, { code: 'not-found', diagnostics: `${what}: not found` });
  throw NEVER_WRITTEN_HERE(what);
}

/** Index rows naming who may see this version: the frozen audience (messaging's `_audience`, so `$changes` carries it to them). */
export function contentAudienceIndex(resource: fhir4.FhirResource, plans: ReadonlyMap<string, unknown>): ReferenceEntry[] {
  if (resource.resourceType === 'Communication')
    return audienceOfContent(resource).map((target) => ({ param: AUDIENCE_PARAM, target }));
  const plan = plans.get(SPACES) as PostPlan | undefined;
  const ref = (resource as { securityContext?: { reference?: string } }).securityContext?.reference;
  if (!plan || ref !== `Communication/${plan.communicationId}`)
    throw new Error(`Binary/${resource.id}: space file written outside its post`);
  return plan.audience.map((target) => ({ param: AUDIENCE_PARAM, target }));
}
