/**
 * Threat: an organisation's administrator making himself a library editor. demo.gp administers his
 * practice, so he may give its members roles; a "library-editor" role at his own practice must not
 * let him publish to the public library — only a role at the eSanté agency (the publisher) does.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DESK_ROLE_SYSTEM } from '../../../src-shared/domain/directory';
import { LIBRARY_EDITOR_ROLE_CODE } from '../../../src-shared/domain/library';
import { startTestPlatform, type TestPlatform } from '../platform/platform-harness';
import { publication } from './library-harness';

let env: TestPlatform;
let gp: string;

beforeAll(async () => {
  env = await startTestPlatform({ seed: 'none' });
  gp = await env.login('gp');
});
afterAll(async () => env?.stop());

it('a library-editor role granted at one’s own organisation does not make one an editor of the library', async () => {
  const grant = await env.request('POST', '/fhir/PractitionerRole', {
    token: gp,
    body: {
      resourceType: 'PractitionerRole',
      active: true,
      practitioner: { reference: 'Practitioner/demo-gp' },
      organization: { reference: 'Organization/demo-org-practice' },
      code: [{ coding: [{ system: DESK_ROLE_SYSTEM, code: LIBRARY_EDITOR_ROLE_CODE }] }],
    },
  });
  expect(grant.status).toBe(201); // his organisation, his to grant: the directory allows it
  const publish = await env.request('POST', '/fhir', { token: gp, body: publication('lib-self-made-editor') });
  expect(publish.status).toBe(403);
  expect((await env.request('GET', '/fhir/Library/lib-self-made-editor')).status).toBe(404);
});
