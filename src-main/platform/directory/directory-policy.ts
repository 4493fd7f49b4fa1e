/**
 * The directory domain's registration (ARCHITECTURE §5 Directory): the professional directory is
 * readable by every logged-in user and reaches every cache; a professional edits only their own
 * Practitioner record and their own roles; membership of an organisation (a PractitionerRole there, and
 * so its group mailbox) is granted by that organisation's administrator, who also keeps the
 * organisation, its locations and endpoints. The patient directory (Patient) is read by professionals
 * and by the patient themselves; every read of it is in the patient's access log.
 */
import { DESK_ROLE_SYSTEM, isAdministratorRole } from '../../../src-shared/domain/directory';
import { FhirError, forbidden } from '../fhir/fhir-error';
import { checkR4Structure } from '../fhir/validation';
import { resourceTypeDef } from '../fhir/resource-types';
import { parseSearch } from '../fhir/search-query';
import type { PolicyRegistry } from '../policy/policy-registry';
import type { Json, PolicyScope, ResourcePolicy, TypeVerdict, WriteIntent } from '../policy/resource-policy';
import type { StorageTx } from '../storage/platform-storage';
import { checkPatientIdentity } from './patient-identity';

export const DIRECTORY_TYPES = ['Practitioner', 'PractitionerRole', 'Organization', 'Location', 'Endpoint'] as const;

const NEED_LOGIN: TypeVerdict = {
  allowed: false,
  status: 401,
  reason: 'authentication required: send Authorization: Bearer <access token>',
};
const loggedIn = (scope: PolicyScope): TypeVerdict => (scope.principal ? { allowed: true } : NEED_LOGIN);
const PRACTITIONER_ROLE = resourceTypeDef('PractitionerRole')!;

/** A PractitionerRole's desk-role codes, sorted and joined (to compare two versions). */
function deskRoleCodes(role: Json): string {
  const codes = ((role.code ?? []) as fhir4.CodeableConcept[]).flatMap((c) => c.coding ?? []);
  return codes
    .filter((k) => k.system === DESK_ROLE_SYSTEM)
    .map((k) => k.code ?? '')
    .sort()
    .join(' ');
}

const refOf = (value: unknown): string | undefined => {
  const ref = (value as { reference?: unknown } | undefined)?.reference;
  return typeof ref === 'string' ? ref : undefined;
};

/** Whether `userRef` holds an active administrator role at `organizationRef`. */
export async function administers(tx: StorageTx, userRef: string, organizationRef: string | undefined): Promise<boolean> {
  if (organizationRef === undefined || !userRef.startsWith('Practitioner/')) return false;
  const request = parseSearch(
    PRACTITIONER_ROLE,
    new URLSearchParams({ practitioner: userRef, organization: organizationRef, _count: '100' }),
  );
  const page = await tx.search(request, await tx.currentSequence());
  return page.rows.some((row) => row.resource && isAdministratorRole(row.resource as fhir4.PractitionerRole));
}

function denied(intent: WriteIntent, rule: string): FhirError {
  return forbidden(`${intent.def.type}/${intent.id}: ${rule}`);
}

/** The organisation that answers for a directory record (its administrator keeps it). */
function organizationOf(type: string, resource: Json | null | undefined): string | undefined {
  if (!resource) return undefined;
  if (type === 'Organization') return typeof resource.id === 'string' ? `Organization/${resource.id}` : undefined;
  if (type === 'PractitionerRole') return refOf(resource.organization);
  return refOf(resource.managingOrganization);
}

