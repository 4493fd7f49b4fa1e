import type { Task } from 'fhir/r4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../../src-main/core';
import { createTestClient, loginAs, syncNow } from '../../fixtures/test-client';
import { startTestPlatform, type TestPlatform } from '../../fixtures/test-platform';

// Two devices of the same nurse against one platform (Joplin-style: two clients, one server, one test).
let platform: TestPlatform;
let laptop: Core;
let desktop: Core;

async function platformTask(id: string): Promise<Task> {
  const session = laptop.sessions.require();
  return (await session.client.read<Task>('Task', id)).resource;
}

function newTask(description: string): Task {
  return {
    resourceType: 'Task',
    status: 'requested',
    intent: 'order',
    description,
    for: { reference: 'Patient/demo-patient' },
  };
}

function cachedTask(core: Core, id: string) {
  return core.sessions.require().store.resources.get<Task>('Task', id)!;
}

function editTask(core: Core, id: string, description: string) {
  const cached = cachedTask(core, id);
  core.sessions.require().writes.update({ ...cached.resource, description } as Task & { id: string }, String(cached.versionId));
}

beforeAll(async () => {
  platform = await startTestPlatform();
  laptop = createTestClient(platform.url);
  desktop = createTestClient(platform.url);
  await loginAs(laptop, 'nurse');
  await loginAs(desktop, 'nurse');
});
afterAll(async () => {
  await laptop?.close();
  await desktop?.close();
  await platform?.stop();
});

describe('sync conflicts on a mutable record', () => {
  it('a record written on one device reaches the other', async () => {
    const task = laptop.sessions.require().writes.create(newTask('Pansement jambe gauche'));
    expect((await syncNow(laptop)).pending).toBe(0);
    await syncNow(desktop);
    expect(cachedTask(desktop, task.id).resource.description).toBe('Pansement jambe gauche');
  });

  it('concurrent edits end with one applied and one quarantined with both versions, never a silent overwrite', async () => {
    const task = laptop.sessions.require().writes.create(newTask('Prise de sang à jeun'));
    await syncNow(laptop);
    await syncNow(desktop);

    // Each write nudges its device's worker at once: the laptop's edit reaches the platform first (no
    // race between the two pushes), the desktop's is made on the version it had, without seeing it.
    editTask(laptop, task.id, 'Prise de sang à jeun — 7h30');
    const first = await syncNow(laptop);
    editTask(desktop, task.id, 'Prise de sang à jeun — annulée');
    expect(first).toMatchObject({ pending: 0, conflicts: 0 });
    const second = await syncNow(desktop);
    expect(second).toMatchObject({ pending: 1, conflicts: 1 });

    // The platform kept the first writer's version.
    expect((await platformTask(task.id)).description).toBe('Prise de sang à jeun — 7h30');
    // The second device still has its own edit, and the conflict shows both versions.
    expect(cachedTask(desktop, task.id).resource.description).toBe('Prise de sang à jeun — annulée');
    const conflicts = await desktop.desk.sync.conflicts({});
    expect(conflicts.ok).toBe(true);
    if (!conflicts.ok) return;
    const [conflict] = conflicts.value;
    expect(conflict).toMatchObject({
      entityKey: `Task/${task.id}`,
      local: { description: 'Prise de sang à jeun — annulée' },
      server: { description: 'Prise de sang à jeun — 7h30' },
    });
    expect(conflict!.reason).toMatch(/If-Match/);

    // Syncing again changes nothing until a person decides.
    expect(await syncNow(desktop)).toMatchObject({ pending: 1, conflicts: 1 });
    expect((await platformTask(task.id)).description).toBe('Prise de sang à jeun — 7h30');
  });

  it("the user's choice of their own version is applied on top of the server version", async () => {
    const conflicts = await desktop.desk.sync.conflicts({});
    if (!conflicts.ok) throw new Error('no conflicts');
    const [conflict] = conflicts.value;
    const resolved = await desktop.desk.sync.resolve({ opId: conflict!.opId, choice: 'mine' });
    expect(resolved).toMatchObject({ ok: true, value: { conflicts: 0 } });
    await syncNow(desktop);
    const id = conflict!.entityKey.split('/')[1]!;
    expect((await platformTask(id)).description).toBe('Prise de sang à jeun — annulée');
    await syncNow(laptop);
    expect(cachedTask(laptop, id).resource.description).toBe('Prise de sang à jeun — annulée');
  });

  it("choosing the server's version drops the local edit and shows the server's everywhere", async () => {
    const task = laptop.sessions.require().writes.create(newTask('Injection insuline'));
    await syncNow(laptop);
    await syncNow(desktop);
    editTask(laptop, task.id, 'Injection insuline 10 UI');
    await syncNow(laptop); // first on the platform (see above)
    editTask(desktop, task.id, 'Injection insuline 12 UI');
    await syncNow(desktop);
    const conflicts = await desktop.desk.sync.conflicts({});
    if (!conflicts.ok) throw new Error('no conflicts');
    const conflict = conflicts.value.find((c) => c.entityKey === `Task/${task.id}`)!;
    expect(await desktop.desk.sync.resolve({ opId: conflict.opId, choice: 'theirs' })).toMatchObject({
      ok: true,
      value: { conflicts: 0, pending: 0 },
    });
    expect(cachedTask(desktop, task.id).resource.description).toBe('Injection insuline 10 UI');
    expect((await platformTask(task.id)).description).toBe('Injection insuline 10 UI');
  });

  it('a quarantined record does not hold back writes to other records', async () => {
    const blocked = laptop.sessions.require().writes.create(newTask('Toilette'));
    await syncNow(laptop);
    await syncNow(desktop);
    editTask(laptop, blocked.id, 'Toilette complète');
    await syncNow(laptop); // first on the platform (see above)
    editTask(desktop, blocked.id, 'Toilette partielle');
    await syncNow(desktop); // quarantines the desktop's edit
    const other = desktop.sessions.require().writes.create(newTask('Contrôle glycémie'));
    const status = await syncNow(desktop);
    expect(status.conflicts).toBe(1);
    expect((await platformTask(other.id)).description).toBe('Contrôle glycémie');
  });
});
