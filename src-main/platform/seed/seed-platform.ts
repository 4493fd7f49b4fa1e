/**
 * Writes the generated seed into a fresh platform database: demo accounts (scrypt-hashed), then the
 * resources in transactions of a few thousand, each validated and indexed like any client write.
 */
import { SYSTEM_AUTHOR } from '../policy/principal';
import { resourceTypeDef } from '../fhir/resource-types';
import { validateResource } from '../fhir/validation';
import { hashPassword } from '../auth/passwords';
import type { NewVersion, PlatformStorage, StorageTx } from '../storage/platform-storage';
import { storeContentApart } from '../policy/content-apart';
import { DEMO_ACCOUNTS } from './demo-accounts';
import { demoLibrary } from './demo-library';
import { generateSeed, type SeedOptions } from './generate';
import type { PolicyRegistry } from '../policy/policy-registry';

const BATCH_SIZE = 5000;

export async function seedPlatform(
  storage: PlatformStorage,
  policies: PolicyRegistry,
  options: SeedOptions,
): Promise<{ resources: number }> {
  const hashes = await Promise.all(DEMO_ACCOUNTS.map((a) => hashPassword(a.password)));
  await storage.write(async (tx) => {
    for (const [i, account] of DEMO_ACCOUNTS.entries()) {
      await tx.putAccount({
        identifier: account.identifier,
        passwordHash: hashes[i]!,
        otp: account.otp,
        role: account.role,
        userRef: account.userRef,
        displayName: account.displayName,
      });
    }
  });

  const now = new Date().toISOString();
  // A type whose content lives apart (a Binary's bytes in the blob store) is stored as a client's write would be.
  const withContentApart = async (tx: StorageTx, version: NewVersion): Promise<NewVersion> =>
    version.resource ? { ...version, resource: await storeContentApart(policies, tx, null, now, version.resource) } : version;
  let batch: NewVersion[] = [];
  let written = 0;
  const flush = async () => {
    const versions = batch;
    batch = [];
    await storage.write(async (tx) => {
      for (const version of versions) await tx.append(await withContentApart(tx, version));
    });
    written += versions.length;
  };
  // The public library's documents (real PDFs, made asynchronously) follow the generated records.
  const library = await demoLibrary();
  const items = function* () {
    yield* generateSeed(options);
    yield* library;
  };
  for (const item of items()) {
    const def = resourceTypeDef(item.resource.resourceType)!;
    const resource = { ...item.resource, meta: { ...item.resource.meta, versionId: '1', lastUpdated: now } };
    // The generator's references point at earlier items by construction; validation still checks
    // everything else (required elements, value sets, matricules), so seed data is never invalid.
    const { index } = validateResource(def, resource);
    // The governing policy's own index rows, as for any client write (a document's Binary travels with it in $changes).
    index.references.push(...(policies.forResource(def.type, resource as never).indexEntries?.(def, resource, new Map()) ?? []));
    batch.push({
      type: def.type,
      id: resource.id,
      versionId: 1,
      lastUpdated: now,
      author: SYSTEM_AUTHOR,
      createdBy: item.createdBy,
      resource,
      index,
    });
    if (batch.length >= BATCH_SIZE) await flush();
  }
  if (batch.length > 0) await flush();
  return { resources: written };
}
