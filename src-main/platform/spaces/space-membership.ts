/**
 * Who belongs to a space (issue 13), and how that changes. A space is a Group its owner creates;
 * membership moves only through the space's operations, each by the one person it is theirs to do:
 * the owner invites (`$invite`) and removes (`$remove`), the invitee accepts or declines (`$accept`,
 * `$decline`), a member leaves (`$leave`). For anyone the space does not name as owner, active member
 * or invitee, it does not exist: 404, whatever they try.
 */
import type { Group } from 'fhir/r4';
import {
  isSpace,
  MAX_SPACE_MEMBERS,
  memberEntry,
  memberStatus,
  spaceMembers,
  spaceOwner,
  SPACE_MEMBER_STATUS_URL,
  type SpaceMemberStatus,
} from '../../../src-shared/domain/spaces';
import { badRequest, FhirError, forbidden, notFound, unprocessable } from '../fhir/fhir-error';
import { versionResponse, type FhirResponse } from '../fhir/fhir-response';
import type { WriteContext } from '../fhir/request-context';
import { resourceTypeDef } from '../fhir/resource-types';
import { appendValidated, auditWrite, stamp } from '../fhir/version-writer';
import type { Json, WriteIntent } from '../policy/resource-policy';
import type { StorageTx, StoredVersion } from '../storage/platform-storage';

const GROUP = resourceTypeDef('Group')!;

/** Whether the space shows itself to `caller`: its owner, an active member, or someone invited. */
export function seesSpace(group: Group, caller: string | undefined): boolean {
  if (!caller) return false;
  if (spaceOwner(group) === caller) return true;
  const status = memberStatus(group, caller);
  return status === 'active' || status === 'invited';
}

/** Whether `caller` sees the space's content now (owner or active member). */
export function readsSpaceContent(group: Group, caller: string | undefined): boolean {
  return caller !== undefined && (spaceOwner(group) === caller || memberStatus(group, caller) === 'active');
}

/** The current space, or a 404 that says nothing more to whoever it does not show itself to. */
export async function visibleSpace(tx: StorageTx, id: string, caller: string): Promise<StoredVersion & { resource: Group }> {
  const current = await tx.current('Group', id);
  const group = current?.resource as Group | null | undefined;
  if (!current || !group || !isSpace(group) || !seesSpace(group, caller)) throw notFound(`Group/${id}: not found`);
  return current as StoredVersion & { resource: Group };
}

const membersJson = (group: Json | undefined) => JSON.stringify((group as Group | undefined)?.member ?? []);

/** The checks of a space's own create / update / delete (everything but its membership, which moves by operation). */
export async function guardSpaceWrite(ctx: WriteContext, intent: WriteIntent): Promise<void> {
  const caller = ctx.principal.userRef;
  const before = intent.current?.resource as Group | undefined;
  // Whoever the space does not show itself to learns nothing, not even that the id is taken.
  if (before && isSpace(before) && !seesSpace(before, caller)) throw notFound(`Group/${intent.id}: not found`);
  if (!caller.startsWith('Practitioner/')) throw forbidden(`Group/${intent.id}: spaces are for professionals`);
  if (before && spaceOwner(before) !== caller) throw forbidden(`Group/${intent.id}: only the owner of the space changes it`);
  if (intent.action === 'delete')
    throw new FhirError(405, {
      code: 'not-supported',
      diagnostics: `Group/${intent.id}: a space is not deleted (its members keep what they were sent); its owner may remove every member`,
    });
  const body = intent.body as Group & Json;
  if (!isSpace(body))
    throw unprocessable(
      'Group.code: a Group on this platform is a collaborative space (code collaborative-space of https://esante.lu/fhir/CodeSystem/collaborative-space)',
      'Group.code',
    );
  if (body.type !== 'practitioner' || body.actual !== true)
    throw unprocessable('Group.type: a space is an actual group of practitioners (type practitioner, actual true)', 'Group.type');
  if (spaceOwner(body) !== caller)
    throw forbidden(`Group.managingEntity: a space is owned by whoever creates it (${caller}); ownership is not given away here`);
  if (before) {
    if (membersJson(body) !== membersJson(before as unknown as Json))
      throw unprocessable(
        `Group.member: membership changes through Group/${intent.id}/$invite, $remove, $accept, $decline and $leave, never by rewriting the list`,
        'Group.member',
      );
    return;
  }
  // A new space: its owner, active; anyone else named is only invited (they accept themselves).
  const members = spaceMembers(body);
  const own = (body.member ?? []).find((m) => m.entity?.reference === caller);
  if (!own || own.extension?.find((e) => e.url === SPACE_MEMBER_STATUS_URL)?.valueCode !== 'active')
    throw unprocessable('Group.member: the owner is the first active member of a new space', 'Group.member');
  if (members.length > MAX_SPACE_MEMBERS)
    throw unprocessable(`Group.member: at most ${MAX_SPACE_MEMBERS} people in a space`, 'Group.member', 'too-costly');
  if (new Set(members.map((m) => m.reference)).size !== members.length)
    throw unprocessable('Group.member: each person once', 'Group.member');
  for (const [i, member] of members.entries()) {
    if (member.reference !== caller && member.status !== 'invited')
      throw unprocessable(
        `Group.member[${i}]: ${member.reference} can only be invited (status invited); they accept the invitation themselves`,
        `Group.member[${i}]`,
      );
  }
  await requirePractitioners(
    ctx.tx,
    members.map((m) => m.reference),
  );
}

