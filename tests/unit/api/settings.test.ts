import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, FileSettingsStore } from '../../../src-main/core/settings';
import { tempDir } from '../../fixtures/temp-dirs';

describe('file settings store', () => {
  const path = () => join(tempDir('desk-settings-'), 'settings.json');

  it('starts from French defaults when no file exists', () => {
    expect(new FileSettingsStore(path()).read()).toEqual(DEFAULT_SETTINGS);
    expect(DEFAULT_SETTINGS.language).toBe('fr');
  });

  it('persists an update and reads it back', () => {
    const file = path();
    new FileSettingsStore(file).update({ language: 'en', autoLockMinutes: 5 });
    expect(new FileSettingsStore(file).read()).toMatchObject({ language: 'en', autoLockMinutes: 5 });
  });

  it('rejects a settings file with a bad value, naming the field, and leaves it untouched', () => {
    const file = path();
    writeFileSync(file, JSON.stringify({ language: 'xx' }));
    expect(() => new FileSettingsStore(file).read()).toThrowError(/language/);
    expect(() => new FileSettingsStore(file).update({ autoLockMinutes: 3 })).toThrowError(/language/);
    expect(readFileSync(file, 'utf8')).toBe(JSON.stringify({ language: 'xx' }));
  });

  it('refuses an update that breaks a rule and keeps the previous file', () => {
    const file = path();
    const store = new FileSettingsStore(file);
    store.update({ autoLockMinutes: 10 });
    const before = readFileSync(file, 'utf8');
    expect(() => store.update({ autoLockMinutes: -1 })).toThrowError(/autoLockMinutes/);
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('refuses a secret-looking unknown key: settings are a closed schema', () => {
    const file = path();
    writeFileSync(file, JSON.stringify({ passphrase: 'hunter2' }));
    expect(() => new FileSettingsStore(file).read()).toThrowError(/passphrase|Unrecognized/);
  });
});
