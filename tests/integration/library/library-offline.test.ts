/**
 * The library on a device (issue 13): searched on the platform, in the user's language; a document
 * opened (or pinned) is kept in the encrypted cache and opens again with the platform stopped, and the
 * offline search lists what this device has seen, saying it is offline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../../src-main/core';
import { startTestPlatform, type TestPlatform } from '../../fixtures/test-platform';
import { createTestClient, loginAs, ok } from '../../fixtures/test-client';

let platform: TestPlatform;
let core: Core;

beforeAll(async () => {
  platform = await startTestPlatform();
  core = createTestClient(platform.url, undefined, { requestTimeoutMs: 2_000 });
  await loginAs(core, 'nurse');
});
afterAll(async () => {
  await core?.close();
  await platform?.stop();
});

describe('the library on a device', () => {
  it('a search for "vaccination" lists current editions only, titled in the language asked for', async () => {
    const found = await ok(core.desk.library.search({ text: 'vaccination', lang: 'de' }));
    expect(found.offline).toBe(false);
    const ids = found.documents.map((d) => d.id);
    expect(ids).toContain('lib-vaccination-calendrier-2025');
    expect(ids).not.toContain('lib-vaccination-calendrier-2024');
    expect(found.documents.find((d) => d.id === 'lib-vaccination-grippe')!.title).toBe('Grippeimpfung');
    const withOld = await ok(core.desk.library.search({ text: 'vaccination', includeSuperseded: true }));
    const old = withOld.documents.find((d) => d.id === 'lib-vaccination-calendrier-2024')!;
    expect(old.superseded).toBe(true);
    expect(old.replacedBy).toBe('lib-vaccination-calendrier-2025');
  });

  it('an opened document and a pinned one open again with the platform stopped; the offline search says so', async () => {
    const opened = await ok(core.desk.library.open({ id: 'lib-vaccination-grippe' }));
    expect(Buffer.from(opened.data, 'base64').subarray(0, 5).toString()).toBe('%PDF-');
    await ok(core.desk.library.pin({ id: 'lib-diabete-pied', pinned: true }));
    await platform.stop();
    const again = await ok(core.desk.library.open({ id: 'lib-vaccination-grippe' }));
    expect(again.data).toBe(opened.data);
    expect((await ok(core.desk.library.open({ id: 'lib-diabete-pied' }))).document.pinned).toBe(true);
    const offline = await ok(core.desk.library.search({ text: 'grippe' }));
    expect(offline.offline).toBe(true);
    expect(offline.documents.map((d) => d.id)).toEqual(['lib-vaccination-grippe']);
    expect(offline.documents[0]!.onDevice).toBe(true);
    const never = await core.desk.library.open({ id: 'lib-hygiene-bmr' });
    expect(never.ok).toBe(false);
    if (!never.ok) expect(never.error.code).toBe('offline');
  });
});
