/**
 * The care domain's registration (IdeoMed, ARCHITECTURE §5): a care record is read and written by the
 * patient's care relationship (care-relationship.ts); staff of that organisation without a care mandate
 * see the schedule (who, when, where) and no clinical content; everyone else gets 403, audited. The
 * patient reads their own records. `$changes` sends each user the care records of the patients they
 * care for, whoever wrote them.
 */
import { forbidden } from '../fhir/fhir-error';
import { checkR4Structure } from '../fhir/validation';
import { patientsOf } from '../fhir/patients-of';
import { resourceTypeDef } from '../fhir/resource-types';
import type { PolicyRegistry } from '../policy/policy-registry';
import type { Json, PolicyScope, ReadVerdict, ResourcePolicy, TypeVerdict } from '../policy/resource-policy';
import { careAccess, organizationsOf, patientsInCare, type CareAccess } from './care-relationship';

/** What a member of staff without a care mandate may see: the schedule, never clinical content. */
const SCHEDULE_TYPES = new Set(['Appointment', 'Encounter', 'EpisodeOfCare']);

const NEED_LOGIN: TypeVerdict = {
  allowed: false,
  status: 401,
  reason: 'authentication required: send Authorization: Bearer <access token>',
};

function patientsOfResource(type: string, resource: Json): string[] {
  const def = resourceTypeDef(type);
  return def ? patientsOf(def, resource as unknown as fhir4.Resource) : [];
}

async function accessTo(scope: PolicyScope, patient: string): Promise<CareAccess> {
  const principal = scope.principal!;
  // Looked up once per request: a `$changes` page decides hundreds of records of the same user.
  const inCare = await scope.memo(
    'care:patients',
    async () => new Set(await patientsInCare(scope.tx, principal.userRef, scope.now)),
  );
  return careAccess(principal.role, inCare, patient);
}

async function decide(scope: PolicyScope, type: string, resource: Json, action: 'read' | 'write'): Promise<ReadVerdict> {
  const patients = patientsOfResource(type, resource);
  const principal = scope.principal;
  const note = (rule: string) => ({ patients, rule: `care records: ${rule}` });
  if (!principal) return { allowed: false, status: 401, reason: 'authentication required', audit: note('not authenticated') };
  if (patients.length === 0)
    return {
      allowed: false,
      status: 403,
      reason: `${type} names no patient: no care relationship can cover it`,
      audit: note('no patient'),
    };
  if (principal.role === 'patient') {
    const own = patients.every((p) => p === principal.userRef);
    return own && action === 'read'
      ? { allowed: true, audit: note('the patient reads their own record') }
      : {
          allowed: false,
          status: 403,
          reason: 'a patient reads only their own care records',
          audit: note('refused: not the patient'),
        };
  }
  for (const patient of patients) {
    const access = await accessTo(scope, patient);
    if (access === 'care') continue;
    if (access === 'schedule-only' && action === 'read' && SCHEDULE_TYPES.has(type)) continue;
    const reason =
      access === 'schedule-only'
        ? `the role ${principal.role} has no care mandate: the schedule only, no clinical content`
        : `no care relationship with ${patient} (care team or episode of care)`;
    return { allowed: false, status: 403, reason, audit: note(`refused — ${reason}`) };
  }
  return { allowed: true, audit: note('allowed (care relationship)') };
}

const carePolicy: ResourcePolicy = {
  name: 'care-record',
  typeGate: (scope) => (scope.principal ? { allowed: true } : NEED_LOGIN),
  read: (scope, stored) => decide(scope, stored.type, stored.resource as unknown as Json, 'read'),
  write: async (ctx, intent) => {
    const scope: PolicyScope = { principal: ctx.principal, tx: ctx.tx, now: new Date(ctx.now), memo: (_k, make) => make() };
    // An episode of care is opened by a member of the organisation that manages it (that is what starts the relationship).
    if (intent.def.type === 'EpisodeOfCare' && intent.body) {
      const managing = (intent.body.managingOrganization as { reference?: string } | undefined)?.reference;
      const mine = await organizationsOf(ctx.tx, ctx.principal.userRef, scope.now);
      if (managing !== undefined && mine.includes(managing)) return;
    }
    // A body whose patient cannot be read may just be malformed: say so (400 naming the element), not "no patient".
    if (intent.body && patientsOfResource(intent.def.type, intent.body).length === 0)
      checkR4Structure(intent.body as unknown as fhir4.Resource);
    for (const resource of [intent.current?.resource, intent.body]) {
      if (!resource) continue;
      const verdict = await decide(scope, intent.def.type, resource as unknown as Json, 'write');
      if (!verdict.allowed) {
        const error = forbidden(`${intent.def.type}/${intent.id}: ${verdict.reason}`);
        error.auditFacts = {
          principal: ctx.principal,
          interaction: intent.action,
          outcome: '4',
          outcomeDescription: verdict.audit?.rule ?? verdict.reason,
          entities: [`${intent.def.type}/${intent.id}`],
          patients: verdict.audit?.patients ?? [],
          recorded: ctx.now,
        };
        throw error;
      }
    }
  },
};

export function registerCare(registry: PolicyRegistry, types: readonly string[]): void {
  registry.register(types, carePolicy);
  registry.domain({
    name: 'care',
    changeScope: async (scope) => {
      const principal = scope.principal!;
      if (principal.role === 'patient') return {};
      return { careRecords: { patients: await patientsInCare(scope.tx, principal.userRef, scope.now), types: [...types] } };
    },
  });
}
