import { Alert } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { DeskCallError } from '../../api/DeskContext';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';

/**
 * A refused care entry in the user's language, naming the field as the form labels it and the rule it broke
 * ("SpO₂ : valeur impossible"); anything else falls back to the generic error.
 */
export function CareErrorAlert({ error, labelOf }: { error: unknown; labelOf?: (field: string) => string | undefined }) {
  const { t, i18n } = useTranslation();
  const apiError = error instanceof DeskCallError ? error.error : null;
  const ruleKey = apiError?.rule ? `care.errors.rules.${apiError.rule}` : null;
  if (!apiError || apiError.code !== 'invalid_input' || !ruleKey || !i18n.exists(ruleKey)) return <ApiErrorAlert error={error} />;
  const field = apiError.field ?? '';
  const last = field.split('.').at(-1) ?? field;
  const fieldKey = `care.errors.fields.${last}`;
  const label = labelOf?.(field) ?? (i18n.exists(fieldKey) ? t(fieldKey) : field);
  return (
    <Alert
      color="red"
      role="alert"
      title={t('care.errors.rule', { field: label, rule: t(ruleKey) })}
      data-field={field}
      data-rule={apiError.rule}
    >
      {null}
    </Alert>
  );
}
