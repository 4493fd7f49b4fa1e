/**
 * Issue 10, item 2 — the outbox leaves in `batch` Bundles (ARCHITECTURE §6): one round trip for many
 * operations, each entry under its own operation id, per-entry outcomes mapped as for single writes,
 * order per entity kept, and a batch whose answer is lost replayed without a second effect.
 * Real platform over HTTP, real encrypted caches; the fault proxy loses answers on purpose.
 */
import type { Task } from 'fhir/r4';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Core } from '../../../src-main/core';
import type { BatchWrite } from '../../../src-main/core/platform-client';
import { createTestClient, loginAs, nursingTask } from '../../fixtures/test-client';
import { startTestPlatform, type TestPlatform } from '../../fixtures/test-platform';
import { FaultProxy } from '../../fault/support/fault-proxy';

let platform: TestPlatform;
let proxy: FaultProxy;
let device: Core;
/** The operations of every batch the device sent, in order. */
let batches: BatchWrite[][] = [];
/** Operations sent on their own (not in a batch). */
let singles: string[] = [];

const session = () => device.sessions.require();

async function history(id: string): Promise<Task[]> {
  const bundle = await session().client.get<fhir4.Bundle>(`Task/${id}/_history`);
  return (bundle.entry ?? []).map((e) => e.resource as Task);
}

function cached(id: string) {
  return session().store.resources.get<Task>('Task', id)!;
}

/** A local edit of a cached Task, based on `base` (the cache's version when omitted). */
function edit(id: string, description: string, base = String(cached(id).versionId)): void {
  session().writes.update({ ...cached(id).resource, id, description }, base);
}

beforeAll(async () => {
  platform = await startTestPlatform();
  proxy = new FaultProxy({ upstream: new URL(platform.url).origin, seed: 1, weights: { pass: 1 } });
  await proxy.start();
  device = createTestClient(proxy.fhirUrl);
  await loginAs(device, 'nurse');
  // The test drives push itself: no worker sends a write as soon as it is made.
  await session().worker.stop();
  await session().engine.push(); // the messaging key published at login
  const client = session().client;
  const writeBatch = client.writeBatch.bind(client);
  client.writeBatch = async (ops) => {
    batches.push([...ops]);
    return writeBatch(ops);
  };
  const write = client.write.bind(client);
  client.write = (async (op: Parameters<typeof write>[0]) => {
    singles.push(op.opId);
    return write(op);
  }) as typeof client.write;
});

beforeEach(() => {
  batches = [];
  singles = [];
  proxy.clearScript();
});

afterAll(async () => {
  await device?.close();
  await proxy?.stop();
  await platform?.stop();
});

