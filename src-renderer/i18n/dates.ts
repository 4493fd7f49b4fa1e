import dayjs from 'dayjs';
import 'dayjs/locale/de';
import 'dayjs/locale/en';
import 'dayjs/locale/fr';
import customParseFormat from 'dayjs/plugin/customParseFormat';
import type { Language } from './index';

// Mantine's DateInput parses what the user types with dayjs in the display format: that needs this plugin.
dayjs.extend(customParseFormat);

/**
 * How dates are written in each interface language: day first everywhere (English here is Luxembourg's,
 * not the US's), with the separator each language's readers expect.
 */
export const DATE_FORMAT: Record<Language, string> = { fr: 'DD/MM/YYYY', de: 'DD.MM.YYYY', en: 'DD/MM/YYYY' };

function formatOf(language: string): string {
  return DATE_FORMAT[language as Language] ?? DATE_FORMAT.fr;
}

/** A date (or the date part of a timestamp) in the interface language, e.g. 24/11/2026 or 24.11.2026. */
export function formatDate(iso: string, language: string): string {
  // A bare date (YYYY-MM-DD) is a calendar day, not an instant: parse it without a time zone shift.
  const value = /^\d{4}-\d{2}-\d{2}$/.test(iso) ? dayjs(iso, 'YYYY-MM-DD') : dayjs(iso);
  return value.isValid() ? value.locale(language).format(formatOf(language)) : iso;
}

/** A timestamp in the interface language, local time: 24/11/2026 14:05. */
export function formatDateTime(iso: string, language: string): string {
  const value = dayjs(iso);
  return value.isValid() ? value.locale(language).format(`${formatOf(language)} HH:mm`) : iso;
}
