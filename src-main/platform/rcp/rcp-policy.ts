/**
 * The tumour-board domain's registration (IdeoRCP, issue 12). Its records share types with the care
 * records (Appointment, List, Task, CarePlan, Condition, Observation): this policy claims the ones that
 * carry an RCP marker (src-shared/domain/rcp.ts) — a meeting's service type, an agenda's code, a case's
 * code, a proposal's category, the `rcp-case` extension of a case's Condition and staging — and the care
 * policy keeps the rest. Reads follow the table of rcp-decision.ts, writes rcp-writes.ts; the minutes are
 * DSP documents published through `$publish-minutes` (rcp-minutes.ts). `$changes` carries each user the
 * meetings they sit on (a physician: every meeting, the board's calendar), their agendas, and the cases and
 * case records they may read.
 */
import type { Resource } from 'fhir/r4';
import { DEFAULT_RCP_QUORUM, isRcpRecord, type RcpQuorum } from '../../../src-shared/domain/rcp';
import type { PolicyRegistry } from '../policy/policy-registry';
import type { ResourcePolicy, TypeVerdict } from '../policy/resource-policy';
import { boardOf, patientsOfRecord, readFacts } from './rcp-board';
import { decideRcpRead } from './rcp-decision';
import { PUBLISH_MINUTES } from './rcp-minutes';
import { boardSeatChanges, rcpScope } from './rcp-scope';
import { guardRcpWrite } from './rcp-writes';

/** The types tumour-board records are stored as; each also holds care records the care policy governs. */
export const RCP_TYPES = ['Appointment', 'List', 'Task', 'CarePlan', 'Condition', 'Observation'] as const;

const NEED_LOGIN: TypeVerdict = {
  allowed: false,
  status: 401,
  reason: 'authentication required: send Authorization: Bearer <access token>',
};

export function registerRcp(registry: PolicyRegistry, options: { quorum?: RcpQuorum } = {}): void {
  const quorum = options.quorum ?? DEFAULT_RCP_QUORUM;
  const policy: ResourcePolicy = {
    name: 'rcp',
    claims: (resource) => isRcpRecord(resource as unknown as Resource),
    typeGate: (scope) => (scope.principal ? { allowed: true } : NEED_LOGIN),
    read: async (scope, stored) => {
      const resource = stored.resource as unknown as Resource;
      const board = boardOf(scope);
      const decision = decideRcpRead(await readFacts(board, scope.principal, resource));
      const audit = { patients: await patientsOfRecord(board, resource), rule: decision.rule };
      return decision.allowed
        ? { allowed: true, audit }
        : { allowed: false, status: decision.status, reason: decision.reason, audit };
    },
    write: (ctx, intent) => guardRcpWrite(ctx, intent, { quorum }),
  };
  registry.register(RCP_TYPES, policy);
  registry.domain({
    name: 'rcp',
    changeScope: async (scope) => ({ resources: await rcpScope(scope) }),
    revocations: (scope, since, until, previous) => boardSeatChanges(registry, scope, since, until, previous),
    operations: [PUBLISH_MINUTES],
  });
}
