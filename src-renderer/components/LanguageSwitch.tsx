import { SegmentedControl } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useDesk } from '../api/DeskContext';
import { isLanguage, LANGUAGES } from '../i18n';

/** FR / DE / EN, always visible in the header; the choice is kept in the user's settings. */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const desk = useDesk();
  return (
    <SegmentedControl
      aria-label={t('language.label')}
      size="xs"
      value={i18n.language}
      onChange={(value) => {
        if (!isLanguage(value)) return;
        void i18n.changeLanguage(value);
        void desk.settings.update({ language: value });
      }}
      data={LANGUAGES.map((lng) => ({ value: lng, label: lng.toUpperCase(), title: t(`language.${lng}`) }))}
    />
  );
}
