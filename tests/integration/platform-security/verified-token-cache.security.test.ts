/**
 * Threat: the platform remembers access tokens it verified (auth/access-tokens.ts) so that it need not check the
 * same signature on every request; a remembered token must not outlive what the full check would accept: a
 * logged-out session is refused at the next request, a token is refused from its `exp` on, and only the exact bytes
 * that verified are remembered (a token with a forged signature or claims, or signed with another secret, is not).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessTokens } from '../../../src-main/platform/auth/access-tokens';
import { FhirError } from '../../../src-main/platform/fhir/fhir-error';
import type { Principal } from '../../../src-main/platform/policy/principal';
import { startTestPlatform, type TestPlatform } from '../platform/platform-harness';

const NURSE: Principal = { userRef: 'Practitioner/demo-nurse', role: 'nurse', name: 'Demo Nurse', sessionId: 'session-1' };

/** The 401's diagnostics, or "accepted" (what a refusal says, so a test names the rule that refused). */
async function verdict(tokens: AccessTokens, token: string): Promise<string> {
  try {
    await tokens.verify(token);
    return 'accepted';
  } catch (error) {
    if (error instanceof FhirError && error.status === 401) return error.message;
    throw error;
  }
}

describe('a remembered token', () => {
  let env: TestPlatform;
  beforeAll(async () => {
    env = await startTestPlatform({ seed: 'none' });
  });
  afterAll(() => env?.stop());

  it('is refused at the first request after its session is logged out (reads and writes)', async () => {
    const token = await env.login('nurse');
    // Used a few times first, so that the platform has it remembered.
    for (let i = 0; i < 3; i++) expect((await env.request('GET', '/fhir/Patient/demo-patient', { token })).status).toBe(200);
    expect((await env.request('POST', '/auth/logout', { token })).status).toBe(204);
    const read = await env.request('GET', '/fhir/Patient/demo-patient', { token });
    expect(read.status).toBe(401);
    expect(read.json.issue[0].diagnostics).toContain('logged out');
    const write = await env.request('POST', '/fhir/Organization', { token, body: { resourceType: 'Organization', name: 'X' } });
    expect(write.status).toBe(401);
  });

  it('is refused from its exp on, as the full check refuses it', async () => {
    let now = Date.parse('2026-01-01T08:00:00.000Z');
    const tokens = new AccessTokens(randomBytes(32), 900, () => now);
    const token = await tokens.sign(NURSE);
    expect(await tokens.verify(token)).toEqual(NURSE);
    now += 900_000 - 1; // the last millisecond of its life: still the remembered answer
    expect(await verdict(tokens, token)).toBe('accepted');
    now += 1;
    expect(await verdict(tokens, token)).toContain('expired');
    // And stays refused (the expired entry is not put back).
    expect(await verdict(tokens, token)).toContain('expired');
  });

  it('is remembered by its exact bytes: a changed signature or claim, or another secret, is checked and refused', async () => {
    const tokens = new AccessTokens(randomBytes(32), 900);
    const token = await tokens.sign(NURSE);
    expect(await verdict(tokens, token)).toBe('accepted');
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const flipped = signature.slice(0, 10) + (signature[10] === 'A' ? 'B' : 'A') + signature.slice(11);
    expect(await verdict(tokens, `${header}.${payload}.${flipped}`)).toContain('invalid');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const asGp = Buffer.from(JSON.stringify({ ...claims, sub: 'Practitioner/demo-gp', role: 'gp' })).toString('base64url');
    expect(await verdict(tokens, `${header}.${asGp}.${signature}`)).toContain('invalid');
    const elsewhere = new AccessTokens(randomBytes(32), 900);
    expect(await verdict(elsewhere, token)).toContain('invalid');
    expect(await verdict(tokens, token)).toBe('accepted');
  });
});
