/**
 * The census of ARCHITECTURE §3: every route the platform serves runs the one pipeline
 * (authenticate → policy-aware repository → interaction → audit), except the capability statement and
 * the login endpoints; every resource type of the FHIR table has an access policy registered by its
 * domain. A new route or type that skips either fails here before it can become a side door.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESOURCE_TYPES } from '../../../src-main/platform/fhir/resource-types';
import { startTestPlatform, type TestPlatform } from './platform-harness';

/** Routes that by design reach no resource: FHIR's public capability statement and the mock LuxTrust login. */
const OUTSIDE_THE_PIPELINE = ['GET /fhir/metadata', 'POST /auth/login', 'POST /auth/refresh', 'POST /auth/logout'];

let env: TestPlatform;
beforeAll(async () => {
  env = await startTestPlatform({ seed: 'none' });
});
afterAll(async () => env?.stop());

describe('route and policy census', () => {
  it('every route but the public and login ones runs the FHIR pipeline', () => {
    const { routes, pipelineRoutes } = env.platform.census();
    const bypassing = routes.filter((route) => !pipelineRoutes.includes(route) && !OUTSIDE_THE_PIPELINE.includes(route));
    expect(bypassing).toEqual([]);
    // The census sees the routes it must (a census that lists nothing would prove nothing).
    expect(pipelineRoutes).toEqual(
      expect.arrayContaining([
        'GET /fhir/:type/:id',
        'GET /fhir/$changes',
        'POST /fhir',
        'POST /fhir/Patient/:id/$redeem-presence-code',
      ]),
    );
    expect(routes).toEqual(expect.arrayContaining(OUTSIDE_THE_PIPELINE));
  });

  it('blobs are reached by resumable uploads and through their Binary only: no route by hash (issue 10)', () => {
    const { routes, pipelineRoutes } = env.platform.census();
    const blobRoutes = routes.filter((route) => /blob/i.test(route));
    expect(blobRoutes.sort()).toEqual(['GET /blobs/uploads/:id', 'POST /blobs/uploads', 'PUT /blobs/uploads/:id']);
    expect(pipelineRoutes).toEqual(expect.arrayContaining(blobRoutes));
  });

  it('every resource type has a policy registered by its domain', () => {
    const { governedTypes } = env.platform.census();
    const withoutPolicy = RESOURCE_TYPES.map((def) => def.type).filter((type) => !governedTypes.includes(type));
    expect(withoutPolicy).toEqual([]);
  });

  it('the routes outside the pipeline touch no resource: without a token they answer nothing but the capability statement', async () => {
    const metadata = await env.request('GET', '/fhir/metadata');
    expect(metadata.status).toBe(200);
    expect(metadata.json.resourceType).toBe('CapabilityStatement');
    for (const path of ['/auth/refresh', '/auth/logout']) {
      const answer = await env.request('POST', path, { body: {} });
      expect(answer.status, path).toBeGreaterThanOrEqual(400);
      expect(answer.status, path).toBeLessThan(500);
    }
  });
});
