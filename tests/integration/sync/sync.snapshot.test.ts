import { afterAll, describe, expect, it } from 'vitest';
import type { Core } from '../../../src-main/core';
import { createTestClient, loginAs, nursingTask, syncNow } from '../../fixtures/test-client';
import { startTestPlatform, type TestPlatform } from '../../fixtures/test-platform';

// A platform whose database was replaced answers our cursor with 410: the client starts a new snapshot,
// dropping cached copies the new platform does not have, and keeps its outbox and its quarantine.
let platform: TestPlatform | undefined;
let client: Core | undefined;

afterAll(async () => {
  await client?.close();
  await platform?.stop();
});

describe('a new snapshot after 410', () => {
  it('drops what the new platform does not have and keeps the outbox and the quarantine', async () => {
    platform = await startTestPlatform();
    const port = platform.port;
    client = createTestClient(platform.url);
    await loginAs(client, 'nurse');
    const session = client.sessions.require();
    const onOldPlatform = session.writes.create(nursingTask('Visite du matin'));
    await syncNow(client);
    expect(session.store.resources.versionOf('Task', onOldPlatform.id)).toMatchObject({ versionId: 1 });

    // The platform's database is replaced by a new one at the same address.
    await platform.stop();
    const refused = session.writes.create(nursingTask('Patient inconnu', 'Patient/no-such-patient'));
    const written = session.writes.create(nursingTask('Visite du soir'));
    platform = await startTestPlatform({ port });
    await loginAs(client, 'nurse'); // the new platform does not know the old tokens

    const status = await syncNow(client);
    expect(status).toMatchObject({ connectivity: 'online', conflicts: 1, pending: 1 });
    // The write made while the platform was away reached the new one and is cached at its version.
    expect(session.store.resources.versionOf('Task', written.id)).toMatchObject({ versionId: 1, deleted: false });
    // What only the old platform had is gone from the cache.
    expect(session.store.resources.get('Task', onOldPlatform.id)).toBeUndefined();
    // The refused write is kept for the user, with the platform's reason, not dropped.
    const [conflict] = session.store.quarantine.list();
    expect(conflict).toMatchObject({ entityKey: `Task/${refused.id}` });
    expect(conflict!.reason).toMatch(/no-such-patient|reference/i);
    expect(session.store.outbox.listUnacked().map((op) => op.entityKey)).toEqual([`Task/${refused.id}`]);
  });
});
