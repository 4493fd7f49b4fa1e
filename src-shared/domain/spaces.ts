/**
 * Wire vocabulary of the collaborative spaces (issue 13), shared by the platform and the client core.
 *
 * A space is a `Group` (type practitioner, `code` SPACE_CODE) owned by `managingEntity`. Every person
 * it ever concerned stays in `member[]` with a status (SPACE_MEMBER_STATUS_URL): invited, active, left,
 * removed; only an active member (and the owner, always active) sees its content.
 *
 * Content is a `Communication` after Medplum's thread model: a thread header (`category` thread) and
 * posts `partOf` it; a shared file is a Communication too (`category` file; a new version names the
 * one it replaces). Each is sent to the space (`recipient` Group/<id>) and carries its audience, frozen
 * when it was sent (SPACE_AUDIENCE_URL, one per active member then): the OpenPGP ciphertext inside
 * (`payload[0].contentAttachment.data`; a file's bytes in a Binary tagged SPACE_FILE_TAG) is
 * encrypted to exactly those people. Someone who joins later cannot read it, and does not receive it.
 */
import type { Communication, Group } from 'fhir/r4';

export const SPACE_CODE_SYSTEM = 'https://esante.lu/fhir/CodeSystem/collaborative-space';
export const SPACE_CODE = 'collaborative-space';
export const SPACE_MEMBER_STATUS_URL = 'https://esante.lu/fhir/StructureDefinition/space-member-status';
export const SPACE_CONTENT_SYSTEM = 'https://esante.lu/fhir/CodeSystem/space-content';
export const SPACE_AUDIENCE_URL = 'https://esante.lu/fhir/StructureDefinition/space-audience';
export const SPACE_FILE_REPLACES_URL = 'https://esante.lu/fhir/StructureDefinition/space-file-replaces';
/** Binary.meta.tag of a space file's encrypted bytes. */
export const SPACE_FILE_TAG = { system: SPACE_CONTENT_SYSTEM, code: 'file-data' } as const;

export const SPACE_MEMBER_STATUSES = ['invited', 'active', 'left', 'removed'] as const;
export type SpaceMemberStatus = (typeof SPACE_MEMBER_STATUSES)[number];
export const SPACE_CONTENT_KINDS = ['thread', 'post', 'file'] as const;
export type SpaceContentKind = (typeof SPACE_CONTENT_KINDS)[number];

/** The most members a space may have (a network, not a mailing list). */
export const MAX_SPACE_MEMBERS = 200;
/** The largest file shared in a space (before encryption): it travels in one request under the platform's 8 MiB body limit. */
export const MAX_SPACE_FILE_BYTES = 5 * 1024 * 1024;

export interface SpaceMember {
  reference: string;
  status: SpaceMemberStatus;
  since: string | null;
}

export function isSpace(group: Pick<Group, 'code'> | undefined): boolean {
  return group?.code?.coding?.some((c) => c.system === SPACE_CODE_SYSTEM && c.code === SPACE_CODE) === true;
}

export const spaceOwner = (group: Group): string | undefined => group.managingEntity?.reference;

/** Everyone the space names, with their status (the owner is active whatever the entry says). */
export function spaceMembers(group: Group): SpaceMember[] {
  const owner = spaceOwner(group);
  return (group.member ?? []).flatMap((m) => {
    const reference = m.entity?.reference;
    if (!reference) return [];
    const code = m.extension?.find((e) => e.url === SPACE_MEMBER_STATUS_URL)?.valueCode as SpaceMemberStatus | undefined;
    const status: SpaceMemberStatus =
      reference === owner ? 'active' : code && SPACE_MEMBER_STATUSES.includes(code) ? code : m.inactive ? 'left' : 'active';
    return [{ reference, status, since: m.period?.start ?? null }];
  });
}

export function memberStatus(group: Group, reference: string): SpaceMemberStatus | undefined {
  return spaceMembers(group).find((m) => m.reference === reference)?.status;
}

/** Who sees the space's content now. */
export function activeMembers(group: Group): string[] {
  return spaceMembers(group)
    .filter((m) => m.status === 'active')
    .map((m) => m.reference);
}

/** One member entry as stored. */
export function memberEntry(reference: string, status: SpaceMemberStatus, since: string): NonNullable<Group['member']>[number] {
  return {
    entity: { reference },
    period: { start: since },
    ...(status === 'left' || status === 'removed' ? { inactive: true } : {}),
    extension: [{ url: SPACE_MEMBER_STATUS_URL, valueCode: status }],
  };
}

export function contentKindOf(communication: Pick<Communication, 'category'>): SpaceContentKind | undefined {
  for (const category of communication.category ?? [])
    for (const coding of category.coding ?? [])
      if (coding.system === SPACE_CONTENT_SYSTEM && (SPACE_CONTENT_KINDS as readonly string[]).includes(coding.code ?? ''))
        return coding.code as SpaceContentKind;
  return undefined;
}

/** The space a piece of content was sent to ("id"), from its recipient. */
export function spaceOfContent(communication: Pick<Communication, 'recipient'>): string | undefined {
  const ref = communication.recipient?.[0]?.reference;
  return ref?.startsWith('Group/') ? ref.slice('Group/'.length) : undefined;
}

/** Who the content was encrypted to, frozen when it was sent. */
export function audienceOfContent(communication: Pick<Communication, 'extension'>): string[] {
  return (communication.extension ?? [])
    .filter((e) => e.url === SPACE_AUDIENCE_URL)
    .flatMap((e) => (e.valueReference?.reference ? [e.valueReference.reference] : []));
}

/** The thread header a post belongs to ("id"). */
export function threadOf(communication: Pick<Communication, 'partOf'>): string | undefined {
  const ref = communication.partOf?.[0]?.reference;
  return ref?.startsWith('Communication/') ? ref.slice('Communication/'.length) : undefined;
}

/** The earlier version of a shared file ("id"). */
export function replacedFileOf(communication: Pick<Communication, 'extension'>): string | undefined {
  const ref = communication.extension?.find((e) => e.url === SPACE_FILE_REPLACES_URL)?.valueReference?.reference;
  return ref?.startsWith('Communication/') ? ref.slice('Communication/'.length) : undefined;
}

export function isSpaceFileData(binary: { meta?: { tag?: Array<{ system?: string; code?: string }> } }): boolean {
  return binary.meta?.tag?.some((t) => t.system === SPACE_FILE_TAG.system && t.code === SPACE_FILE_TAG.code) === true;
}

/** What a space post or file holds once decrypted (JSON, UTF-8), signed by its author. */
export interface SealedSpaceContent {
  v: 1;
  /** The Communication it belongs to: a ciphertext cannot be replayed under another. */
  contentId: string;
  space: string;
  kind: SpaceContentKind;
  /** Thread title (thread), text (thread, post), file description (file). */
  text: string;
  title?: string;
  mentions?: string[];
  file?: { name: string; contentType: string; size: number; sha256: string };
}
