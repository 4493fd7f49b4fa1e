/**
 * `$changes` on PostgreSQL with concurrent writers (issue 14). A sequence number handed out inside
 * concurrent transactions can commit out of order: a reader whose cursor passed 102 never sees 101 if
 * 101 commits afterwards. 8 writers on 2 storage instances (two connection pools, as two platform
 * processes have) commit 20,000 resources in transactions of 1–6 appends with random waits between
 * the appends, some rolled back, while a reader follows the feed the way `$changes` reads it
 * (`changes()` after its cursor, in pages). The reader must end with every committed resource exactly
 * once, no rolled-back one, in increasing seq order.
 *
 * With the sequence handed out at insert (the naive cursor), the reader never saw 11,864 of the ~19,400
 * committed resources (postgres-storage.ts' header). The storage hands seqs out at commit, in commit order.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { ChangeFilter, PlatformStorage } from '../../../src-main/platform/storage/platform-storage';
import { PostgresStorage } from '../../../src-main/platform/storage/postgres-storage';
import { createTestDatabase } from '../../fixtures/postgres-cluster';
import { appendBareObservation } from './bare-observation';

const RESOURCES = 20_000;
const WRITERS = 8;
const FILTER: ChangeFilter = { allOfTypes: ['Observation'], resources: [], createdBy: [], excludedTypes: [] };

/** Deterministic waits and sizes (mulberry32): the same interleavings are attempted on every run. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let instances: PlatformStorage[] = [];

beforeAll(async () => {
  const url = await createTestDatabase(inject('postgresServerUrl'));
  instances = [await PostgresStorage.open(url, { poolSize: 6 }), await PostgresStorage.open(url, { poolSize: 6 })];
});

afterAll(async () => {
  await Promise.all(instances.map((storage) => storage.close()));
});

it('8 writers on 2 instances, 20,000 resources: the reader sees every committed one exactly once, in order', async () => {
  let next = 0;
  const committed = new Set<string>();
  const rolledBack = new Set<string>();
  const writer = async (w: number) => {
    const storage = instances[w % instances.length]!;
    const random = prng(w + 1);
    let transactions = 0;
    while (next < RESOURCES) {
      const size = Math.min(1 + Math.floor(random() * 6), RESOURCES - next);
      const ids = Array.from({ length: size }, () => `obs-${next++}`);
      const abort = ++transactions % 37 === 0;
      try {
        await storage.write(async (tx) => {
          for (const id of ids) {
            await appendBareObservation(tx, id);
            // Inside the transaction: others append and commit meanwhile.
            await pause(random() * 4);
          }
          if (abort) throw new Error('rolled back on purpose');
        });
        for (const id of ids) committed.add(id);
      } catch (error) {
        if ((error as Error).message !== 'rolled back on purpose') throw error;
        for (const id of ids) rolledBack.add(id);
      }
    }
  };

  const seen: string[] = [];
  const seqs: number[] = [];
  let cursor = 0;
  let writing = true;
  const follow = async (): Promise<number> => {
    const page = await instances[0]!.read((tx) => tx.changes(FILTER, cursor, 500));
    for (const row of page.rows) {
      seen.push(row.id);
      seqs.push(row.seq);
      cursor = row.seq;
    }
    return page.rows.length;
  };
  const reader = (async () => {
    while (writing) if ((await follow()) === 0) await pause(1);
    while ((await follow()) > 0);
  })();

  await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
  writing = false;
  await reader;

  const delivered = new Set(seen);
  const duplicates = seen.length - delivered.size;
  const lost = [...committed].filter((id) => !delivered.has(id));
  expect({ committed: committed.size + rolledBack.size, duplicates, lost: lost.length }).toEqual({
    committed: RESOURCES,
    duplicates: 0,
    lost: 0,
  });
  expect(seen.length).toBe(committed.size);
  expect(seen.filter((id) => rolledBack.has(id))).toEqual([]);
  expect(seqs.every((seq, i) => i === 0 || seq > seqs[i - 1]!)).toBe(true);
  expect(rolledBack.size).toBeGreaterThan(0);
  expect(await instances[1]!.integrityCheck()).toBe('ok');
}, 300_000);
