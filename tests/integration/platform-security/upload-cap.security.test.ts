/**
 * Threat: one user fills the platform's store with uploads never finished (each up to 64 MiB, as many as
 * they like), and the bytes stay until the collector drops them a day later. Rule: the uploads a user has
 * under way may declare at most a configured number of bytes together; one more is a 429 naming the rule
 * and the field (the client keeps it queued and asks again later); finishing an upload frees its share,
 * and other users are not affected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../platform/platform-harness';
import { freshBytes, openUpload, sha256, uploadBlob } from '../platform-blobs/blob-harness';

const CAP = 10_000;

let env: TestPlatform;
let gp: string;
let nurse: string;

beforeAll(async () => {
  env = await startTestPlatform({ seed: 'none', blobBytesUnderWayPerUser: CAP, blobCollectorIntervalMs: 0 });
  [gp, nurse] = await Promise.all([env.login('gp'), env.login('nurse')]);
});
afterAll(() => env?.stop());

describe('bytes under way per user', () => {
  it('uploads opened but never finished stop at the cap, with a 429 naming the rule; others are unaffected', async () => {
    const started = [];
    for (let i = 0; i < 4; i += 1) {
      const bytes = freshBytes(2500);
      const opened = await openUpload(env, gp, { sha256: sha256(bytes), size: bytes.length });
      expect(opened.status).toBe(201);
      started.push(bytes);
    }
    const one = freshBytes(1);
    const refused = await openUpload(env, gp, { sha256: sha256(one), size: 1 });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^[0-9]+$/);
    expect(refused.json.issue[0].expression).toEqual(['size']);
    expect(refused.json.issue[0].diagnostics).toContain(`over the ${CAP} bytes one user may have under way`);

    // Its own upload of a blob already opened resumes: nothing new is under way.
    const resumed = await openUpload(env, gp, { sha256: sha256(started[0]!), size: 2500 });
    expect(resumed.status).toBe(200);
    // Another user has a cap of their own.
    expect((await openUpload(env, nurse, { sha256: sha256(one), size: 1 })).status).toBe(201);
  });

  it('a single upload larger than the cap is refused for good (413); finishing uploads frees room', async () => {
    const user = await env.login('secretary');
    const big = freshBytes(CAP + 1);
    const refused = await openUpload(env, user, { sha256: sha256(big), size: big.length });
    expect(refused.status).toBe(413);
    expect(refused.json.issue[0].diagnostics).toContain(`over the ${CAP} bytes one user may have under way`);
    for (let i = 0; i < 6; i += 1) await uploadBlob(env, user, freshBytes(4000));
    const last = freshBytes(CAP);
    expect((await openUpload(env, user, { sha256: sha256(last), size: last.length })).status).toBe(201);
  });
});
