/**
 * Bench child: a platform whose database holds, before it starts, `--own N` resources written by one
 * demo user (Observations and Tasks by `--owner`, recorded with that user as creator), appended through
 * the platform's storage API with the same validation and search indexing as any write. That puts all
 * of them in the user's `$changes` scope (ARCHITECTURE §5: resources the user created). The usual demo
 * seed (directory, patients, documents) is added by startPlatform on top.
 *
 * With `--care-days D`, each of the owner's patients also gets D days of care records (care-resources.ts).
 *
 * argv: --data-dir DIR --own N --owner ROLE --patients N --docs-per-patient N [--care-days D]
 * IPC: sends { type: 'listening', url } once serving; exits on SIGTERM or when the parent goes away.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DATABASE_FILE, startPlatform } from '../../../src-main/platform';
import { resourceTypeDef } from '../../../src-main/platform/fhir/resource-types';
import { validateResource } from '../../../src-main/platform/fhir/validation';
import { demoAccount } from '../../../src-main/platform/seed/demo-accounts';
import { SYSTEM_AUTHOR } from '../../../src-main/platform/policy/principal';
import { FAMILY_NAMES } from '../../../src-main/platform/seed/luxembourg';
import type { NewVersion } from '../../../src-main/platform/storage/platform-storage';
import { SqliteStorage } from '../../../src-main/platform/storage/sqlite-storage';
import type { Role } from '../../../src-shared/domain/roles';
import { residentRecords } from './care-resources';
import { ownResource } from './own-resources';
import { serveUntilParentLeaves } from './child';

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    own: { type: 'string', default: '0' },
    owner: { type: 'string', default: 'nurse' },
    patients: { type: 'string', default: '200' },
    'docs-per-patient': { type: 'string', default: '5' },
    'care-days': { type: 'string', default: '0' },
  },
});
const dataDir = values['data-dir']!;
const own = Number(values.own);
const patients = Number(values.patients);
const owner = demoAccount(values.owner as Role).userRef;
const careDays = Number(values['care-days']);

/** Appends resources as written by `author` (validated and indexed like any write), 5,000 per transaction. */
async function appendAll(
  storage: SqliteStorage,
  resources: Iterable<{ resourceType: string; id: string }>,
  author: string,
): Promise<number> {
  const now = new Date().toISOString();
  let batch: NewVersion[] = [];
  let count = 0;
  const flush = async () => {
    const versions = batch;
    batch = [];
    await storage.write(async (tx) => {
      for (const version of versions) await tx.append(version);
    });
  };
  for (const raw of resources) {
    const resource = { ...raw, meta: { versionId: '1', lastUpdated: now } };
    const { index } = validateResource(resourceTypeDef(resource.resourceType)!, resource as never);
    batch.push({
      type: resource.resourceType,
      id: resource.id,
      versionId: 1,
      lastUpdated: now,
      author,
      createdBy: author,
      resource: resource as never,
      index,
    });
    count += 1;
    if (batch.length >= 5000) await flush();
  }
  if (batch.length > 0) await flush();
  return count;
}

async function seedOwn(): Promise<void> {
  const storage = new SqliteStorage(join(dataDir, DATABASE_FILE));
  try {
    const now = new Date().toISOString();
    // The owner cares for the bench patients (a care team each), as a nurse of the round does: care records
    // reach a user's cache through the care relationship (ARCHITECTURE §5), not because they wrote them.
    await storage.write(async (tx) => {
      for (let n = 1; n <= patients; n++) {
        const resource = {
          resourceType: 'CareTeam' as const,
          id: `bench-careteam-${n}`,
          meta: { versionId: '1', lastUpdated: now },
          status: 'active' as const,
          subject: { reference: `Patient/pat-${String(n).padStart(6, '0')}` },
          participant: [{ member: { reference: owner } }],
        };
        const { index } = validateResource(resourceTypeDef('CareTeam')!, resource);
        await tx.append({
          type: 'CareTeam',
          id: resource.id,
          versionId: 1,
          lastUpdated: now,
          author: SYSTEM_AUTHOR,
          createdBy: SYSTEM_AUTHOR,
          resource,
          index,
        });
      }
    });
    for (let start = 0; start < own; start += 5000) {
      const batch: NewVersion[] = [];
      for (let i = start; i < Math.min(own, start + 5000); i++) {
        const resource = { ...ownResource(i, owner, patients, FAMILY_NAMES), meta: { versionId: '1', lastUpdated: now } };
        const { index } = validateResource(resourceTypeDef(resource.resourceType)!, resource);
        batch.push({
          type: resource.resourceType,
          id: resource.id,
          versionId: 1,
          lastUpdated: now,
          author: owner,
          createdBy: owner,
          resource,
          index,
        });
      }
      await storage.write(async (tx) => {
        for (const version of batch) await tx.append(version);
      });
    }
    if (careDays > 0) {
      const records = function* () {
        for (let n = 1; n <= patients; n++) yield* residentRecords(n, careDays, owner);
      };
      await appendAll(storage, records(), owner);
    }
  } finally {
    await storage.close();
  }
}

serveUntilParentLeaves('bench platform', async () => {
  if (own > 0 || careDays > 0) await seedOwn();
  const platform = await startPlatform({
    port: 0,
    dataDir,
    seed: 'demo',
    patients,
    docsPerPatient: Number(values['docs-per-patient']),
  });
  process.send?.({ type: 'listening', url: platform.url });
  return platform;
});
