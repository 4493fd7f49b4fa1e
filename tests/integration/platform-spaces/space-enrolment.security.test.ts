/**
 * Threat: being enrolled in a space without consenting. The owner could write another professional
 * into the space as an active member, so posts were encrypted to them and they received a space they
 * never joined. Someone named in a space is only invited; they become a member by accepting.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { memberEntry } from '../../../src-shared/domain/spaces';
import { startTestPlatform, type TestPlatform } from '../platform/platform-harness';
import { spaceBody } from './space-harness';

let env: TestPlatform;
let nurse: string;

beforeAll(async () => {
  env = await startTestPlatform({ seed: 'none' });
  nurse = await env.login('nurse');
});
afterAll(async () => env?.stop());

it('a space naming a colleague as an active member is refused, at creation and by a later change', async () => {
  const enrolled = spaceBody('space-enrol', 'Practitioner/demo-nurse');
  enrolled.member.push(memberEntry('Practitioner/demo-gp', 'active', '2026-01-01T00:00:00Z'));
  const created = await env.request('PUT', '/fhir/Group/space-enrol', { token: nurse, body: enrolled });
  expect(created.status).toBe(422);
  expect(JSON.stringify(created.json)).toContain('Group.member');

  const plain = await env.request('PUT', '/fhir/Group/space-enrol-2', {
    token: nurse,
    body: spaceBody('space-enrol-2', 'Practitioner/demo-nurse'),
  });
  expect(plain.status).toBe(201);
  const changed = await env.request('PUT', '/fhir/Group/space-enrol-2', {
    token: nurse,
    body: {
      ...plain.json,
      member: [...plain.json.member, memberEntry('Practitioner/demo-gp', 'active', '2026-01-01T00:00:00Z')],
    },
  });
  expect(changed.status).toBe(422);
  const gp = await env.login('gp');
  expect((await env.request('GET', '/fhir/Group/space-enrol-2', { token: gp })).status).toBe(404);
});
