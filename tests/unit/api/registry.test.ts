import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAppService } from '../../../src-main/core/services/app-service';
import { ApiRegistry, type Handlers } from '../../../src-main/core/services/registry';
import { createSettingsService } from '../../../src-main/core/services/settings-service';
import { FileSettingsStore } from '../../../src-main/core/settings';
import { DeskError } from '../../../src-shared/domain/errors';
import { tempDir } from '../../fixtures/temp-dirs';

const notUnderTest = new Proxy(
  {},
  {
    get: () => () => {
      throw new Error('not under test');
    },
  },
) as never;

function registryWith(overrides: Partial<Handlers> = {}, reported: string[] = []) {
  const settings = new FileSettingsStore(join(tempDir('desk-registry-'), 'settings.json'));
  const handlers: Handlers = {
    app: createAppService({
      version: '1.2.3',
      shell: 'browser',
      platformUrl: () => 'http://127.0.0.1:1/fhir',
      profileState: () => 'none',
      embeddedPlatform: true,
    }),
    settings: createSettingsService(settings),
    // Domains these tests do not call; the registry must never reach them here.
    session: notUnderTest,
    sync: notUnderTest,
    directory: notUnderTest,
    mailbox: notUnderTest,
    dsp: notUnderTest,
    simulator: notUnderTest,
    library: notUnderTest,
    spaces: notUnderTest,
    care: notUnderTest,
    rcp: notUnderTest,
    ...overrides,
  };
  return new ApiRegistry(handlers, (method) => reported.push(method));
}

describe('API registry', () => {
  it('refuses an unknown method, naming the method field', async () => {
    const result = await registryWith().call('dsp.dropEverything', {});
    expect(result).toEqual({ ok: false, error: expect.objectContaining({ code: 'unknown_method', field: 'method' }) });
  });

  it('refuses names that only look like methods (prototype keys, missing domain)', async () => {
    for (const name of ['app.constructor', 'app.__proto__', '.info', 'app', 42, 'toString.call']) {
      const result = await registryWith().call(name, {});
      expect(result.ok, String(name)).toBe(false);
      if (!result.ok) expect(result.error.code).toBe('unknown_method');
    }
  });

  it('refuses malformed input before the handler runs, naming the field and the rule', async () => {
    let called = false;
    const registry = registryWith({
      settings: {
        get: () => ({ language: 'fr', autoLockMinutes: 15 }),
        update: () => {
          called = true;
          return { language: 'fr', autoLockMinutes: 15 };
        },
      },
    });
    const result = await registry.call('settings.update', { autoLockMinutes: 'soon' });
    expect(called).toBe(false);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('invalid_input');
      expect(result.error.field).toBe('autoLockMinutes');
      expect(result.error.message).toMatch(/autoLockMinutes: .*number/i);
    }
    const outOfRange = await registry.call('settings.update', { autoLockMinutes: 0 });
    expect(!outOfRange.ok && outOfRange.error.field).toBe('autoLockMinutes');
    const unknownKey = await registry.call('settings.update', { colour: 'red' });
    expect(!unknownKey.ok && unknownKey.error.code).toBe('invalid_input');
  });

  it('returns the validated value of a well-formed call', async () => {
    const registry = registryWith();
    expect(await registry.call('app.info', {})).toEqual({
      ok: true,
      value: {
        version: '1.2.3',
        shell: 'browser',
        platformUrl: 'http://127.0.0.1:1/fhir',
        profileState: 'none',
        embeddedPlatform: true,
      },
    });
    expect(await registry.call('settings.update', { language: 'de' })).toEqual({
      ok: true,
      value: { language: 'de', autoLockMinutes: 15 },
    });
    expect(await registry.call('settings.get', {})).toEqual({ ok: true, value: { language: 'de', autoLockMinutes: 15 } });
  });

  it('turns a typed service error into an error result', async () => {
    const registry = registryWith({
      app: {
        info: () => {
          throw new DeskError('locked', 'profile is locked');
        },
      },
    });
    expect(await registry.call('app.info', {})).toEqual({ ok: false, error: { code: 'locked', message: 'profile is locked' } });
  });

  it('never leaks an unexpected exception or a wrongly shaped output to the caller', async () => {
    const reported: string[] = [];
    const throwing = registryWith(
      {
        app: {
          info: () => {
            throw new Error('SELECT * FROM patients WHERE name = "Jean Muller"');
          },
        },
      },
      reported,
    );
    const thrown = await throwing.call('app.info', {});
    expect(thrown).toEqual({ ok: false, error: { code: 'internal', message: 'internal error' } });
    expect(JSON.stringify(thrown)).not.toContain('Muller');

    const misshapen = registryWith({ app: { info: () => ({ version: 1 }) as never } }, reported);
    expect(await misshapen.call('app.info', {})).toEqual({ ok: false, error: { code: 'internal', message: 'internal error' } });
    expect(reported).toEqual(['app.info', 'app.info']);
  });
});
