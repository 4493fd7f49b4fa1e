import { DateInput } from '@mantine/dates';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { DATE_FORMAT } from '../i18n/dates';
import type { Language } from '../i18n';

/**
 * A date typed or picked in the interface language's format (jj/mm/aaaa, TT.MM.JJJJ, dd/mm/yyyy);
 * the value stays an ISO calendar date (YYYY-MM-DD) or null, whatever the language.
 */
export function DateField({
  label,
  value,
  onChange,
}: {
  label: string;
  value: string | null;
  onChange: (value: string | null) => void;
}) {
  const { t, i18n } = useTranslation();
  const format = DATE_FORMAT[i18n.language as Language] ?? DATE_FORMAT.fr;
  return (
    <DateInput
      label={label}
      placeholder={t('dates.placeholder')}
      valueFormat={format}
      // Strict parsing: "31/02/2026" or a half-typed date is no date, rather than a guessed one.
      dateParser={(typed) => {
        const parsed = dayjs(typed.trim(), format, true);
        return parsed.isValid() ? parsed.format('YYYY-MM-DD') : null;
      }}
      value={value}
      onChange={onChange}
      clearable
      clearButtonProps={{ 'aria-label': t('dates.clear') }}
      previousLabel={t('dates.previous')}
      nextLabel={t('dates.next')}
    />
  );
}
