/**
 * Spaces and library bench (issue 13, acceptance 4):
 * - spaces: the thread list of a 50-member space holding 2,000 posts (100 threads of 20), read from the
 *   encrypted cache as the screen reads it (Spaces.threads: threads, post and unread counts, names);
 * - library: full-text search over 2,000 published documents on a real platform over 127.0.0.1, without
 *   a token (as anyone may), one word of title or summary in any language.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirectoryLookup } from '../../src-main/core/messaging/directory-lookup';
import type { PlatformClient } from '../../src-main/core/platform-client';
import { Spaces } from '../../src-main/core/spaces/spaces';
import { newSpaceGroup } from '../../src-main/core/spaces/space-wire';
import { createStore } from '../../src-main/core/store';
import { startPlatform } from '../../src-main/platform';
import { DEMO_ACCOUNTS } from '../../src-main/platform/seed/demo-accounts';
import { LIBRARY_THEMES } from '../../src-shared/domain/library';
import { memberEntry } from '../../src-shared/domain/spaces';
import type { BenchRow } from './bench-table';
import { latencies, median, percentile, rowsFor } from './support/measure';

const MEMBERS = 50;
const THREADS = 100;
const POSTS_PER_THREAD = 20;
const DOCUMENTS = 2000;
const QUERIES = 300;
const WORDS = [
  'vaccination',
  'diabète',
  'hygiène',
  'prévention',
  'douleur',
  'formulaire',
  'pansement',
  'grippe',
  'insuline',
  'chute',
];

export async function benchSpaces(): Promise<BenchRow[]> {
  const { rows, row } = rowsFor('spaces');
  const dir = mkdtempSync(join(tmpdir(), 'esante-bench-spaces-'));
  const store = createStore({ path: join(dir, 'cache.db'), dataKey: randomBytes(32) });
  try {
    const me = 'Practitioner/demo-nurse';
    const people = [me, ...Array.from({ length: MEMBERS - 1 }, (_, i) => `Practitioner/member-${i}`)];
    const now = '2026-01-01T00:00:00.000Z';
    const group = newSpaceGroup({ id: 'bench-space', name: 'Bench', owner: me, invite: [], now });
    group.member = people.map((p) => memberEntry(p, 'active', now));
    store.resources.upsert({ ...group, meta: { versionId: '1', lastUpdated: now } });
    store.transaction(() => {
      for (let t = 0; t < THREADS; t++) {
        const threadId = `thread-${t}`;
        const at = (i: number) => new Date(Date.UTC(2026, 0, 1) + (t * POSTS_PER_THREAD + i) * 60_000).toISOString();
        const base = {
          spaceId: 'bench-space',
          mentions: [],
          file: null,
          replaces: null,
          readable: true,
          signature: 'valid',
          pending: false,
          versionId: 1,
        };
        store.spaces.save({
          ...base,
          id: threadId,
          kind: 'thread',
          threadId: null,
          sender: people[t % MEMBERS]!,
          sentAt: at(0),
          title: `Fil ${t}`,
          text: 'Bonjour',
          readAt: t % 3 === 0 ? null : now,
        });
        for (let p = 1; p < POSTS_PER_THREAD; p++)
          store.spaces.save({
            ...base,
            id: `${threadId}-post-${p}`,
            kind: 'post',
            threadId,
            sender: people[(t + p) % MEMBERS]!,
            sentAt: at(p),
            title: '',
            text: `Réponse ${p}`,
            mentions: p % 7 === 0 ? [me] : [],
            readAt: p % 4 === 0 ? null : now,
          });
      }
    });
    const client = { user: { id: me, role: 'nurse', name: 'Marie Hoffmann' } } as unknown as PlatformClient;
    const spaces = new Spaces(store, client, new DirectoryLookup(store, client), () => undefined);
    const listed = spaces.threads('bench-space');
    if (listed.length !== THREADS || listed.reduce((n, t) => n + t.posts, 0) !== THREADS * (POSTS_PER_THREAD - 1))
      throw new Error('spaces bench: the thread list does not hold every post');
    const samples = latencies(QUERIES, () => spaces.threads('bench-space'));
    row(
      `thread list, ${MEMBERS} members × ${THREADS * POSTS_PER_THREAD} posts, p95`,
      percentile(samples, 95),
      'ms',
      'target ≤ 20 ms',
    );
    row('thread list, median', median(samples), 'ms');
    const lists = latencies(QUERIES, () => spaces.list());
    row('my spaces with unread counts, p95', percentile(lists, 95), 'ms');
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

export async function benchLibrary(): Promise<BenchRow[]> {
  const { rows, row } = rowsFor('library');
  const dataDir = mkdtempSync(join(tmpdir(), 'esante-bench-library-'));
  const platform = await startPlatform({
    port: 0,
    dataDir,
    seed: 'none',
    anonymousReadLimit: { burst: 1_000_000, perMinute: 1_000_000 },
  });
  try {
    const root = platform.url;
    const editor = DEMO_ACCOUNTS.find((a) => a.identifier === 'demo.editor')!;
    const login = await fetch(root.replace(/\/fhir$/, '/auth/login'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ identifier: editor.identifier, password: editor.password, otp: editor.otp }),
    });
    const token = ((await login.json()) as { access_token: string }).access_token;
    for (let start = 0; start < DOCUMENTS; start += 200) {
      const entry = Array.from({ length: 200 }, (_, k) => {
        const i = start + k;
        const word = WORDS[i % WORDS.length]!;
        return {
          request: { method: 'PUT', url: `Library/bench-${i}` },
          resource: {
            resourceType: 'Library',
            id: `bench-${i}`,
            status: 'active',
            title: `Document ${i} — ${word}`,
            description: `Résumé du document ${i} sur ${WORDS[(i * 7) % WORDS.length]} et ${WORDS[(i * 3) % WORDS.length]}.`,
            type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/library-type', code: 'asset-collection' }] },
            topic: [
              {
                coding: [
                  { system: 'https://esante.lu/fhir/CodeSystem/library-theme', code: LIBRARY_THEMES[i % LIBRARY_THEMES.length] },
                ],
              },
            ],
          },
        };
      });
      const answer = await fetch(root, {
        method: 'POST',
        headers: { 'content-type': 'application/fhir+json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry }),
      });
      if (answer.status !== 200) throw new Error(`library bench: publishing answered ${answer.status}`);
    }
    const search = async (i: number) => {
      const answer = await fetch(
        `${root}/Library?text:contains=${encodeURIComponent(WORDS[i % WORDS.length]!)}&status=active&_count=50`,
      );
      if (answer.status !== 200) throw new Error(`library bench: search answered ${answer.status}`);
      await answer.arrayBuffer();
    };
    for (let i = 0; i < 20; i++) await search(i);
    const samples: number[] = [];
    for (let i = 0; i < QUERIES; i++) {
      const startAt = performance.now();
      await search(i);
      samples.push(performance.now() - startAt);
    }
    row(
      `full-text search over ${DOCUMENTS + 25} documents, no token, p95`,
      percentile(samples, 95),
      'ms',
      'HTTP round trip; target ≤ 20 ms',
    );
    row('full-text search, median', median(samples), 'ms');
  } finally {
    await platform.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return rows;
}
