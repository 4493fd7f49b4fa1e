import { join } from 'node:path';
import { render } from '@testing-library/react';
import { QueryClient } from '@tanstack/react-query';
import { createCore, type Core } from '../../../src-main/core';
import { FileSettingsStore } from '../../../src-main/core/settings';
import { createDeskMethods, type DeskApi } from '../../../src-shared/api/desk-bridge';
import { App } from '../../../src-renderer/app/App';
import { createI18n, type Language } from '../../../src-renderer/i18n';
import { tempDir } from '../../fixtures/temp-dirs';

/**
 * Renders the whole app against a real core (registry, services, file settings), called directly
 * instead of over IPC or HTTP: the renderer sees exactly what either transport would give it.
 */
export function renderApp(options: { language?: Language; core?: Core } = {}) {
  const dir = tempDir('desk-renderer-');
  const core =
    options.core ??
    createCore({
      version: '0.1.0',
      shell: 'browser',
      platformUrl: 'http://127.0.0.1:8787/fhir',
      dataDir: dir,
      settings: new FileSettingsStore(join(dir, 'settings.json')),
    });
  const desk: DeskApi = {
    ...createDeskMethods((name, input) => core.registry.call(name, input)),
    on: (topic, listener) =>
      core.events.subscribe((receivedTopic: string, payload: unknown) => {
        if (receivedTopic === topic) (listener as (p: unknown) => void)(payload);
      }),
  };
  const i18n = createI18n(options.language ?? 'fr');
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  window.location.hash = '#/';
  return { core, desk, i18n, ...render(<App desk={desk} i18n={i18n} queryClient={queryClient} />) };
}
