import { EventBus } from './services/events';
import { ApiRegistry } from './services/registry';
import { createAppService } from './services/app-service';
import { createSettingsService } from './services/settings-service';
import type { SettingsStore } from './settings';

export interface CoreOptions {
  version: string;
  shell: 'electron' | 'browser';
  /** Base URL of the platform's FHIR endpoint (embedded or remote). */
  platformUrl: string;
  /** Where profiles and their encrypted caches live. */
  dataDir: string;
  settings: SettingsStore;
}

export interface Core {
  registry: ApiRegistry;
  events: EventBus;
  close(): Promise<void>;
}

/** The client core: everything the UI can ask for, independent of Electron (ARCHITECTURE §2). */
export function createCore(options: CoreOptions): Core {
  const events = new EventBus();
  const registry = new ApiRegistry({
    app: createAppService({
      version: options.version,
      shell: options.shell,
      platformUrl: () => options.platformUrl,
      profileState: () => 'none',
    }),
    settings: createSettingsService(options.settings),
  });
  return {
    registry,
    events,
    close: async () => {},
  };
}
