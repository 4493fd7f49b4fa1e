import { SegmentedControl } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { isLanguage, LANGUAGES, rememberLanguage } from '../i18n';

/** FR / DE / EN, always visible in the header; the choice is remembered on this device. */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <SegmentedControl
      aria-label={t('language.label')}
      size="xs"
      value={i18n.language}
      onChange={(value) => {
        if (!isLanguage(value)) return;
        void i18n.changeLanguage(value);
        rememberLanguage(window.localStorage, value);
      }}
      data={LANGUAGES.map((lng) => ({ value: lng, label: lng.toUpperCase(), title: t(`language.${lng}`) }))}
    />
  );
}
