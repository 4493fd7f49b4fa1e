/**
 * Access to a collaborative space on every way in (issue 13): a non-member gets nothing (404 or an
 * empty answer, never a 403 that would say it exists); an invitee sees the invitation, not the
 * content; only the owner changes membership; content reaches the audience it was encrypted to, and
 * a removed member loses the space at their next pull.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../platform/platform-harness';
import { member, postBody, pull, spaceBody, urls } from './space-harness';

const NURSE = 'Practitioner/demo-nurse';
const GP = 'Practitioner/demo-gp';
const SPECIALIST = 'Practitioner/demo-specialist';
const SPACE = 'space-access-test';

let env: TestPlatform;
let nurse: string;
let gp: string;
let specialist: string;
let thread: string;

beforeAll(async () => {
  env = await startTestPlatform({ seed: 'none' });
  [nurse, gp, specialist] = await Promise.all([env.login('nurse'), env.login('gp'), env.login('specialist')]);
});
afterAll(async () => env?.stop());

describe('creating and joining', () => {
  it('a professional creates a space she owns, inviting a colleague', async () => {
    const created = await env.request('PUT', `/fhir/Group/${SPACE}`, { token: nurse, body: spaceBody(SPACE, NURSE, [GP]) });
    expect(created.status).toBe(201);
  });

  it('a non-member gets 404 on read, vread, history, every operation and a write; nothing in search or $changes', async () => {
    const notFound = [
      await env.request('GET', `/fhir/Group/${SPACE}`, { token: specialist }),
      await env.request('GET', `/fhir/Group/${SPACE}/_history/1`, { token: specialist }),
      await env.request('GET', `/fhir/Group/${SPACE}/_history`, { token: specialist }),
      await env.request('PUT', `/fhir/Group/${SPACE}`, { token: specialist, body: spaceBody(SPACE, SPECIALIST) }),
      await env.request('DELETE', `/fhir/Group/${SPACE}`, { token: specialist }),
      await env.request('POST', `/fhir/Group/${SPACE}/$invite`, { token: specialist, body: member(SPECIALIST) }),
      await env.request('POST', `/fhir/Group/${SPACE}/$accept`, { token: specialist, body: {} }),
      await env.request('POST', `/fhir/Group/${SPACE}/$post`, {
        token: specialist,
        body: postBody(SPACE, SPECIALIST, [SPECIALIST]).body,
      }),
    ];
    expect(notFound.map((a) => a.status)).toEqual(notFound.map(() => 404));
    const search = await env.request('GET', `/fhir/Group?_id=${SPACE}`, { token: specialist });
    expect(search.json.entry ?? []).toEqual([]);
    const byMember = await env.request('GET', `/fhir/Group?member=${NURSE}`, { token: specialist });
    expect(byMember.json.entry ?? []).toEqual([]);
    expect(urls((await pull(env, specialist)).entries)).not.toContain(`Group/${SPACE}`);
    // A conditional create runs as the caller's own search: it neither finds nor echoes the space.
    const conditional = await env.request('POST', '/fhir/Group', {
      token: specialist,
      body: spaceBody('ignored', SPECIALIST),
      headers: { 'if-none-exist': `_id=${SPACE}` },
    });
    expect(conditional.status).toBe(201);
    expect(conditional.json.id).not.toBe(SPACE);
    expect(conditional.json.managingEntity.reference).toBe(SPECIALIST);
  });

  it('the invitee sees the invitation but may not post before accepting, nor invite anyone', async () => {
    const seen = await env.request('GET', `/fhir/Group/${SPACE}`, { token: gp });
    expect(seen.status).toBe(200);
    expect(urls((await pull(env, gp)).entries)).toContain(`Group/${SPACE}`);
    const early = await env.request('POST', `/fhir/Group/${SPACE}/$post`, { token: gp, body: postBody(SPACE, GP, [NURSE]).body });
    expect(early.status).toBe(403);
    const invite = await env.request('POST', `/fhir/Group/${SPACE}/$invite`, { token: gp, body: member(SPECIALIST) });
    expect(invite.status).toBe(403);
    const accepted = await env.request('POST', `/fhir/Group/${SPACE}/$accept`, { token: gp, body: {} });
    expect(accepted.status).toBe(200);
  });

  it('a member cannot change the membership by rewriting the Group: only the owner changes the space, by its operations', async () => {
    const current = await env.request('GET', `/fhir/Group/${SPACE}`, { token: gp });
    const rewrite = await env.request('PUT', `/fhir/Group/${SPACE}`, {
      token: gp,
      body: { ...current.json, member: [...current.json.member, spaceBody(SPACE, NURSE, [SPECIALIST]).member[1]] },
    });
    expect(rewrite.status).toBe(403);
    const remove = await env.request('POST', `/fhir/Group/${SPACE}/$remove`, { token: gp, body: member(NURSE) });
    expect(remove.status).toBe(403);
    const ownerRewrite = await env.request('PUT', `/fhir/Group/${SPACE}`, {
      token: nurse,
      body: { ...current.json, member: current.json.member.slice(0, 1) },
    });
    expect(ownerRewrite.status).toBe(422);
    const transaction = await env.request('POST', '/fhir', {
      token: gp,
      body: {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          { request: { method: 'PUT', url: `Group/${SPACE}` }, resource: { ...current.json, name: 'Renamed by a member' } },
        ],
      },
    });
    expect(transaction.status).toBe(403);
  });
});

describe('content', () => {
  it('a post encrypted for active members is accepted; one encrypted for someone who is not a member is refused (409)', async () => {
    const wrong = postBody(SPACE, NURSE, [NURSE, GP, SPECIALIST]);
    expect((await env.request('POST', `/fhir/Group/${SPACE}/$post`, { token: nurse, body: wrong.body })).status).toBe(409);
    const withoutAuthor = postBody(SPACE, NURSE, [GP]);
    expect((await env.request('POST', `/fhir/Group/${SPACE}/$post`, { token: nurse, body: withoutAuthor.body })).status).toBe(
      422,
    );
    const header = postBody(SPACE, NURSE, [NURSE, GP]);
    expect((await env.request('POST', `/fhir/Group/${SPACE}/$post`, { token: nurse, body: header.body })).status).toBe(201);
    thread = header.id;
    const reply = postBody(SPACE, GP, [NURSE, GP], { thread });
    expect((await env.request('POST', `/fhir/Group/${SPACE}/$post`, { token: gp, body: reply.body })).status).toBe(201);
    const file = postBody(SPACE, GP, [NURSE, GP], { kind: 'file' });
    expect((await env.request('POST', `/fhir/Group/${SPACE}/$post`, { token: gp, body: file.body })).status).toBe(201);
    expect((await env.request('GET', `/fhir/Binary/${file.id}-data`, { token: nurse })).status).toBe(200);
    expect((await env.request('GET', `/fhir/Binary/${file.id}-data`, { token: specialist })).status).toBe(404);
    expect((await env.request('GET', `/fhir/Binary/${file.id}-data`)).status).toBe(401);
  });

  it('content is read by its audience only, and never written directly', async () => {
    expect((await env.request('GET', `/fhir/Communication/${thread}`, { token: gp })).status).toBe(200);
    expect((await env.request('GET', `/fhir/Communication/${thread}`, { token: specialist })).status).toBe(404);
    expect((await env.request('GET', `/fhir/Communication/${thread}/_history`, { token: specialist })).status).toBe(404);
    const search = await env.request('GET', `/fhir/Communication?_id=${thread}`, { token: specialist });
    expect(search.json.entry ?? []).toEqual([]);
    const current = await env.request('GET', `/fhir/Communication/${thread}`, { token: gp });
    expect((await env.request('PUT', `/fhir/Communication/${thread}`, { token: gp, body: current.json })).status).toBe(405);
    expect((await env.request('PUT', `/fhir/Communication/${thread}`, { token: specialist, body: current.json })).status).toBe(
      404,
    );
    expect(urls((await pull(env, gp)).entries)).toContain(`Communication/${thread}`);
    expect(urls((await pull(env, specialist)).entries)).not.toContain(`Communication/${thread}`);
  });
});

describe('removal', () => {
  it('a removed member loses the space at the next pull (revoked), reads nothing of it, and receives nothing new', async () => {
    const before = await pull(env, gp);
    expect((await env.request('POST', `/fhir/Group/${SPACE}/$remove`, { token: nurse, body: member(GP) })).status).toBe(200);
    const after = await pull(env, gp, before.cursor);
    const revoked = after.entries.find((e) => e.request.url === `Group/${SPACE}`);
    expect(revoked?.request.method).toBe('DELETE');
    expect(JSON.stringify(revoked)).toContain('revoked');
    expect((await env.request('GET', `/fhir/Group/${SPACE}`, { token: gp })).status).toBe(404);
    expect((await env.request('GET', `/fhir/Communication/${thread}`, { token: gp })).status).toBe(404);
    const later = postBody(SPACE, NURSE, [NURSE], { thread });
    expect((await env.request('POST', `/fhir/Group/${SPACE}/$post`, { token: nurse, body: later.body })).status).toBe(201);
    expect(urls((await pull(env, gp, after.cursor)).entries)).not.toContain(`Communication/${later.id}`);
    expect(urls((await pull(env, gp)).entries).filter((u) => u.includes(SPACE) || u === `Communication/${thread}`)).toEqual([]);
  });
});
