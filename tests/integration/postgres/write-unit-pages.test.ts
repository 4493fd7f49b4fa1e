/**
 * A page link or a `$changes` cursor made inside a write (issue 14). Inside a write transaction on
 * PostgreSQL the commit sequence includes the transaction's own versions under provisional numbers
 * (postgres-schema.ts), renumbered at commit: a `next` link pinned to that snapshot, or a cursor after
 * one of those rows, would name a sequence no reader ever has (the next page: "names a snapshot this
 * server never had"). Transactions take POST, PUT and DELETE entries only and conditional look-ups page
 * with `searchRows`, so no such link is made today; the write repository refuses to make one at all.
 */
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import type { WriteContext } from '../../../src-main/platform/fhir/request-context';
import { buildPolicyRegistry } from '../../../src-main/platform/policies';
import { createScope } from '../../../src-main/platform/policy/read-guard';
import type { PolicyRepository } from '../../../src-main/platform/policy/repository';
import { PolicyWriteRepository } from '../../../src-main/platform/policy/write-repository';
import { PostgresStorage } from '../../../src-main/platform/storage/postgres-storage';
import { createTestDatabase } from '../../fixtures/postgres-cluster';
import { appendBareObservation } from './bare-observation';

let storage: PostgresStorage;

beforeAll(async () => {
  storage = await PostgresStorage.open(await createTestDatabase(inject('postgresServerUrl')));
});

afterAll(async () => {
  await storage.close();
});

it('inside a write, the sequence a page would be pinned to is provisional: beyond anything committed, never handed out', async () => {
  await storage.write((tx) => appendBareObservation(tx, 'before'));
  const inside = await storage.write(async (tx) => {
    const written = await appendBareObservation(tx, 'inside');
    return { snapshot: await tx.currentSequence(), rowSeq: written.seq };
  });
  const after = await storage.read(async (tx) => ({
    current: await tx.currentSequence(),
    final: (await tx.current('Observation', 'inside'))!.seq,
  }));
  expect(inside.snapshot).toBeGreaterThan(after.current);
  expect(inside.rowSeq).not.toBe(after.final);
  expect(after.final).toBe(after.current);
});

it('the write repository makes no search page and no $changes page', async () => {
  const registry = buildPolicyRegistry({ presenceCodeTtlSeconds: 3600 });
  const refused = await storage.write(async (tx) => {
    await appendBareObservation(tx, 'in-a-transaction');
    // Held as the read side's type, as a route's step or a domain operation would hold it.
    const repo: PolicyRepository = new PolicyWriteRepository(registry, createScope(null, tx), {} as WriteContext);
    return Promise.all(
      [repo.search('Observation', new URLSearchParams('_count=1')), repo.changes(new URLSearchParams(), 'epoch')].map((page) =>
        page.then(
          () => 'made',
          (error: Error) => error.message,
        ),
      ),
    );
  });
  expect(refused).toEqual([
    'a search page (its next link names a snapshot) is made in a read unit, never inside a write',
    'a $changes page (its cursor names a sequence) is made in a read unit, never inside a write',
  ]);
});
