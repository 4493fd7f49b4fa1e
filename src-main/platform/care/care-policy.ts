/**
 * The care domain's registration (IdeoMed, ARCHITECTURE §5): a care record is read and written by the
 * patient's care relationship (care-relationship.ts); staff of that organisation without a care mandate
 * see the schedule (who, when, where) and no clinical content (schedule-view.ts); everyone else gets 403,
 * audited. The patient reads their own records. What may be written is care-write-rules.ts. `$changes` sends
 * each user the care records of the patients they care for, whoever wrote them, and the revocations and
 * grants when that set changes (care-revocations.ts). A photo is a Binary whose `securityContext` is the
 * patient: it follows the patient's care relationship like any care record.
 */
import { forbidden, FhirError } from '../fhir/fhir-error';
import { checkR4Structure } from '../fhir/validation';
import { patientsOf } from '../fhir/patients-of';
import { resourceTypeDef } from '../fhir/resource-types';
import type { WriteContext } from '../fhir/request-context';
import type { PolicyRegistry } from '../policy/policy-registry';
import type { Json, PolicyScope, ReadVerdict, ResourcePolicy, TypeVerdict, WriteIntent } from '../policy/resource-policy';
import {
  CARE_RELATIONSHIP_TYPES,
  careAccess,
  careRelationships,
  organizationsOf,
  type CareAccess,
  type CareRelationships,
} from './care-relationship';
import { careRevocations } from './care-revocations';
import { checkCareRecordWrite } from './care-write-rules';
import { clinicalElementOf, SCHEDULE_TYPES } from './schedule-view';
import { hasCareMandate } from '../../../src-shared/domain/roles';
import { MAX_CARE_PHOTO_BYTES } from '../../../src-shared/domain/care';

const NEED_LOGIN: TypeVerdict = {
  allowed: false,
  status: 401,
  reason: 'authentication required: send Authorization: Bearer <access token>',
};

/** A care photo's Binary names its patient in `securityContext` (the record that decides who reads it). */
function patientOfCareBinary(resource: Json): string | undefined {
  const ref = (resource.securityContext as { reference?: unknown } | undefined)?.reference;
  return typeof ref === 'string' && /^Patient\/[A-Za-z0-9\-.]{1,64}$/.test(ref) ? ref : undefined;
}

function patientsOfRecord(type: string, resource: Json): string[] {
  if (type === 'Binary') {
    const patient = patientOfCareBinary(resource);
    return patient ? [patient] : [];
  }
  const def = resourceTypeDef(type);
  return def ? patientsOf(def, resource as unknown as fhir4.Resource) : [];
}

/**
 * The caller's care relationships, looked up once per request (a `$changes` page decides hundreds of records, a
 * batch writes a hundred), and again in a write unit once it writes a CareTeam, an EpisodeOfCare or a role.
 */
function relationshipsOf(scope: PolicyScope): Promise<CareRelationships> {
  const principal = scope.principal!;
  return scope.memo('care:relationships', () => careRelationships(scope.tx, principal, scope.now), CARE_RELATIONSHIP_TYPES);
}

async function accessTo(scope: PolicyScope, patient: string): Promise<CareAccess> {
  return careAccess(await relationshipsOf(scope), patient);
}

async function decide(scope: PolicyScope, type: string, resource: Json, action: 'read' | 'write'): Promise<ReadVerdict> {
  const patients = patientsOfRecord(type, resource);
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
  let scheduleOnly = false;
  for (const patient of patients) {
    const access = await accessTo(scope, patient);
    if (access === 'care') continue;
    let reason: string;
    if (access === 'schedule-only' && action === 'read') {
      const element = clinicalElementOf(type, resource);
      if (element === undefined) {
        scheduleOnly = true;
        continue;
      }
      reason =
        element === type
          ? `the role ${principal.role} has no care mandate: the schedule only, no clinical content`
          : `the role ${principal.role} has no care mandate: the schedule only, and this ${type} carries clinical content (${type}.${element})`;
    } else {
      reason =
        access === 'schedule-only'
          ? `the role ${principal.role} has no care mandate: the schedule only, no clinical content`
          : `no care relationship with ${patient} (care team or episode of care)`;
    }
    return { allowed: false, status: 403, reason, audit: note(`refused — ${reason}`) };
  }
  return {
    allowed: true,
    audit: note(scheduleOnly ? 'allowed (the schedule only: no care mandate)' : 'allowed (care relationship)'),
  };
}