async function requirePractitioners(tx: StorageTx, references: string[]): Promise<void> {
  for (const reference of references) {
    const id = reference.startsWith('Practitioner/') ? reference.slice('Practitioner/'.length) : undefined;
    if (!id || (await tx.existing('Practitioner', [id])).size === 0)
      throw unprocessable(`Group.member: ${reference} is no professional of the directory`, 'Group.member.entity', 'not-found');
  }
}

function memberParameter(body: unknown): string {
  const parameters = (body as { resourceType?: unknown; parameter?: unknown } | null) ?? {};
  const list = Array.isArray(parameters.parameter) ? (parameters.parameter as Json[]) : [];
  const value = list.find((p) => p.name === 'member')?.valueReference as { reference?: unknown } | undefined;
  if (parameters.resourceType !== 'Parameters' || typeof value?.reference !== 'string')
    throw badRequest(
      'Parameters.parameter: one parameter "member" with valueReference Practitioner/<id>',
      'Parameters.parameter',
      'required',
    );
  return value.reference;
}

/** A new version of the space with `reference`'s status set (the same list order; a newcomer appended). */
async function setStatus(
  ctx: WriteContext,
  current: StoredVersion & { resource: Group },
  reference: string,
  status: SpaceMemberStatus,
): Promise<FhirResponse> {
  const group = current.resource;
  const members = group.member ?? [];
  const index = members.findIndex((m) => m.entity?.reference === reference);
  const since = status === 'active' || status === 'invited' ? ctx.now : (members[index]?.period?.start ?? ctx.now);
  const entry = memberEntry(reference, status, since);
  const next: Group = { ...group, member: index < 0 ? [...members, entry] : members.map((m, i) => (i === index ? entry : m)) };
  const versionId = current.versionId + 1;
  const resource = stamp(next, current.id, versionId, ctx.now);
  const stored = await appendValidated(ctx, GROUP, resource, versionId, current.createdBy, undefined);
  await auditWrite(ctx, GROUP, 'update', stored, resource);
  return versionResponse(200, stored, ctx.baseUrl);
}

type MembershipOperation = 'invite' | 'remove' | 'accept' | 'decline' | 'leave';

/** `POST /fhir/Group/<id>/$<operation>`: one membership move, by the one person it belongs to. */
export async function changeMembership(
  ctx: WriteContext,
  id: string,
  operation: MembershipOperation,
  body: unknown,
): Promise<FhirResponse> {
  const caller = ctx.principal.userRef;
  const current = await visibleSpace(ctx.tx, id, caller);
  const group = current.resource;
  const owner = spaceOwner(group);
  const mine = memberStatus(group, caller);
  const unchanged = () => versionResponse(200, current, ctx.baseUrl);
  switch (operation) {
    case 'invite':
    case 'remove': {
      if (owner !== caller) throw forbidden(`Group/${id}/$${operation}: only the owner of the space changes its membership`);
      const target = memberParameter(body);
      if (target === owner)
        throw unprocessable(`Parameters.parameter: the owner is always a member of the space`, 'Parameters.parameter');
      const status = memberStatus(group, target);
      if (operation === 'invite') {
        if (status === 'active' || status === 'invited') return unchanged();
        if (spaceMembers(group).filter((m) => m.status === 'active' || m.status === 'invited').length >= MAX_SPACE_MEMBERS)
          throw unprocessable(`Group.member: at most ${MAX_SPACE_MEMBERS} people in a space`, 'Group.member', 'too-costly');
        await requirePractitioners(ctx.tx, [target]);
        return setStatus(ctx, current, target, 'invited');
      }
      if (status !== 'active' && status !== 'invited') return unchanged();
      return setStatus(ctx, current, target, 'removed');
    }
    case 'accept':
    case 'decline':
      if (mine === 'active' && operation === 'accept') return unchanged();
      if (mine !== 'invited')
        throw unprocessable(`Group/${id}/$${operation}: there is no invitation for ${caller}`, 'Group.member');
      return setStatus(ctx, current, caller, operation === 'accept' ? 'active' : 'left');
    case 'leave':
      if (owner === caller)
        throw unprocessable(
          `Group/${id}/$leave: the owner does not leave the space (remove its members instead)`,
          'Group.managingEntity',
        );
      return setStatus(ctx, current, caller, 'left');
  }
}

export const MEMBERSHIP_OPERATIONS: readonly MembershipOperation[] = ['invite', 'remove', 'accept', 'decline', 'leave'];
