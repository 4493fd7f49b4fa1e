/**
 * Two devices of one nurse, each on its own platform instance, both instances on one PostgreSQL
 * database (issue 14): an edit made on each device from the same version ends as on one SQLite
 * platform (tests/integration/sync/sync.conflicts.test.ts) — the first applied, the second a 412 that the
 * client quarantines with both versions, never a silent overwrite.
 */
import type { Task } from 'fhir/r4';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Core } from '../../../src-main/core';
import { createTestClient, loginAs, nursingTask, syncNow } from '../../fixtures/test-client';
import type { TestPlatform } from '../platform/platform-harness';
import { startTwoInstances } from './two-instances-harness';

let a: TestPlatform;
let b: TestPlatform;
let laptop: Core;
let desktop: Core;

beforeAll(async () => {
  [a, b] = await startTwoInstances();
  laptop = createTestClient(a.url);
  desktop = createTestClient(b.url);
  await loginAs(laptop, 'nurse');
  await loginAs(desktop, 'nurse');
});

afterAll(async () => {
  await laptop?.close();
  await desktop?.close();
  await Promise.all([a, b].filter(Boolean).map((env) => env.stop()));
});

const cachedTask = (core: Core, id: string) => core.sessions.require().store.resources.get<Task>('Task', id)!;

function editTask(core: Core, id: string, description: string): void {
  const cached = cachedTask(core, id);
  core.sessions.require().writes.update({ ...cached.resource, description } as Task & { id: string }, String(cached.versionId));
}

it('the same version edited through two instances: one applied, the other quarantined with both versions', async () => {
  const task = laptop.sessions.require().writes.create(nursingTask('Prise de sang à jeun'));
  expect((await syncNow(laptop)).pending).toBe(0);
  await syncNow(desktop);
  expect(cachedTask(desktop, task.id).resource.description).toBe('Prise de sang à jeun');

  editTask(laptop, task.id, 'Prise de sang à jeun — 7h30');
  expect(await syncNow(laptop)).toMatchObject({ pending: 0, conflicts: 0 });
  editTask(desktop, task.id, 'Prise de sang à jeun — annulée');
  expect(await syncNow(desktop)).toMatchObject({ pending: 1, conflicts: 1 });

  const onB = await desktop.sessions.require().client.read<Task>('Task', task.id);
  expect(onB.resource.description).toBe('Prise de sang à jeun — 7h30');
  const conflicts = await desktop.desk.sync.conflicts({});
  expect(conflicts.ok).toBe(true);
  if (!conflicts.ok) return;
  expect(conflicts.value[0]).toMatchObject({
    entityKey: `Task/${task.id}`,
    local: { description: 'Prise de sang à jeun — annulée' },
    server: { description: 'Prise de sang à jeun — 7h30' },
  });
  expect(conflicts.value[0]!.reason).toMatch(/If-Match/);
});
