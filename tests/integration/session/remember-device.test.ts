import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../../../src-main/core';
import type { KeyProtector } from '../../../src-main/core/keys';
import { createTestClient, loginAs, TEST_PASSPHRASE } from '../../fixtures/test-client';
import { startTestPlatform, type TestPlatform } from '../../fixtures/test-platform';

/** Stands in for Electron's safeStorage: a real cipher under a key only this "OS" knows. */
function fakeKeychain(): KeyProtector & { available: boolean } {
  const osKey = randomBytes(32);
  return {
    available: true,
    isAvailable() {
      return this.available;
    },
    encrypt(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', osKey, iv);
      return Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    },
    decrypt(sealed) {
      const decipher = createDecipheriv('aes-256-gcm', osKey, sealed.subarray(0, 12));
      decipher.setAuthTag(sealed.subarray(sealed.length - 16));
      return Buffer.concat([decipher.update(sealed.subarray(12, sealed.length - 16)), decipher.final()]);
    },
  };
}

let platform: TestPlatform;
let client: Core;
const keychain = fakeKeychain();

beforeAll(async () => {
  platform = await startTestPlatform();
  client = createTestClient(platform.url, undefined, { keyProtector: keychain });
  await loginAs(client, 'gp');
  await client.desk.session.lock({});
});
afterAll(async () => {
  await client?.close();
  await platform?.stop();
});

describe('remember on this device', () => {
  it('is offered only where the OS keychain works, and a profile is not remembered by default', async () => {
    const status = await client.desk.session.status({});
    expect(status).toMatchObject({ ok: true, value: { state: 'locked', canRemember: true } });
    const profiles = await client.desk.session.profiles({});
    expect(profiles.ok && profiles.value[0]!.remembered).toBe(false);
    const id = profiles.ok ? profiles.value[0]!.id : '';
    expect(await client.desk.session.unlockRemembered({ profileId: id })).toMatchObject({ ok: false, error: { code: 'locked' } });
  });

  it('after an unlock with "remember", the next unlock needs no passphrase', async () => {
    const profiles = await client.desk.session.profiles({});
    const id = profiles.ok ? profiles.value[0]!.id : '';
    expect(await client.desk.session.unlock({ profileId: id, passphrase: TEST_PASSPHRASE, remember: true })).toMatchObject({
      ok: true,
    });
    await client.desk.session.lock({});
    expect(await client.desk.session.profiles({})).toMatchObject({ ok: true, value: [{ remembered: true }] });
    expect(await client.desk.session.unlockRemembered({ profileId: id })).toMatchObject({
      ok: true,
      value: { state: 'unlocked' },
    });
  });

  it('forgetting brings the passphrase back, and a keychain that stops working falls back to it', async () => {
    const profiles = await client.desk.session.profiles({});
    const id = profiles.ok ? profiles.value[0]!.id : '';
    await client.desk.session.lock({});
    keychain.available = false;
    expect(await client.desk.session.unlockRemembered({ profileId: id })).toMatchObject({ ok: false, error: { code: 'locked' } });
    keychain.available = true;
    expect(await client.desk.session.forget({ profileId: id })).toMatchObject({ ok: true });
    expect(await client.desk.session.unlockRemembered({ profileId: id })).toMatchObject({ ok: false, error: { code: 'locked' } });
    expect(await client.desk.session.unlock({ profileId: id, passphrase: TEST_PASSPHRASE })).toMatchObject({ ok: true });
  });
});
