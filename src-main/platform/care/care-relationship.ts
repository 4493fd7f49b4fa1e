/**
 * The care relationship of ARCHITECTURE §5 (care records): a professional cares for a patient while
 * they are an active member of one of the patient's active CareTeams (named as the Practitioner, as one of
 * their PractitionerRoles, or as an Organization where they hold one), or hold an active PractitionerRole
 * at the organisation that manages an active EpisodeOfCare of the patient. Whether that relationship opens
 * clinical content or the schedule only is the care mandate of the role it goes through.
 */
import { hasCareMandate, ROLES, type Role } from '../../../src-shared/domain/roles';
import { DESK_ROLE_SYSTEM, isAdministratorRole } from '../../../src-shared/domain/directory';
import { MAX_PAGE_SIZE, resourceTypeDef } from '../fhir/resource-types';
import { parseSearch } from '../fhir/search-query';
import type { StorageTx, StoredVersion } from '../storage/platform-storage';

const CARE_TEAM = resourceTypeDef('CareTeam')!;
const EPISODE = resourceTypeDef('EpisodeOfCare')!;
const ROLE = resourceTypeDef('PractitionerRole')!;
/** What a care relationship is read from: a write of one of these may change it (policy/write-unit-memo.ts). */
export const CARE_RELATIONSHIP_TYPES: readonly string[] = [CARE_TEAM.type, EPISODE.type, ROLE.type];

/**
 * Every match, all pages, as the store stood at commit `asOf` (the current state by default): the relationship
 * a user had when an earlier `$changes` page was served is read back at that page's sequence.
 */
async function all(
  tx: StorageTx,
  def: typeof CARE_TEAM,
  params: Record<string, string>,
  asOf: number | undefined,
): Promise<StoredVersion[]> {
  const snapshot = asOf ?? (await tx.currentSequence());
  const request = parseSearch(def, new URLSearchParams({ ...params, _count: String(MAX_PAGE_SIZE) }));
  const rows: StoredVersion[] = [];
  for (;;) {
    const page = await tx.search(request, snapshot);
    rows.push(...page.rows.filter((r) => r.resource));
    const last = page.rows[page.rows.length - 1];
    if (!page.hasMore || !last) return rows;
    request.page = { snapshot, after: { key: last.seq, seq: last.seq } };
  }
}

const active = (period: fhir4.Period | undefined, now: Date) =>
  (period?.start === undefined || Date.parse(period.start) <= now.getTime()) &&
  (period?.end === undefined || Date.parse(period.end) > now.getTime());

/** One of the user's active, non-administrative roles in the directory, and whether it carries a care mandate. */
interface DirectoryRole {
  ref: string;
  organization: string | undefined;
  mandate: boolean;
}

/**
 * The care mandate a PractitionerRole gives: its desk-role code (nurse, secretary, …) when it has one — a change of
 * role in the directory (nurse → secretary) is what takes the mandate away — and the account's role otherwise.
 */
function mandateOf(role: fhir4.PractitionerRole, accountRole: Role): boolean {
  const codes = (role.code ?? []).flatMap((c) => c.coding ?? []).filter((k) => k.system === DESK_ROLE_SYSTEM);
  const known = codes.map((k) => k.code).filter((code): code is Role => (ROLES as readonly string[]).includes(code ?? ''));
  return known.length === 0 ? hasCareMandate(accountRole) : known.some(hasCareMandate);
}

async function directoryRolesOf(tx: StorageTx, user: CareUser, now: Date, asOf?: number): Promise<DirectoryRole[]> {
  const roles = await all(tx, ROLE, { practitioner: user.userRef }, asOf);
  return roles
    .map((r) => r.resource as fhir4.PractitionerRole)
    .filter((r) => r.active !== false && !isAdministratorRole(r) && active(r.period, now))
    .map((r) => ({ ref: `PractitionerRole/${r.id}`, organization: r.organization?.reference, mandate: mandateOf(r, user.role) }));
}

/** Organisations where the user holds an active, non-administrative role. */
export async function organizationsOf(tx: StorageTx, userRef: string, now: Date, asOf?: number): Promise<string[]> {
  const roles = await directoryRolesOf(tx, { userRef, role: 'gp' }, now, asOf);
  return roles.flatMap((r) => (r.organization ? [r.organization] : []));
}

/** Who asks: the user's reference and the role of their account (the token's). */
export interface CareUser {
  userRef: string;
  role: Role;
}

/** For each patient the user has a relationship with: clinical content ('care') or the schedule only. */
export type CareRelationships = ReadonlyMap<string, Exclude<CareAccess, 'none'>>;

/**
 * The patients a user cares for right now, and how: a membership of an active CareTeam — as themselves, through one
 * of their PractitionerRoles, or through an Organization where they hold one — or an active EpisodeOfCare managed by
 * an organisation where they hold a role. Clinical content needs a care mandate twice: the account's role, and the
 * directory role the relationship goes through (a direct membership has the account's role only).
 */
export async function careRelationships(tx: StorageTx, user: CareUser, now: Date, asOf?: number): Promise<CareRelationships> {
  const accountMandate = hasCareMandate(user.role);
  const roles = await directoryRolesOf(tx, user, now, asOf);
  const relationships = new Map<string, Exclude<CareAccess, 'none'>>();
  const add = (patient: string, mandate: boolean) => {
    if (mandate && accountMandate) relationships.set(patient, 'care');
    else if (!relationships.has(patient)) relationships.set(patient, 'schedule-only');
  };
  // The references a team may name the user by, each with the mandate it carries.
  const memberAs = new Map<string, boolean>([[user.userRef, true]]);
  for (const role of roles) {
    memberAs.set(role.ref, role.mandate);
    if (role.organization) memberAs.set(role.organization, (memberAs.get(role.organization) ?? false) || role.mandate);
  }
  // One search for every name the user goes by (comma: any of them).
  for (const row of await all(tx, CARE_TEAM, { participant: [...memberAs.keys()].join(',') }, asOf)) {
    const team = row.resource as fhir4.CareTeam;
    if (team.status !== undefined && team.status !== 'active') continue;
    if (!team.subject?.reference?.startsWith('Patient/')) continue;
    for (const p of team.participant ?? []) {
      const mandate = memberAs.get(p.member?.reference ?? '');
      if (mandate !== undefined && active(p.period, now)) add(team.subject.reference, mandate);
    }
  }
  for (const role of roles) {
    if (!role.organization) continue;
    for (const row of await all(tx, EPISODE, { organization: role.organization }, asOf)) {
      const episode = row.resource as fhir4.EpisodeOfCare;
      if (episode.status === 'active' && active(episode.period, now) && episode.patient?.reference)
        add(episode.patient.reference, role.mandate);
    }
  }
  return relationships;
}

/** The patients a user has any care relationship with (clinical or schedule only), sorted. */
export async function patientsInCare(tx: StorageTx, user: CareUser, now: Date, asOf?: number): Promise<string[]> {
  return [...(await careRelationships(tx, user, now, asOf)).keys()].sort();
}

export type CareAccess = 'care' | 'schedule-only' | 'none';

/** What the user's relationship to the patient allows: clinical content, the schedule only, or nothing. */
export function careAccess(relationships: CareRelationships, patientRef: string): CareAccess {
  return relationships.get(patientRef) ?? 'none';
}
