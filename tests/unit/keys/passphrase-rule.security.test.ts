import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sessionMethods } from '../../../src-shared/api/session';
import { ProfileKey } from '../../../src-main/core/keys/index';
import { FAST_SCRYPT, removeTempDirs, tempDir } from './test-keys';

// Threat: a passphrase shorter than the API's rule reaches the key file through the core (any caller
// other than the API: a script, a future shell, a change-passphrase path), so the cache is protected by
// a passphrase the product promises never to accept. One rule, one place: src-shared/domain.

afterEach(removeTempDirs);

const newKey = () => new ProfileKey(join(tempDir(), 'key.json'), 'profile-a', { scrypt: FAST_SCRYPT });

/** What the API schema says about a passphrase, through the login method's input schema. */
function apiAccepts(passphrase: string): boolean {
  return sessionMethods.login.input.safeParse({ identifier: 'u', password: 'p', otp: '123456', passphrase }).success;
}

async function coreAccepts(passphrase: string): Promise<boolean> {
  try {
    await newKey().create(passphrase);
    return true;
  } catch (error) {
    expect(error).toMatchObject({ code: 'invalid_input', field: 'passphrase' });
    return false;
  }
}

describe('one passphrase rule (10 characters or more) in the core and the API', () => {
  it('the core refuses a 9-character passphrase when creating a key file', async () => {
    await expect(newKey().create('123456789')).rejects.toMatchObject({ code: 'invalid_input', field: 'passphrase' });
  });

  it('the core refuses a 9-character new passphrase when changing it, and the old one still works', async () => {
    const key = newKey();
    await key.create('a long enough passphrase');
    await expect(key.changePassphrase('a long enough passphrase', '123456789')).rejects.toMatchObject({
      code: 'invalid_input',
      field: 'newPassphrase',
    });
    expect(await key.unlock('a long enough passphrase')).toHaveLength(32);
  });

  it('core and API agree on every boundary case, counting characters as the user types them', async () => {
    const cases = [
      '123456789', // 9
      '1234567890', // 10
      'e\u0301'.repeat(9), // 9 characters once composed, 18 UTF-16 units
      'e\u0301'.repeat(10),
      '😀'.repeat(9), // 9 characters, 18 UTF-16 units
      '😀'.repeat(10),
      ' '.repeat(10),
    ];
    for (const passphrase of cases) {
      expect({ passphrase, core: await coreAccepts(passphrase) }).toEqual({ passphrase, core: apiAccepts(passphrase) });
    }
    expect(apiAccepts('😀'.repeat(9))).toBe(false);
    expect(apiAccepts('1234567890')).toBe(true);
  });

  it('the API refuses a short new passphrase on change, naming the field and the rule', () => {
    const parsed = sessionMethods.changePassphrase.input.safeParse({ current: 'x', next: 'e\u0301'.repeat(9) });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues[0]).toMatchObject({ path: ['next'], message: 'at least 10 characters' });
  });
});
