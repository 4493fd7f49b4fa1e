/**
 * The messaging domain's registration: a message (its envelope and encrypted parts) exists only for
 * its audience — the sender and the effective recipients — on every way in; it is written once, by
 * its transaction, and acknowledged with `$receipt`; a published key is changed by its owner only.
 */
import { badRequest } from '../fhir/fhir-error';
import type { PolicyRegistry } from '../policy/policy-registry';
import type { PolicyScope, ReadVerdict, ResourcePolicy, TransactionPlan, TypeVerdict } from '../policy/resource-policy';
import type { StoredVersion } from '../storage/platform-storage';
import { AUDIENCE_PARAM, AUDIENCE_TYPES, audienceIndex, type MessagePlan } from './message-audience';
import { isKeyEndpoint, MAX_PART_BYTES } from './message-rules';
import { canSee, guardWrite, listMembers, MESSAGING, PGP_BINARY, planMessage, postReceipt } from './messaging';

const NEED_LOGIN: TypeVerdict = {
  allowed: false,
  status: 401,
  reason: 'authentication required: send Authorization: Bearer <access token>',
};
const MESSAGE_AUDIT = { patients: [], rule: 'message: sender and effective recipients only' };

const loggedIn = (scope: PolicyScope): TypeVerdict => (scope.principal ? { allowed: true } : NEED_LOGIN);

/** Outside the audience a message does not exist (404, no hint). */
async function audienceVerdict(scope: PolicyScope, stored: StoredVersion): Promise<ReadVerdict> {
  if (!scope.principal) return { ...NEED_LOGIN, audit: MESSAGE_AUDIT } as ReadVerdict;
  return (await canSee(scope.tx, scope.principal.userRef, stored))
    ? { allowed: true, audit: MESSAGE_AUDIT }
    : { allowed: false, status: 404, reason: 'not found', audit: MESSAGE_AUDIT };
}

const planOf = (plans: ReadonlyMap<string, unknown>) => plans.get(MESSAGING) as MessagePlan | undefined;

const communicationPolicy: ResourcePolicy = {
  name: 'message-envelope',
  typeGate: loggedIn,
  narrowSearch: (scope, request) => {
    request.criteria.push({ kind: 'audience', param: AUDIENCE_PARAM, principal: scope.principal!.userRef, everyRowHasOne: true });
  },
  read: audienceVerdict,
  write: (ctx, intent) => guardWrite(ctx, intent.def, intent.id, intent.body),
  indexEntries: (def, resource, plans) => audienceIndex(def, resource, planOf(plans)),
};

const messagePartPolicy: ResourcePolicy = {
  name: 'message-part',
  claims: (resource) => PGP_BINARY(resource),
  typeGate: loggedIn,
  read: audienceVerdict,
  write: (ctx, intent) => guardWrite(ctx, intent.def, intent.id, intent.body),
  indexEntries: (def, resource, plans) => audienceIndex(def, resource, planOf(plans)),
  contentLimit: { bytes: MAX_PART_BYTES, rule: 'an encrypted message part (an attachment and its OpenPGP framing)' },
};

/** A published OpenPGP key (an Endpoint): readable by all, like the directory; changed by its owner only. */
const keyEndpointPolicy: ResourcePolicy = {
  name: 'message-key-endpoint',
  claims: (resource) => isKeyEndpoint(resource),
  typeGate: () => ({ allowed: true }),
  read: async () => ({ allowed: true }),
  write: (ctx, intent) => guardWrite(ctx, intent.def, intent.id, intent.body),
};

export function registerMessaging(registry: PolicyRegistry): void {
  registry.register(['Communication'], communicationPolicy);
  registry.register(['Binary'], messagePartPolicy);
  registry.register(['Endpoint'], keyEndpointPolicy);
  registry.domain({
    name: MESSAGING,
    // Messages (envelopes and their encrypted parts) reach their sender and effective recipients only.
    changeScope: async (scope) => ({
      audience: { param: AUDIENCE_PARAM, types: [...AUDIENCE_TYPES], principals: [scope.principal!.userRef] },
    }),
    planTransaction: async (ctx, entries): Promise<TransactionPlan | undefined> => {
      const message = await planMessage(ctx, entries);
      if (!message) return undefined;
      const envelope = entries.find((e) => e.type === 'Communication')!;
      return {
        replacements: new Map([[envelope.index, message.envelope as unknown as Record<string, unknown>]]),
        // An encrypted part is not echoed back: the sender has it, and the ledger need not keep megabytes twice.
        unechoed: new Set(entries.filter((e) => e.type === 'Binary').map((e) => e.index)),
        state: message.plan,
      };
    },
    operations: [
      {
        name: 'members',
        resourceType: 'Organization',
        level: 'instance',
        method: 'GET',
        writes: false,
        parameters: [],
        run: (call) => listMembers(call.scope, call.baseUrl, call.id!),
      },
      {
        name: 'receipt',
        resourceType: 'Communication',
        level: 'instance',
        method: 'POST',
        writes: true,
        parameters: [],
        run: (call) => {
          if (!call.write) throw badRequest('$receipt: a write');
          return postReceipt(call.write, call.id!, call.body);
        },
      },
    ],
  });
}
