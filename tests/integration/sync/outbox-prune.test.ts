import { afterAll, describe, expect, it } from 'vitest';
import type { Core } from '../../../src-main/core';
import { createTestClient, loginAs, nursingTask } from '../../fixtures/test-client';
import { startTestPlatform, type TestPlatform } from '../../fixtures/test-platform';

// Acknowledged operations (a message bundle is a whole encrypted message) must not pile up in the outbox:
// one leaves once a pull that started after its acknowledgement has brought its effect into the cache.
let platform: TestPlatform | undefined;
let client: Core | undefined;

afterAll(async () => {
  await client?.close();
  await platform?.stop();
});

describe('pruning acknowledged outbox operations', () => {
  it('an acked operation disappears after the next pull brings its effect; an unacked or quarantined one stays', async () => {
    platform = await startTestPlatform();
    client = createTestClient(platform.url);
    await loginAs(client, 'nurse');
    const { store, writes, engine, worker } = client.sessions.require();
    await worker.stop(); // this test drives push and pull itself, one step at a time
    const opOf = (id: string) => store.outbox.unackedFor(`Task/${id}`)[0]!.opId;

    const sent = writes.create(nursingTask('Visite du matin'));
    const sentOp = opOf(sent.id);
    const refused = writes.create(nursingTask('Patient inconnu', 'Patient/no-such-patient'));
    const refusedOp = opOf(refused.id);
    expect(await engine.push()).toMatchObject({ acked: 1, quarantined: 1 });
    // Acknowledged, but its effect has not come through the feed yet: kept.
    expect(store.outbox.get(sentOp)).toMatchObject({ status: 'acked' });

    const waiting = writes.create(nursingTask('Visite du soir')); // queued, not pushed
    const waitingOp = opOf(waiting.id);
    await engine.pull();
    expect(store.outbox.get(sentOp)).toBeUndefined();
    expect(store.resources.versionOf('Task', sent.id)).toEqual({ versionId: 1, deleted: false });
    expect(store.outbox.get(waitingOp)).toMatchObject({ status: 'pending' });
    expect(store.outbox.get(refusedOp)).toMatchObject({ status: 'pending' });
    expect(store.quarantine.get(refusedOp)).toMatchObject({ resolvedAt: null });

    // Pulled again and again, the waiting and the quarantined operations stay until they are acked/resolved.
    await engine.pull();
    expect(
      store.outbox
        .listUnacked()
        .map((op) => op.opId)
        .sort(),
    ).toEqual([refusedOp, waitingOp].sort());
    expect(await engine.push()).toMatchObject({ acked: 1 });
    expect(store.outbox.get(waitingOp)).toMatchObject({ status: 'acked' });
    await engine.pull();
    expect(store.outbox.get(waitingOp)).toBeUndefined();
    expect(store.outbox.get(refusedOp)).toMatchObject({ status: 'pending' });
    expect(store.outbox.countUnacked()).toBe(1);
  });
});
