/**
 * The collaborative space's registration: a space is a Group of professionals with an owner
 * (Group.managingEntity). Its members and its owner see it; for anyone else it does not exist (404, no
 * hint). A professional creates a space they own; only the owner changes its membership.
 */
import { forbidden } from '../fhir/fhir-error';
import type { PolicyRegistry } from '../policy/policy-registry';
import type { Json, ResourcePolicy } from '../policy/resource-policy';

const refOf = (value: unknown): string | undefined => {
  const ref = (value as { reference?: unknown } | undefined)?.reference;
  return typeof ref === 'string' ? ref : undefined;
};

export const ownerOf = (group: Json): string | undefined => refOf(group.managingEntity);

export function membersOf(group: Json): string[] {
  const members = Array.isArray(group.member) ? (group.member as Json[]) : [];
  return members.filter((m) => m.inactive !== true).flatMap((m) => (refOf(m.entity) ? [refOf(m.entity)!] : []));
}

const spacePolicy: ResourcePolicy = {
  name: 'space',
  typeGate: (scope) => (scope.principal ? { allowed: true } : { allowed: false, status: 401, reason: 'authentication required' }),
  read: async (scope, stored) => {
    const group = stored.resource as unknown as Json;
    const caller = scope.principal?.userRef;
    const audit = { patients: [], rule: 'space: its owner and members only' };
    if (caller && (ownerOf(group) === caller || membersOf(group).includes(caller))) return { allowed: true, audit };
    return { allowed: false, status: 404, reason: 'not found', audit };
  },
  write: async (ctx, intent) => {
    const caller = ctx.principal.userRef;
    if (!caller.startsWith('Practitioner/')) throw forbidden(`Group/${intent.id}: spaces are for professionals`);
    const before = intent.current?.resource as unknown as Json | undefined;
    if (before && ownerOf(before) !== caller) throw forbidden(`Group/${intent.id}: only the owner of the space changes it`);
    if (intent.body && ownerOf(intent.body) !== caller) {
      throw forbidden(
        `Group.managingEntity: a space is owned by whoever creates it (${caller}); ownership is not given away here`,
      );
    }
  },
};

export function registerSpaces(registry: PolicyRegistry): void {
  registry.register(['Group'], spacePolicy);
}
