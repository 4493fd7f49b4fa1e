/**
 * Threat (issue 9): the platform answered any Host and echoed it into its links, so a DNS-rebinding
 * page (a name the attacker points at 127.0.0.1) could log in with the public demo accounts and read
 * through the user's browser. Only the loopback names with the platform's port, the listening address
 * and configured names are served; anything else is a 421 before authentication.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoAccount } from '../../../src-main/platform/seed/demo-accounts';
import { httpText, rawRequest } from '../../fixtures/raw-http';
import { requestWithHost } from './bad-request-corpus';
import { startTestPlatform, type TestPlatform } from './platform-harness';

let env: TestPlatform;
let configured: TestPlatform;
const gp = demoAccount('gp');
const login = JSON.stringify({ identifier: gp.identifier, password: gp.password, otp: gp.otp });

beforeAll(async () => {
  [env, configured] = await Promise.all([
    startTestPlatform({ seed: 'none' }),
    startTestPlatform({ seed: 'none', allowedHosts: ['desk.cabinet-weber.lu'] }),
  ]);
});
afterAll(async () => Promise.all([env?.stop(), configured?.stop()]));

const json = { 'content-type': 'application/json' };

describe('the Host header', () => {
  it('a rebound name gets a 421 naming the Host, and no token: the login is never tried', async () => {
    const port = env.platform.port;
    const before = await env.platform.fingerprint();
    const refused = await requestWithHost(port, 'POST', '/auth/login', { ...json, host: `rebind.evil.example:${port}` }, login);
    expect(refused.status).toBe(421);
    expect(refused.json.resourceType).toBe('OperationOutcome');
    expect(refused.json.issue[0].diagnostics).toContain(`Host: "rebind.evil.example:${port}" is not a name of this platform`);
    expect(refused.json.access_token).toBeUndefined();
    expect(await env.platform.fingerprint()).toEqual(before);
  });

  it('the loopback names with the platform port are served, case-insensitively', async () => {
    const port = env.platform.port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`]) {
      const answer = await requestWithHost(port, 'GET', '/fhir/metadata', { host }, undefined);
      expect(answer.status, host).toBe(200);
    }
    const loggedIn = await requestWithHost(port, 'POST', '/auth/login', { ...json, host: `localhost:${port}` }, login);
    expect(loggedIn.status).toBe(200);
  });

  it('links the platform writes carry only a served name', async () => {
    const port = env.platform.port;
    const answer = await requestWithHost(port, 'GET', '/fhir/metadata', { host: `localhost:${port}` }, undefined);
    expect(answer.json.implementation.url).toBe(`http://localhost:${port}/fhir`);
    const refused = await requestWithHost(port, 'GET', '/fhir/metadata', { host: `evil.example:${port}` }, undefined);
    expect(JSON.stringify(refused.json)).not.toContain('http://evil.example');
  });

  it('a configured name is served; the same name elsewhere is not', async () => {
    const port = configured.platform.port;
    const served = await requestWithHost(port, 'GET', '/fhir/metadata', { host: `desk.cabinet-weber.lu:${port}` }, undefined);
    expect(served.status).toBe(200);
    const other = await requestWithHost(
      env.platform.port,
      'GET',
      '/fhir/metadata',
      { host: `desk.cabinet-weber.lu:${env.platform.port}` },
      undefined,
    );
    expect(other.status).toBe(421);
  });

  it('a request without Host is refused with a 4xx', async () => {
    const http10 = await rawRequest(env.platform.port, 'GET /fhir/metadata HTTP/1.0\r\n\r\n');
    expect(http10.status).toBe(400);
    const http11 = await rawRequest(env.platform.port, 'GET /fhir/metadata HTTP/1.1\r\nConnection: close\r\n\r\n');
    expect(http11.status).toBeGreaterThanOrEqual(400);
    expect(http11.status).toBeLessThan(500);
    const rebound = await rawRequest(env.platform.port, httpText('GET', '/fhir/metadata', { Host: 'evil.example' }));
    expect(rebound.status).toBe(421);
  });
});
