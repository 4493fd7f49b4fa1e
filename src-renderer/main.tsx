import '@mantine/core/styles.css';
import './app/global.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connectDesk } from './api/desk-client';
import { App } from './app/App';
import { createI18n, storedLanguage } from './i18n';

const i18n = createI18n(storedLanguage(window.localStorage));
document.documentElement.lang = i18n.language;
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App desk={connectDesk()} i18n={i18n} />
  </StrictMode>,
);
