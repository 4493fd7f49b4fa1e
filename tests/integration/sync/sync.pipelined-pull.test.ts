/**
 * Issue 10, item 3 — the pull is pipelined: page N+1 is asked for while page N is applied, and still
 * each page commits together with its own cursor, so a pull that dies half-way resumes where the
 * stored cursor says. Real platform over HTTP, real encrypted cache, small pages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../../src-main/core';
import { CHANGES_CURSOR_KEY, SyncEngine } from '../../../src-main/core/sync';
import { createTestClient, loginAs } from '../../fixtures/test-client';
import { startTestPlatform, type TestPlatform } from '../../fixtures/test-platform';

const PAGE = 7;
let platform: TestPlatform;
let device: Core;
/** What happened, in order: `ask <cursor>` when a page request leaves, `applied <cursor>` once a page and its cursor committed. */
let events: string[] = [];
/** The cursors set during the current pull, and the one whose setting fails (1-based; 0: none). */
let cursorsSet: string[] = [];
let failAtCursor = 0;

const session = () => device.sessions.require();

beforeAll(async () => {
  platform = await startTestPlatform();
  device = createTestClient(platform.url);
  await loginAs(device, 'nurse');
  await session().worker.stop();
  const { client, store } = session();
  const changes = client.changes.bind(client);
  client.changes = (cursor, count) => {
    events.push(`ask ${cursor}`);
    return changes(cursor, count);
  };
  const set = store.syncState.set.bind(store.syncState);
  store.syncState.set = (key, value) => {
    if (key === CHANGES_CURSOR_KEY) {
      cursorsSet.push(value);
      if (cursorsSet.length === failAtCursor) throw new Error('the process dies while applying this page');
    }
    set(key, value);
  };
});

afterAll(async () => {
  await device?.close();
  await platform?.stop();
});

describe('pipelined pull', () => {
  it('asks for the next page before the current one is committed, and commits every page with its own cursor, in order', async () => {
    const store = session().store;
    store.syncState.delete(CHANGES_CURSOR_KEY); // the whole feed again, in pages of 7
    events = [];
    const committed: string[] = [];
    const engine = new SyncEngine(
      store,
      session().client,
      () => {
        const cursor = store.syncState.get(CHANGES_CURSOR_KEY)!;
        committed.push(cursor);
        events.push(`applied ${cursor}`);
      },
      PAGE,
    );

    const report = await engine.pull();

    expect(report.pages).toBeGreaterThanOrEqual(3);
    const asked = events.filter((e) => e.startsWith('ask ')).map((e) => e.slice(4));
    expect(asked).toHaveLength(report.pages);
    // Page k+1 is asked for with page k's cursor before page k (with that cursor) is committed.
    for (let k = 1; k < asked.length; k += 1) {
      expect(asked[k]).toBe(committed[k - 1]);
      expect(events.indexOf(`ask ${asked[k]}`)).toBeLessThan(events.indexOf(`applied ${asked[k]}`));
    }
    expect(committed).toHaveLength(report.pages);
    expect(store.syncState.get(CHANGES_CURSOR_KEY)).toBe(committed.at(-1));
  });

  it('a pull that dies while applying a page leaves the cursor of the page before it, and the next pull resumes there', async () => {
    const store = session().store;
    store.syncState.delete(CHANGES_CURSOR_KEY);
    const full = await new SyncEngine(store, session().client, () => {}, PAGE).pull();

    store.syncState.delete(CHANGES_CURSOR_KEY);
    cursorsSet = [];
    failAtCursor = 3; // page 3 never commits
    events = [];
    await expect(new SyncEngine(store, session().client, () => {}, PAGE).pull()).rejects.toThrow('dies while applying');
    expect(store.syncState.get(CHANGES_CURSOR_KEY)).toBe(cursorsSet[1]); // pages 1 and 2, nothing of page 3
    expect(events).toContain(`ask ${cursorsSet[2]}`); // page 4 was already on its way

    failAtCursor = 0;
    events = [];
    const resumed = await new SyncEngine(store, session().client, () => {}, PAGE).pull();
    expect(events[0]).toBe(`ask ${cursorsSet[1]}`);
    expect(resumed.pages).toBe(full.pages - 2);
  });
});