/** Who may write: the care relationship (an episode is opened by a member of the organisation that manages it). */
async function checkWriter(ctx: WriteContext, intent: WriteIntent): Promise<void> {
  const scope: PolicyScope = {
    principal: ctx.principal,
    tx: ctx.tx,
    now: new Date(ctx.now),
    memo: (key, make, dependsOn) => ctx.memo.memo(key, make, dependsOn),
  };
  if (intent.def.type === 'EpisodeOfCare' && intent.body && !intent.current) {
    const managing = (intent.body.managingOrganization as { reference?: string } | undefined)?.reference;
    const mine = await organizationsOf(ctx.tx, ctx.principal.userRef, scope.now);
    if (managing !== undefined && mine.includes(managing)) return;
  }
  // A body whose patient cannot be read may just be malformed: say so (400 naming the element), not "no patient".
  if (intent.body && patientsOfRecord(intent.def.type, intent.body).length === 0 && intent.def.type !== 'Binary')
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
}

const carePolicy: ResourcePolicy = {
  name: 'care-record',
  typeGate: (scope) => (scope.principal ? { allowed: true } : NEED_LOGIN),
  read: (scope, stored) => decide(scope, stored.type, stored.resource as unknown as Json, 'read'),
  write: async (ctx, intent) => {
    await checkWriter(ctx, intent);
    await checkCareRecordWrite(ctx, intent);
  },
};

/** A photo of a care record: its bytes follow the patient's care relationship, and are never overwritten or erased. */
const careBinaryPolicy: ResourcePolicy = {
  name: 'care-binary',
  claims: (resource) => patientOfCareBinary(resource) !== undefined,
  typeGate: (scope) => (scope.principal ? { allowed: true } : NEED_LOGIN),
  read: (scope, stored) => decide(scope, 'Binary', stored.resource as unknown as Json, 'read'),
  write: async (ctx, intent) => {
    await checkWriter(ctx, intent);
    if (intent.current?.resource)
      throw new FhirError(intent.action === 'delete' ? 405 : 409, {
        code: intent.action === 'delete' ? 'not-supported' : 'conflict',
        diagnostics: `Binary/${intent.id}: a care photo is never overwritten or erased; add a new one [rule no-deletion]`,
      });
  },
  contentLimit: { bytes: MAX_CARE_PHOTO_BYTES, rule: 'a care photo (MAX_CARE_PHOTO_BYTES)' },
  // Its patient, so `$changes` carries it with the patient's care records (ChangeFilter.careRecords).
  indexEntries: (_def, resource) => {
    const patient = patientOfCareBinary(resource as unknown as Json);
    return patient ? [{ param: 'patient', target: patient }] : [];
  },
};

export function registerCare(registry: PolicyRegistry, types: readonly string[]): void {
  registry.register(types, carePolicy);
  registry.register(['Binary'], careBinaryPolicy);
  const fedTypes = [...types, 'Binary'];
  registry.domain({
    name: 'care',
    changeScope: async (scope) => {
      const principal = scope.principal!;
      if (principal.role === 'patient') return {};
      // Staff without a care mandate are sent the schedule only (the rest would be refused row by row anyway).
      const sent = hasCareMandate(principal.role) ? fedTypes : SCHEDULE_TYPES.filter((t) => types.includes(t));
      // A patient seen through a role without the mandate is in the list too: their clinical rows are refused row by row.
      return { careRecords: { patients: [...(await relationshipsOf(scope)).keys()], types: sent } };
    },
    revocations: (scope, after, upTo, previous) => careRevocations(scope, fedTypes, after, upTo, previous),
  });
}
