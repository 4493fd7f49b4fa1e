import ElectronStore from 'electron-store';
import { DEFAULT_SETTINGS, parseSettings, type Settings, type SettingsStore } from '../core/settings';

/** Settings through electron-store, validated on every read like the file-backed store. */
export class ElectronSettingsStore implements SettingsStore {
  private readonly store = new ElectronStore<Settings>({ name: 'settings', defaults: DEFAULT_SETTINGS });

  read(): Settings {
    return parseSettings(this.store.store);
  }

  update(patch: Partial<Settings>): Settings {
    const next = parseSettings({ ...this.read(), ...patch });
    this.store.store = next;
    return next;
  }
}
