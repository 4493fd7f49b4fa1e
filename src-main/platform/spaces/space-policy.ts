/**
 * The collaborative space's registration (issue 13): a space is a Group of professionals with an owner
 * (Group.managingEntity). Its owner, active members and invitees see it; for anyone else it does not
 * exist (404, no hint). Its content (threads, posts, files) is read by the audience it was encrypted
 * to while they remain active members; a member removed (or who left) loses the space at their next
 * pull (a revocation), and their client purges what it held of it.
 */
import type { Group } from 'fhir/r4';
import { contentKindOf, isSpace, isSpaceFileData } from '../../../src-shared/domain/spaces';
import { badRequest } from '../fhir/fhir-error';
import { resourceTypeDef } from '../fhir/resource-types';
import { parseSearch } from '../fhir/search-query';
import type { PolicyRegistry } from '../policy/policy-registry';
import type {
  AuditNote,
  OperationDefinition,
  PolicyScope,
  ResourcePolicy,
  Revocation,
  TypeVerdict,
} from '../policy/resource-policy';
import type { StoredVersion } from '../storage/platform-storage';
import { contentAudienceIndex, contentOf, postToSpace, readsContent, refuseDirectWrite, SPACES } from './space-content';
import { changeMembership, guardSpaceWrite, MEMBERSHIP_OPERATIONS, seesSpace } from './space-membership';

const NEED_LOGIN: TypeVerdict = { allowed: false, status: 401, reason: 'authentication required' };
const SPACE_AUDIT: AuditNote = { patients: [], rule: 'space: its owner, members and invitees only' };
const CONTENT_AUDIT: AuditNote = { patients: [], rule: 'space content: its audience, while active members' };
const loggedIn = (scope: PolicyScope): TypeVerdict => (scope.principal ? { allowed: true } : NEED_LOGIN);

const spacePolicy: ResourcePolicy = {
  name: 'space',
  typeGate: loggedIn,
  read: async (scope, stored) => {
    if (!scope.principal) return { ...NEED_LOGIN, audit: SPACE_AUDIT } as never;
    const group = stored.resource as Group;
    return isSpace(group) && seesSpace(group, scope.principal.userRef)
      ? { allowed: true, audit: SPACE_AUDIT }
      : { allowed: false, status: 404, reason: 'not found', audit: SPACE_AUDIT };
  },
  write: (ctx, intent) => guardSpaceWrite(ctx, intent),
};

async function contentVerdict(scope: PolicyScope, stored: StoredVersion) {
  if (!scope.principal) return { ...NEED_LOGIN, audit: CONTENT_AUDIT } as never;
  return (await readsContent(scope.tx, scope.memo.bind(scope), scope.principal.userRef, await contentOf(scope.tx, stored)))
    ? ({ allowed: true, audit: CONTENT_AUDIT } as const)
    : ({ allowed: false, status: 404, reason: 'not found', audit: CONTENT_AUDIT } as const);
}

const spaceContentPolicy: ResourcePolicy = {
  name: 'space-content',
  claims: (resource) => contentKindOf(resource as never) !== undefined,
  typeGate: loggedIn,
  read: contentVerdict,
  write: (ctx, intent) => refuseDirectWrite(ctx, intent.current, `Communication/${intent.id}`),
  indexEntries: (_def, resource, plans) => contentAudienceIndex(resource, plans),
};

const spaceFilePolicy: ResourcePolicy = {
  name: 'space-file',
  claims: (resource) => isSpaceFileData(resource as never),
  typeGate: loggedIn,
  read: contentVerdict,
  write: (ctx, intent) => refuseDirectWrite(ctx, intent.current, `Binary/${intent.id}`),
  indexEntries: (_def, resource, plans) => contentAudienceIndex(resource, plans),
};

const GROUP = resourceTypeDef('Group')!;

/** Every space naming `caller` (in any status), current versions. */
async function spacesNaming(scope: PolicyScope): Promise<StoredVersion[]> {
  const caller = scope.principal!.userRef;
  return scope.memo(`spaces-naming:${caller}`, async () => {
    const request = parseSearch(GROUP, new URLSearchParams({ member: caller, _count: '1000' }));
    const page = await scope.tx.search(request, await scope.tx.currentSequence());
    return page.rows.filter((row) => row.resource && isSpace(row.resource as Group));
  });
}

/** The version of a space current at commit `seq` (undefined before it existed). */
function versionAt(history: StoredVersion[], seq: number): StoredVersion | undefined {
  return history.find((v) => v.seq <= seq);
}

/** Spaces the caller lost sight of in (after, upTo]: the version that took it away. */
async function lostSpaces(scope: PolicyScope, after: number, upTo: number): Promise<Revocation[]> {
  const caller = scope.principal!.userRef;
  const revocations: Revocation[] = [];
  for (const space of await spacesNaming(scope)) {
    if (space.seq <= after) continue;
    const history = await scope.tx.history('Group', space.id, 1000);
    const before = versionAt(history, after);
    const now = versionAt(history, upTo);
    const saw = (v: StoredVersion | undefined) => !!v?.resource && seesSpace(v.resource as Group, caller);
    if (!saw(before) || saw(now)) continue;
    // The oldest version after the cursor that no longer shows it: when it was lost.
    const lostAt = [...history].reverse().find((v) => v.seq > after && v.seq <= upTo && !saw(v));
    revocations.push({ seq: lostAt?.seq ?? space.seq, type: 'Group', id: space.id, kind: 'revoke' });
  }
  return revocations;
}

function membershipOperation(name: (typeof MEMBERSHIP_OPERATIONS)[number]): OperationDefinition {
  return {
    name,
    resourceType: 'Group',
    level: 'instance',
    method: 'POST',
    writes: true,
    parameters: [],
    run: (call) => {
      if (!call.write) throw badRequest(`$${name}: a write`);
      return changeMembership(call.write, call.id!, name, call.body);
    },
  };
}

export function registerSpaces(registry: PolicyRegistry): void {
  registry.register(['Group'], spacePolicy);
  registry.register(['Communication'], spaceContentPolicy);
  registry.register(['Binary'], spaceFilePolicy);
  registry.domain({
    name: SPACES,
    // The spaces that show themselves to the user (their content reaches them by its audience, messaging's share).
    changeScope: async (scope) => ({
      resources: (await spacesNaming(scope))
        .filter((s) => seesSpace(s.resource as Group, scope.principal!.userRef))
        .map((s) => `Group/${s.id}`),
    }),
    revocations: lostSpaces,
    operations: [
      ...MEMBERSHIP_OPERATIONS.map(membershipOperation),
      {
        name: 'post',
        resourceType: 'Group',
        level: 'instance',
        method: 'POST',
        writes: true,
        parameters: [],
        run: (call) => {
          if (!call.write) throw badRequest('$post: a write');
          return postToSpace(call.write, call.id!, call.body);
        },
      },
    ],
  });
}
