import type { UserPreferences } from '../../../src-shared/api';
import type { Settings, SettingsStore } from '../settings';
import type { DomainHandlers } from './registry';

function preferencesOf(settings: Settings): UserPreferences {
  return { language: settings.language, autoLockMinutes: settings.autoLockMinutes };
}

export function createSettingsService(store: SettingsStore): DomainHandlers<'settings'> {
  return {
    get: () => preferencesOf(store.read()),
    update: (patch) => preferencesOf(store.update(patch)),
  };
}
