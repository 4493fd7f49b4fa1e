/**
 * A space and its content on the wire (src-main/platform/spaces/SPACES.md): the Group the owner creates,
 * and the `$post` Bundle of a thread header, a post or a file version — a Communication carrying its
 * sealed, signed OpenPGP ciphertext and the audience it was encrypted to (and, for a file, its
 * encrypted bytes as a tagged Binary). The platform sees who posted where and when, never what.
 */
import { randomUUID } from 'node:crypto';
import type { Binary, Bundle, Communication, Group } from 'fhir/r4';
import { PGP_CONTENT_TYPE } from '../../../src-shared/domain/messaging';
import {
  memberEntry,
  SPACE_AUDIENCE_URL,
  SPACE_CODE,
  SPACE_CODE_SYSTEM,
  SPACE_CONTENT_SYSTEM,
  SPACE_FILE_REPLACES_URL,
  SPACE_FILE_TAG,
  type SealedSpaceContent,
  type SpaceContentKind,
} from '../../../src-shared/domain/spaces';
import { base64Of } from '../messaging/message-wire';

export function newSpaceGroup(input: {
  id?: string;
  name: string;
  description?: string;
  owner: string;
  invite: string[];
  now: string;
}): Group & {
  id: string;
} {
  return {
    resourceType: 'Group',
    id: input.id ?? randomUUID(),
    type: 'practitioner',
    actual: true,
    code: { coding: [{ system: SPACE_CODE_SYSTEM, code: SPACE_CODE }] },
    name: input.name,
    ...(input.description
      ? { text: { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml">${escapeXml(input.description)}</div>` } }
      : {}),
    managingEntity: { reference: input.owner },
    member: [
      memberEntry(input.owner, 'active', input.now),
      ...input.invite.filter((r) => r !== input.owner).map((r) => memberEntry(r, 'invited', input.now)),
    ],
  };
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The description a space's owner wrote (kept as the Group's narrative text). */
export function descriptionOf(group: Group): string | null {
  const div = group.text?.div;
  if (!div) return null;
  return div
    .replace(/<[^>]*>/g, '')
    .replace(/&#(\d+);/g, (_m, code: string) => String.fromCharCode(Number(code)))
    .trim();
}

export function sealSpaceContent(content: Omit<SealedSpaceContent, 'v'>): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ v: 1, ...content } satisfies SealedSpaceContent));
}

/** The sealed JSON, or null when it is not ours (another client's plain text, a malformed body). */
export function unsealSpaceContent(data: Uint8Array): SealedSpaceContent | null {
  try {
    const parsed = JSON.parse(new TextDecoder().decode(data)) as Partial<SealedSpaceContent>;
    if (
      parsed.v !== 1 ||
      typeof parsed.contentId !== 'string' ||
      typeof parsed.space !== 'string' ||
      typeof parsed.text !== 'string'
    )
      return null;
    if (!['thread', 'post', 'file'].includes(parsed.kind as string)) return null;
    if (parsed.mentions !== undefined && (!Array.isArray(parsed.mentions) || parsed.mentions.some((m) => typeof m !== 'string')))
      return null;
    return parsed as SealedSpaceContent;
  } catch {
    return null;
  }
}

export interface SpacePostParts {
  id: string;
  spaceId: string;
  kind: SpaceContentKind;
  sender: string;
  audience: string[];
  sentAt: string;
  /** The sealed content, encrypted to the audience and signed. */
  sealed: Uint8Array;
  thread?: string;
  replaces?: string;
  /** A file's encrypted bytes. */
  fileBytes?: Uint8Array;
}

/** The `$post` body: the Communication, and a file's Binary. */
export function spacePostBundle(parts: SpacePostParts): Bundle {
  const binaryId = `${parts.id}-data`;
  const communication: Communication = {
    resourceType: 'Communication',
    id: parts.id,
    status: 'completed',
    category: [{ coding: [{ system: SPACE_CONTENT_SYSTEM, code: parts.kind }] }],
    ...(parts.thread ? { partOf: [{ reference: `Communication/${parts.thread}` }] } : {}),
    sender: { reference: parts.sender },
    recipient: [{ reference: `Group/${parts.spaceId}` }],
    sent: parts.sentAt,
    extension: [
      ...parts.audience.map((reference) => ({ url: SPACE_AUDIENCE_URL, valueReference: { reference } })),
      ...(parts.replaces
        ? [{ url: SPACE_FILE_REPLACES_URL, valueReference: { reference: `Communication/${parts.replaces}` } }]
        : []),
    ],
    payload: [
      { contentAttachment: { contentType: PGP_CONTENT_TYPE, data: base64Of(parts.sealed) } },
      ...(parts.fileBytes
        ? [{ contentAttachment: { contentType: PGP_CONTENT_TYPE, url: `Binary/${binaryId}`, size: parts.fileBytes.length } }]
        : []),
    ],
  };
  const binary: Binary | undefined = parts.fileBytes && {
    resourceType: 'Binary',
    id: binaryId,
    meta: { tag: [{ ...SPACE_FILE_TAG }] },
    contentType: PGP_CONTENT_TYPE,
    securityContext: { reference: `Communication/${parts.id}` },
    data: base64Of(parts.fileBytes),
  };
  return {
    resourceType: 'Bundle',
    type: 'collection',
    entry: [{ resource: communication }, ...(binary ? [{ resource: binary }] : [])],
  };
}
