/** Published OpenPGP keys: Endpoints in the directory (read by any signed-in user), written by their owner only, rotated by a new Endpoint. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENDPOINT_OWNER_URL, OPENPGP_FINGERPRINT_SYSTEM, OPENPGP_PUBLIC_KEY_URL } from '../../../src-shared/domain/messaging';
import { generateKeyPair } from '../../../src-main/core/messaging/pgp';
import { startTestPlatform, type TestPlatform } from '../platform/platform-harness';
import { keyEndpoint, party, publishKey, pullAll, urlsOf, type Json, type Party } from './messaging-harness';

let env: TestPlatform;
let gp: Party;
let nurse: Party;

beforeAll(async () => {
  env = await startTestPlatform({ seed: 'none' });
  [gp, nurse] = await Promise.all([party(env, 'gp'), party(env, 'nurse')]);
});
afterAll(async () => env?.stop());

describe('published keys', () => {
  it('a professional publishes their key and any signed-in user finds it by owner, identifier and status; without a token, 401', async () => {
    const published = await publishKey(env, gp);
    expect(published.id).toBe(`pgp-${gp.keys.fingerprint.slice(0, 16).toLowerCase()}`);
    const anonymous = await env.request('GET', `/fhir/Endpoint?owner=${gp.ref}&status=active`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.json.resourceType).toBe('OperationOutcome');
    const byOwner = await env.request('GET', `/fhir/Endpoint?owner=${gp.ref}&status=active`, { token: nurse.token });
    expect(byOwner.status).toBe(200);
    expect(byOwner.json.entry.map((e: Json) => e.resource.id)).toEqual([published.id]);
    expect(byOwner.json.entry[0].resource.extension.find((e: Json) => e.url === OPENPGP_PUBLIC_KEY_URL).valueString).toBe(
      gp.keys.publicKeyArmored,
    );
    const byFingerprint = await env.request(
      'GET',
      `/fhir/Endpoint?identifier=${encodeURIComponent(`${OPENPGP_FINGERPRINT_SYSTEM}|${gp.keys.fingerprint}`)}`,
      { token: nurse.token },
    );
    expect(byFingerprint.json.entry.map((e: Json) => e.resource.id)).toEqual([published.id]);
    const otherOwner = await env.request('GET', `/fhir/Endpoint?owner=${nurse.ref}`, { token: nurse.token });
    expect(otherOwner.json.entry).toEqual([]);
  });

  it('key rotation: a new active Endpoint, the old one kept with status off, both in every professional’s $changes', async () => {
    const first = await publishKey(env, nurse);
    const oldKeys = nurse.keys;
    nurse = { ...nurse, keys: await generateKeyPair('Marie Hoffmann', 'demo.nurse@esante.lu') };
    const second = await publishKey(env, nurse);
    const retired = await env.request('PUT', `/fhir/Endpoint/${first.id}`, {
      token: nurse.token,
      body: { ...keyEndpoint(nurse.ref, oldKeys, 'off') },
      headers: { 'If-Match': 'W/"1"', 'X-Operation-Id': 'rotate-nurse-0001' },
    });
    expect(retired.status).toBe(200);
    expect(retired.json.status).toBe('off');
    const active = await env.request('GET', `/fhir/Endpoint?owner=${nurse.ref}&status=active`, { token: gp.token });
    expect(active.json.entry.map((e: Json) => e.resource.id)).toEqual([second.id]);
    const all = await env.request('GET', `/fhir/Endpoint?owner=Practitioner/demo-nurse`, { token: gp.token });
    expect(all.json.entry.map((e: Json) => e.resource.id).sort()).toEqual([first.id, second.id].sort());
    const feed = urlsOf(await pullAll(env, gp.token));
    expect(feed).toEqual(expect.arrayContaining([`Endpoint/${first.id}`, `Endpoint/${second.id}`]));
  });

  it('only the owner may publish a key in their name (403)', async () => {
    const forged = keyEndpoint(nurse.ref, await generateKeyPair('Mallory', 'mallory@example.org'));
    const before = await env.platform.fingerprint();
    const refused = await env.request('PUT', `/fhir/Endpoint/${forged.id}`, { token: gp.token, body: forged });
    expect(refused.status).toBe(403);
    expect(refused.json.issue[0].diagnostics).toContain('only Practitioner/demo-nurse may publish');
    expect(await env.platform.fingerprint()).toEqual(before);
  });

  it('only the owner may change their published key, e.g. retire it (403)', async () => {
    const current = await env.request('GET', `/fhir/Endpoint?owner=${gp.ref}`, { token: nurse.token });
    const endpoint = current.json.entry[0].resource;
    const takeover = {
      ...endpoint,
      status: 'off',
      extension: endpoint.extension.map((e: Json) =>
        e.url === ENDPOINT_OWNER_URL ? { ...e, valueReference: { reference: nurse.ref } } : e,
      ),
    };
    const before = await env.platform.fingerprint();
    const refused = await env.request('PUT', `/fhir/Endpoint/${endpoint.id}`, {
      token: nurse.token,
      body: takeover,
      headers: { 'If-Match': 'W/"1"' },
    });
    expect(refused.status).toBe(403);
    expect(refused.json.issue[0].diagnostics).toContain(`changed by its owner only`);
    expect(await env.platform.fingerprint()).toEqual(before);
  });

  const inconsistent: Array<[string, (e: Json, other: Json) => Json, string]> = [
    ['an address naming another fingerprint', (e, o) => ({ ...e, address: o.address }), 'Endpoint.address'],
    ['an id not derived from the fingerprint', (e, o) => ({ ...e, id: o.id }), 'Endpoint.id'],
    [
      'an armored key of another fingerprint',
      (e, o) => ({ ...e, extension: [e.extension[0], o.extension[1]] }),
      'Endpoint.extension[1].valueString',
    ],
    [
      'a fingerprint in lower case',
      (e) => ({ ...e, identifier: [{ system: OPENPGP_FINGERPRINT_SYSTEM, value: e.identifier[0].value.toLowerCase() }] }),
      'Endpoint.identifier[0].value',
    ],
  ];
  for (const [name, mutate, element] of inconsistent) {
    it(`a published key whose fingerprints disagree is refused with 400 naming the element: ${name}`, async () => {
      const other = keyEndpoint(gp.ref, await generateKeyPair('Other', 'other@example.org'));
      const endpoint = mutate(keyEndpoint(gp.ref, await generateKeyPair('Dr Claude Weber', 'demo.gp@esante.lu')), other);
      const before = await env.platform.fingerprint();
      const refused = await env.request('PUT', `/fhir/Endpoint/${endpoint.id}`, { token: gp.token, body: endpoint });
      expect(refused.status).toBe(400);
      expect(refused.json.issue[0].diagnostics).toContain(element);
      expect(await env.platform.fingerprint()).toEqual(before);
    });
  }

  it('a private key is never published (400)', async () => {
    const keys = await generateKeyPair('Dr Claude Weber', 'demo.gp@esante.lu');
    const endpoint = keyEndpoint(gp.ref, { ...keys, publicKeyArmored: keys.privateKeyArmored });
    const refused = await env.request('PUT', `/fhir/Endpoint/${endpoint.id}`, { token: gp.token, body: endpoint });
    expect(refused.status).toBe(400);
    expect(refused.json.issue[0].diagnostics).toContain('private key');
  });

  it('a key published with an operation id is replayed, not written twice', async () => {
    const keys = await generateKeyPair('Dr Claude Weber', 'demo.gp@esante.lu');
    const endpoint = keyEndpoint(gp.ref, keys);
    const put = () =>
      env.request('PUT', `/fhir/Endpoint/${endpoint.id}`, {
        token: gp.token,
        body: endpoint,
        headers: { 'X-Operation-Id': 'key-replay-0001' },
      });
    const first = await put();
    const again = await put();
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers.get('x-operation-replayed')).toBe('true');
    expect(again.json.meta.versionId).toBe('1');
  });
});
