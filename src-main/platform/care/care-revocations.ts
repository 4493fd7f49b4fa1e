/**
 * What `$changes` tells a user when the set of patients they care for changes (ARCHITECTURE §5/§6): a patient
 * lost (episode finished, membership lapsed — by a write or by the clock) → a revocation (a DELETE entry with
 * the revoked extension) for each of that patient's care records, so the client purges them; a role that loses
 * its care mandate over the same patient (nurse → secretary in the directory) → a revocation for each record the
 * schedule view no longer shows; a patient gained
 * → the records written before the cursor (the feed's own rows only carry what came after).
 *
 * Computed, not recorded: the set "then" is the care relationship as the store stood when the previous page was
 * served (its commit sequence and instant ride, authenticated, in the cursor), the set "now" is today's. A
 * cursor from before this (no scope in it) compares with the store at the cursor's sequence, at today's time.
 */
import type { PolicyScope, Revocation, ChangesSince } from '../policy/resource-policy';
import type { StoredVersion } from '../storage/platform-storage';
import { careAccess, careRelationships, type CareAccess } from './care-relationship';
import { clinicalElementOf } from './schedule-view';

/** At most this many care records are revoked or granted in one page (a patient's records, all of them, are far fewer). */
const MAX_RECORDS = 200_000;

async function recordsOf(scope: PolicyScope, patients: string[], types: readonly string[]) {
  if (patients.length === 0) return [];
  const page = await scope.tx.changes(
    { allOfTypes: [], resources: [], createdBy: [], excludedTypes: [], careRecords: { patients, types: [...types] } },
    0,
    MAX_RECORDS,
  );
  return page.rows.filter((row) => row.resource);
}

/** Whether the record stays readable to someone left with the schedule only (who, when, where). */
const scheduleReadable = (row: StoredVersion) =>
  clinicalElementOf(row.type, row.resource as unknown as Record<string, unknown>) === undefined;

const RANK: Record<CareAccess, number> = { none: 0, 'schedule-only': 1, care: 2 };

export async function careRevocations(
  scope: PolicyScope,
  types: readonly string[],
  after: number,
  upTo: number,
  previous: ChangesSince | undefined,
): Promise<Revocation[]> {
  const principal = scope.principal;
  if (!principal || principal.role === 'patient') return [];
  const now = await scope.memo('care:relationships', () => careRelationships(scope.tx, principal, scope.now));
  const then = await careRelationships(scope.tx, principal, previous?.servedAt ?? scope.now, previous?.scopeSequence ?? after);
  const patients = new Set([...then.keys(), ...now.keys()]);
  const lost = [...patients].filter((p) => RANK[careAccess(now, p)] === 0 && RANK[careAccess(then, p)] > 0);
  // A role that lost its care mandate (nurse → secretary) over the same patient: the clinical records go, the schedule stays.
  const demoted = [...patients].filter((p) => careAccess(now, p) === 'schedule-only' && careAccess(then, p) === 'care');
  const gained = [...patients].filter((p) => RANK[careAccess(now, p)] > RANK[careAccess(then, p)]);
  // At the end of the window (after the page's rows): a lost record may have changed in this very page (refused, not sent).
  // Only records that existed at the cursor: the user never had a later one, and must not learn it exists.
  const existedThen = async (row: StoredVersion) =>
    row.seq <= after || (row.versionId > 1 && ((await scope.tx.version(row.type, row.id, 1))?.seq ?? Infinity) <= after);
  const revocations: Revocation[] = [];
  const revoked = [
    ...(await recordsOf(scope, lost, types)),
    ...(await recordsOf(scope, demoted, types)).filter((r) => !scheduleReadable(r)),
  ];
  for (const row of revoked) {
    if (await existedThen(row)) revocations.push({ seq: upTo, type: row.type, id: row.id, kind: 'revoke' });
  }
  // Re-sent only if readable now (the repository asks the read policy of each grant).
  for (const row of await recordsOf(scope, gained, types)) {
    if (row.seq <= after) revocations.push({ seq: upTo, type: row.type, id: row.id, kind: 'grant' });
  }
  return revocations;
}