async function directoryWrite(ctx: Parameters<ResourcePolicy['write']>[0], intent: WriteIntent): Promise<void> {
  const caller = ctx.principal.userRef;
  if (ctx.principal.role === 'patient') throw denied(intent, 'patients do not change the professional directory');
  const before = intent.current?.resource as Json | null | undefined;
  const after = intent.body;
  switch (intent.def.type) {
    case 'Practitioner': {
      if (`Practitioner/${intent.id}` !== caller) throw denied(intent, `a professional edits only their own record (${caller})`);
      if (intent.action !== 'update')
        throw denied(intent, 'a Practitioner record comes with its account; it is neither created nor deleted here');
      return;
    }
    case 'PractitionerRole': {
      // The organisation's administrator grants, changes and withdraws memberships at it.
      const organizations = [organizationOf('PractitionerRole', before), organizationOf('PractitionerRole', after)].filter(
        (o) => o !== undefined,
      );
      let all = organizations.length > 0;
      for (const org of new Set(organizations)) if (!(await administers(ctx.tx, caller, org))) all = false;
      if (all) return;
      // A professional keeps their own role's details, but cannot join, move or re-activate a membership.
      const ownBefore = before && refOf(before.practitioner) === caller;
      const ownAfter = after && refOf(after.practitioner) === caller;
      const sameMembership =
        intent.action === 'update' &&
        ownBefore &&
        ownAfter &&
        organizationOf('PractitionerRole', before) === organizationOf('PractitionerRole', after) &&
        !(before.active === false && after.active !== false) &&
        isAdministratorRole(before) === isAdministratorRole(after) &&
        // The role itself (nurse, secretary, …) decides the care mandate (care/care-relationship.ts): the administrator's.
        deskRoleCodes(before) === deskRoleCodes(after);
      if (sameMembership) return;
      throw denied(
        intent,
        "membership of an organisation is granted by that organisation's administrator; a professional edits only the details of their own roles (not the role's code)",
      );
    }
    default: {
      // Organization, Location and (non-key) Endpoint: kept by the administrator of the organisation they belong to.
      const organizations = [organizationOf(intent.def.type, before), organizationOf(intent.def.type, after)].filter(
        (o) => o !== undefined,
      );
      if (intent.action === 'create' && intent.def.type === 'Organization') {
        throw denied(intent, 'organisations are registered by the platform, not by its users');
      }
      let all = organizations.length > 0;
      for (const org of new Set(organizations)) if (!(await administers(ctx.tx, caller, org))) all = false;
      if (!all) throw denied(intent, `kept by the administrator of ${organizations[0] ?? 'its managing organisation'}`);
    }
  }
}

const directoryPolicy: ResourcePolicy = {
  name: 'directory',
  typeGate: loggedIn,
  read: async (scope) => (scope.principal ? { allowed: true } : { ...NEED_LOGIN, allowed: false }),
  write: directoryWrite,
};

/** The patient directory: professionals find patients by identity; a patient sees their own record only. */
const patientPolicy: ResourcePolicy = {
  name: 'patient-directory',
  typeGate: (scope, action, request) => {
    const principal = scope.principal;
    if (!principal) return NEED_LOGIN;
    if (principal.role === 'patient' && action === 'search') {
      const self = principal.userRef.slice('Patient/'.length);
      const pinned = request?.criteria.some((c) => c.kind === 'id' && c.values.length === 1 && c.values[0] === self);
      if (!pinned) return { allowed: false, status: 403, reason: `a patient searches only their own record (add _id=${self})` };
    }
    return { allowed: true };
  },
  read: async (scope, stored) => {
    const self = `Patient/${stored.id}`;
    const audit = { patients: [self], rule: 'patient directory: professionals and the patient themselves' };
    const principal = scope.principal;
    if (!principal) return { allowed: false, status: 401, reason: 'authentication required', audit };
    if (principal.role !== 'patient' || principal.userRef === self) return { allowed: true, audit };
    return { allowed: false, status: 403, reason: 'a patient reads only their own record', audit };
  },
  write: async (ctx, intent) => {
    const self = `Patient/${intent.id}`;
    if (ctx.principal.role === 'patient' && ctx.principal.userRef !== self)
      throw denied(intent, 'a patient edits only their own record');
    if (intent.action === 'delete')
      throw new FhirError(405, {
        code: 'not-supported',
        diagnostics: `${self}: a patient record is never deleted (set active to false)`,
      });
    if (!intent.body) return undefined;
    // A matricule is unique among patients (409); a name that looks like another's is a warning —
    // read from a Patient whose structure is known good (R4 first), so a malformed name is a 400, never a crash.
    checkR4Structure(intent.body as unknown as fhir4.Patient);
    return checkPatientIdentity(ctx.tx, intent.body as unknown as fhir4.Patient, intent.id);
  },
};

export function registerDirectory(registry: PolicyRegistry): void {
  registry.register(DIRECTORY_TYPES, directoryPolicy);
  registry.register(['Patient'], patientPolicy);
  registry.domain({
    name: 'directory',
    changeScope: async (scope) => ({
      // The public professional directory, so the client can search it offline; and the user's own record.
      allOfTypes: [...DIRECTORY_TYPES],
      resources: [scope.principal!.userRef],
    }),
  });
}
