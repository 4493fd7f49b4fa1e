import '@mantine/core/styles.css';
import '@mantine/dates/styles.css';
import '@mantine/charts/styles.css';
import './app/global.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connectDesk } from './api/desk-client';
import { App } from './app/App';
import { createI18n } from './i18n';

async function boot(): Promise<void> {
  const desk = connectDesk();
  // The language comes from the user's settings in the core; French if they cannot be read.
  const preferences = await desk.settings.get({});
  const i18n = createI18n(preferences.ok ? preferences.value.language : 'fr');
  document.documentElement.lang = i18n.language;
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App desk={desk} i18n={i18n} />
    </StrictMode>,
  );
}

void boot();
