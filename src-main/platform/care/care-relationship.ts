/**
 * The care relationship of ARCHITECTURE §5 (care records): a professional cares for a patient while
 * they are an active member of one of the patient's active CareTeams, or hold an active PractitionerRole
 * at the organisation that manages an active EpisodeOfCare of the patient.
 */
import { hasCareMandate, type Role } from '../../../src-shared/domain/roles';
import { isAdministratorRole } from '../../../src-shared/domain/directory';
import { MAX_PAGE_SIZE, resourceTypeDef } from '../fhir/resource-types';
import { parseSearch } from '../fhir/search-query';
import type { StorageTx, StoredVersion } from '../storage/platform-storage';

const CARE_TEAM = resourceTypeDef('CareTeam')!;
const EPISODE = resourceTypeDef('EpisodeOfCare')!;
const ROLE = resourceTypeDef('PractitionerRole')!;

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

/** Organisations where the user holds an active, non-administrative role. */
export async function organizationsOf(tx: StorageTx, userRef: string, now: Date, asOf?: number): Promise<string[]> {
  const roles = await all(tx, ROLE, { practitioner: userRef }, asOf);
  return roles
    .map((r) => r.resource as fhir4.PractitionerRole)
    .filter((r) => r.active !== false && !isAdministratorRole(r) && active(r.period, now))
    .flatMap((r) => (r.organization?.reference ? [r.organization.reference] : []));
}

/** The patients a user cares for right now (care-team membership or an episode managed by their organisation). */
export async function patientsInCare(tx: StorageTx, userRef: string, now: Date, asOf?: number): Promise<string[]> {
  const patients = new Set<string>();
  for (const row of await all(tx, CARE_TEAM, { participant: userRef }, asOf)) {
    const team = row.resource as fhir4.CareTeam;
    if (team.status !== undefined && team.status !== 'active') continue;
    const member = team.participant?.find((p) => p.member?.reference === userRef && active(p.period, now));
    if (member && team.subject?.reference?.startsWith('Patient/')) patients.add(team.subject.reference);
  }
  for (const organization of await organizationsOf(tx, userRef, now, asOf)) {
    for (const row of await all(tx, EPISODE, { organization }, asOf)) {
      const episode = row.resource as fhir4.EpisodeOfCare;
      if (episode.status === 'active' && active(episode.period, now) && episode.patient?.reference)
        patients.add(episode.patient.reference);
    }
  }
  return [...patients].sort();
}

export type CareAccess = 'care' | 'schedule-only' | 'none';

/** What a relationship to the patient allows this role: clinical content, the schedule only, or nothing. */
export function careAccess(role: Role, patientsInCareOfUser: ReadonlySet<string>, patientRef: string): CareAccess {
  if (!patientsInCareOfUser.has(patientRef)) return 'none';
  return hasCareMandate(role) ? 'care' : 'schedule-only';
}