describe('batched push', () => {
  it('sends 40 queued writes in one round trip, and the second edit of a resource only after its first', async () => {
    const created = Array.from({ length: 40 }, (_, i) => session().writes.create(nursingTask(`batch create ${i}`)));
    const edited = created[0]!;
    edit(edited.id, 'batch create 0 — edited');

    const report = await session().engine.push();

    expect(report).toEqual({ acked: 41, quarantined: 0, interrupted: false });
    expect(singles).toEqual([]);
    expect(batches.map((b) => b.length)).toEqual([40, 1]); // the edit waited for its create's answer
    expect(batches[1]![0]).toMatchObject({ method: 'PUT', url: `Task/${edited.id}`, ifMatch: 'W/"1"' });
    expect((await history(edited.id)).map((t) => t.description)).toEqual(['batch create 0 — edited', 'batch create 0']);
    expect(cached(edited.id)).toMatchObject({ versionId: 2, resource: { description: 'batch create 0 — edited' } });
    expect(session().store.outbox.countUnacked()).toBe(0);
  });

  it('maps each entry like a single write: 201/200 acknowledged, 412 and 400 quarantined, a later edit held behind them', async () => {
    const stale = session().writes.create(nursingTask('stale base'));
    const good = session().writes.create(nursingTask('good'));
    await session().engine.push();
    batches = [];
    // Another device moves `stale` to version 2.
    const other = cached(stale.id).resource;
    await session().client.write({
      method: 'PUT',
      url: `Task/${stale.id}`,
      body: { ...other, description: 'moved on' },
      ifMatch: 'W/"1"',
      opId: randomUUID(),
    });

    edit(stale.id, 'mine on v1', '1'); // → 412
    edit(stale.id, 'mine, later', '1'); // queued behind it
    edit(good.id, 'good, edited', '1'); // → 200
    const invalid = session().writes.create({ ...nursingTask('invalid'), status: 'not-a-status' as Task['status'] }); // → 400
    const fresh = session().writes.create(nursingTask('fresh')); // → 201

    const report = await session().engine.push();

    expect(report).toEqual({ acked: 2, quarantined: 2, interrupted: false });
    expect(batches).toHaveLength(1);
    expect(batches[0]!.map((op) => op.url)).toEqual([
      `Task/${stale.id}`,
      `Task/${good.id}`,
      `Task/${invalid.id}`,
      `Task/${fresh.id}`,
    ]);
    const quarantine = session().store.quarantine.list();
    expect(quarantine.map((q) => q.entityKey).sort()).toEqual([`Task/${stale.id}`, `Task/${invalid.id}`].sort());
    expect(quarantine.find((q) => q.entityKey === `Task/${stale.id}`)).toMatchObject({
      local: { description: 'mine on v1' },
      server: { description: 'moved on' },
    });
    // The edit queued behind the conflict did not overtake it.
    expect(
      session()
        .store.outbox.unackedFor(`Task/${stale.id}`)
        .map((op) => (op.body as Task).description),
    ).toEqual(['mine on v1', 'mine, later']);
    expect(await session().engine.push()).toEqual({ acked: 0, quarantined: 0, interrupted: false });
    expect((await history(good.id)).map((t) => t.description)).toEqual(['good, edited', 'good']);
    expect((await history(fresh.id)).map((t) => t.meta?.versionId)).toEqual(['1']);
    for (const q of quarantine) session().engine.resolveConflict(q.opId, 'theirs');
    for (const op of session().store.outbox.listUnacked()) session().store.outbox.discard(op.opId);
  });

  it('a batch whose answer is lost after the platform committed it is replayed with no second effect', async () => {
    const tasks = Array.from({ length: 5 }, (_, i) => session().writes.create(nursingTask(`lost answer ${i}`)));
    proxy.forceNext('POST', 'drop'); // the platform commits the batch; the answer never arrives

    expect(await session().engine.push()).toMatchObject({ acked: 0, interrupted: true });
    expect(session().store.outbox.countUnacked()).toBe(5);
    expect(await session().engine.push()).toEqual({ acked: 5, quarantined: 0, interrupted: false });

    expect(batches).toHaveLength(2);
    expect(batches[1]!.map((op) => op.opId)).toEqual(batches[0]!.map((op) => op.opId)); // the same operations again
    for (const task of tasks) {
      expect((await history(task.id)).map((t) => t.description)).toEqual([task.description]);
      expect(cached(task.id).versionId).toBe(1);
    }
  });

  it('a batch refused as a whole for want of a login leaves every operation queued, none in flight', async () => {
    const tasks = Array.from({ length: 3 }, (_, i) => session().writes.create(nursingTask(`logged out ${i}`)));
    const client = session().client;
    const tokens = { accessToken: 'expired', refreshToken: 'revoked', user: client.user! };
    const real = { ...tokens, ...JSON.parse(session().store.syncState.get('platform.session')!) };
    client.restoreSession(tokens); // the platform refuses both: 401, then the refresh fails

    await expect(session().engine.push()).rejects.toMatchObject({ failure: { kind: 'unauthenticated' } });
    expect(
      session()
        .store.outbox.listUnacked()
        .map((op) => op.status),
    ).toEqual(['pending', 'pending', 'pending']);

    client.restoreSession(real);
    expect(await session().engine.push()).toEqual({ acked: 3, quarantined: 0, interrupted: false });
    for (const task of tasks) expect(await history(task.id)).toHaveLength(1);
  });

  it('an operation first sent on its own and replayed inside a batch gets its first result', async () => {
    const task = nursingTask('sent alone first');
    const id = randomUUID();
    const opId = randomUUID();
    const first = await session().client.write<Task>({
      method: 'PUT',
      url: `Task/${id}`,
      body: { ...task, id },
      ifMatch: null,
      opId,
    });
    expect(first.status).toBe(201);
    session().store.transaction(() => {
      session().store.resources.saveLocal({ ...task, id });
      session().store.outbox.enqueue({ opId, entityKey: `Task/${id}`, method: 'PUT', url: `Task/${id}`, body: { ...task, id } });
    });

    expect(await session().engine.push()).toEqual({ acked: 1, quarantined: 0, interrupted: false });
    expect(batches).toHaveLength(1);
    expect(await history(id)).toHaveLength(1);
    expect(cached(id)).toMatchObject({ versionId: 1, resource: { meta: { versionId: '1' } } });
  });

  it('a Bundle refused as a whole is split, so only the operation the platform cannot read is quarantined', async () => {
    const before = session().writes.create(nursingTask('before the broken one'));
    const brokenId = randomUUID();
    session().store.transaction(() => {
      // An update without its resource: the platform refuses the whole Bundle that carries it (400).
      session().store.outbox.enqueue({ entityKey: `Task/${brokenId}`, method: 'PUT', url: `Task/${brokenId}` });
    });
    const after = session().writes.create(nursingTask('after the broken one'));

    expect(await session().engine.push()).toEqual({ acked: 2, quarantined: 1, interrupted: false });

    expect(batches.map((b) => b.length)).toEqual([3, 1, 1, 1]);
    expect(
      session()
        .store.quarantine.list()
        .map((q) => q.entityKey),
    ).toEqual([`Task/${brokenId}`]);
    for (const task of [before, after]) expect(await history(task.id)).toHaveLength(1);
  });
});
