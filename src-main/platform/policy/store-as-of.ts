/**
 * The store as it stood at an earlier commit sequence, for the reads a domain's `$changes` scope is computed
 * from (current versions, searches, the current sequence). A domain that derives a user's scope from
 * records (a tumour board's seats) computes it "then" on this view and "now" on the live store, and revokes
 * the difference. Read only: a write through it is a programming error and throws.
 */
import type { StorageTx, StoredVersion } from '../storage/platform-storage';

const READS_AS_OF = new Set<keyof StorageTx>(['current', 'search', 'currentSequence', 'changes', 'existing']);

export function storeAsOf(tx: StorageTx, sequence: number): StorageTx {
  const asOf: Partial<StorageTx> = {
    currentSequence: async () => sequence,
    search: (request, snapshot) => tx.search(request, Math.min(snapshot, sequence)),
    current: (type, id) => versionAt(tx, type, id, sequence),
    existing: async (type, ids) => {
      const found = new Set<string>();
      for (const id of ids) if ((await versionAt(tx, type, id, sequence))?.resource) found.add(id);
      return found;
    },
    changes: () => Promise.reject(new Error('storeAsOf: $changes of an earlier store is not supported')),
  };
  return new Proxy(tx, {
    get(target, property, receiver) {
      if (READS_AS_OF.has(property as keyof StorageTx)) return asOf[property as keyof StorageTx];
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      // Reads of other tables (accounts, ledger) are not versioned: allowed as they are; writes are refused.
      if (
        /^(append|put|set|record|mark|create|revoke|clear|prune|delete|complete|move|claim|lock|savepoint)/.test(String(property))
      )
        return () => {
          throw new Error(`storeAsOf: ${String(property)} writes, and the store as of ${sequence} is read only`);
        };
      return value.bind(target);
    },
  });
}

/** The version of Type/id current at commit `sequence` (undefined before it existed or once deleted). */
async function versionAt(tx: StorageTx, type: string, id: string, sequence: number): Promise<StoredVersion | undefined> {
  let version = await tx.current(type, id);
  // Usually zero or one step back: only versions committed after `sequence` are walked over.
  while (version && version.seq > sequence)
    version = version.versionId > 1 ? await tx.version(type, id, version.versionId - 1) : undefined;
  return version?.resource ? version : undefined;
}
