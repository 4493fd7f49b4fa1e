/**
 * What `$changes` tells a user when the set of patients they care for changes (ARCHITECTURE §5/§6): a patient
 * lost (episode finished, membership lapsed — by a write or by the clock) → a revocation (a DELETE entry with
 * the revoked extension) for each of that patient's care records, so the client purges them; a patient gained
 * → the records written before the cursor (the feed's own rows only carry what came after).
 *
 * Computed, not recorded: the set "then" is the care relationship as the store stood when the previous page was
 * served (its commit sequence and instant ride, authenticated, in the cursor), the set "now" is today's. A
 * cursor from before this (no scope in it) compares with the store at the cursor's sequence, at today's time.
 */
import type { PolicyScope, Revocation, ChangesSince } from '../policy/resource-policy';
import { patientsInCare } from './care-relationship';

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

export async function careRevocations(
  scope: PolicyScope,
  types: readonly string[],
  after: number,
  upTo: number,
  previous: ChangesSince | undefined,
): Promise<Revocation[]> {
  const principal = scope.principal;
  if (!principal || principal.role === 'patient') return [];
  const now = new Set(
    await scope.memo('care:patients', async () => new Set(await patientsInCare(scope.tx, principal.userRef, scope.now))),
  );
  const then = new Set(
    await patientsInCare(scope.tx, principal.userRef, previous?.servedAt ?? scope.now, previous?.scopeSequence ?? after),
  );
  const lost = [...then].filter((p) => !now.has(p));
  const gained = [...now].filter((p) => !then.has(p));
  // At the end of the window (after the page's rows): a lost record may have changed in this very page (refused, not sent).
  // Only records that existed at the cursor: the user never had a later one, and must not learn it exists.
  const revocations: Revocation[] = [];
  for (const row of await recordsOf(scope, lost, types)) {
    const existedThen =
      row.seq <= after || (row.versionId > 1 && ((await scope.tx.version(row.type, row.id, 1))?.seq ?? Infinity) <= after);
    if (existedThen) revocations.push({ seq: upTo, type: row.type, id: row.id, kind: 'revoke' });
  }
  for (const row of await recordsOf(scope, gained, types)) {
    if (row.seq <= after) revocations.push({ seq: upTo, type: row.type, id: row.id, kind: 'grant' });
  }
  return revocations;
}
