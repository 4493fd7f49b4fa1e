/**
 * A change pulled while a local edit of the same record was still waiting must not be lost from the
 * cache once that edit is acknowledged (ARCHITECTURE §6: the cache converges to the platform).
 *
 * Scripted through the fault proxy: the laptop's edit commits but its answer is lost; the desktop then
 * edits the same Task on top of it; the laptop's next push fails (503) and its pull, seeing the desktop's
 * version, must hold it back because the laptop's edit is still waiting; the replay is then
 * acknowledged. The laptop must end on the desktop's version, not on its own older one.
 */
import type { Task } from 'fhir/r4';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Core } from '../../../src-main/core';
import { createTestClient, loginAs, syncNow } from '../../fixtures/test-client';
import { startTestPlatform, type TestPlatform } from '../../fixtures/test-platform';
import { FaultProxy } from '../support/fault-proxy';

let platform: TestPlatform;
let proxy: FaultProxy;
let laptop: Core;
let desktop: Core;

function cached(core: Core, id: string) {
  return core.sessions.require().store.resources.get<Task>('Task', id)!;
}

function edit(core: Core, id: string, description: string): void {
  const task = cached(core, id);
  core.sessions.require().writes.update({ ...task.resource, description } as Task & { id: string }, String(task.versionId));
}

beforeAll(async () => {
  platform = await startTestPlatform();
  proxy = new FaultProxy({ upstream: new URL(platform.url).origin, seed: 1, weights: { pass: 1 } });
  await proxy.start();
  laptop = createTestClient(proxy.fhirUrl); // only the laptop goes through the proxy
  desktop = createTestClient(platform.url);
  await loginAs(laptop, 'nurse');
  await loginAs(desktop, 'nurse');
});

afterAll(async () => {
  await laptop?.close();
  await desktop?.close();
  await proxy?.stop();
  await platform?.stop();
});

it('a version pulled while a local edit waited reaches the cache once the edit is acknowledged', async () => {
  const task = laptop.sessions.require().writes.create<Task>({
    resourceType: 'Task',
    status: 'requested',
    intent: 'order',
    description: 'Pansement',
    for: { reference: 'Patient/demo-patient' },
  });
  expect(await syncNow(laptop)).toMatchObject({ pending: 0 });
  await syncNow(desktop);

  // The edit travels in a batch Bundle (POST /fhir):
  proxy.forceNext('POST', 'drop'); // committed as version 2, the answer is lost…
  proxy.forceNext('POST', 'error503', { sticky: true }); // …and every replay fails until further notice
  edit(laptop, task.id, 'Pansement — laptop');
  expect(await syncNow(laptop)).toMatchObject({ pending: 1 });

  await syncNow(desktop);
  expect(cached(desktop, task.id).resource.description).toBe('Pansement — laptop');
  edit(desktop, task.id, 'Pansement — desktop');
  expect(await syncNow(desktop)).toMatchObject({ pending: 0, conflicts: 0 }); // version 3

  // The laptop's replay fails again; its pull sees version 3 while the edit waits.
  expect(await syncNow(laptop)).toMatchObject({ pending: 1 });
  expect(cached(laptop, task.id).resource.description).toBe('Pansement — laptop'); // the waiting edit stays visible

  proxy.clearScript();
  expect(await syncNow(laptop)).toMatchObject({ pending: 0, conflicts: 0 }); // the replay is acknowledged (version 2)
  await syncNow(laptop);
  const onPlatform = (await laptop.sessions.require().client.read<Task>('Task', task.id)).resource;
  expect(onPlatform).toMatchObject({ description: 'Pansement — desktop', meta: { versionId: '3' } });
  expect(cached(laptop, task.id)).toMatchObject({ versionId: 3, resource: { description: 'Pansement — desktop' } });
});
