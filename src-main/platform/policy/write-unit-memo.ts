/**
 * The policy memo of one write unit (a request's transaction, a Bundle of 100 entries): a look-up a policy
 * makes for every entry (the writer's care relationships, a DSP state) is made once, and made again as soon
 * as the unit itself changes what it read. Within one transaction an earlier entry may change what a later one
 * is allowed (entry 1 opens an EpisodeOfCare, entry 2 writes a record of that patient; or ends it, and entry 2
 * must be refused), so a value is kept only while no version of a type it depends on has been appended:
 * - a value that declares its types (`memo(key, make, dependsOn)`) is dropped when the unit appends a version
 *   of one of them;
 * - a value that declares none is dropped when the unit appends any version (fail safe: fresh after any write);
 * - everything is dropped when a savepoint rolls back (a failed batch entry): a value made after its writes
 *   would describe rows that no longer exist.
 * Every append goes through the unit's StorageTx, which `trackingAppends` wraps: nothing a domain writes
 * on the side can go round it.
 */
import type { StorageTx } from '../storage/platform-storage';

interface Kept {
  value: unknown;
  /** undefined: depends on every type. */
  dependsOn: ReadonlySet<string> | undefined;
}

export class WriteUnitMemo {
  private readonly kept = new Map<string, Kept>();

  memo<T>(key: string, make: () => T, dependsOn?: readonly string[]): T {
    const found = this.kept.get(key);
    if (found) return found.value as T;
    const value = make();
    this.kept.set(key, { value, dependsOn: dependsOn ? new Set(dependsOn) : undefined });
    return value;
  }

  /** The unit is about to append a version of `type`: what was read before may no longer hold. */
  versionAppended(type: string): void {
    for (const [key, { dependsOn }] of this.kept) if (dependsOn === undefined || dependsOn.has(type)) this.kept.delete(key);
  }

  /** A savepoint rolled back: its writes are gone, and values made since may describe them. */
  rolledBack(): void {
    this.kept.clear();
  }
}

/** The unit's transaction, telling `memo` of every append and every rolled-back savepoint. */
export function trackingAppends(tx: StorageTx, memo: WriteUnitMemo): StorageTx {
  return new Proxy(tx, {
    get(target, property) {
      if (property === 'append')
        return async (version: Parameters<StorageTx['append']>[0]) => {
          // Before (nothing reads the old state into the memo from here on) and after (nor while it is written).
          memo.versionAppended(version.type);
          try {
            return await target.append(version);
          } finally {
            memo.versionAppended(version.type);
          }
        };
      if (property === 'savepoint')
        return async <T>(work: () => Promise<T>): Promise<T> => {
          try {
            return await target.savepoint(work);
          } catch (error) {
            memo.rolledBack();
            throw error;
          }
        };
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
