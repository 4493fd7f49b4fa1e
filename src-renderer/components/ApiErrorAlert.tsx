import { Alert } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../../src-shared/domain/errors';
import { DeskCallError } from '../api/DeskContext';

/** Shows an API error in the user's language, naming the field when there is one. */
export function ApiErrorAlert({ error }: { error: unknown }) {
  const { t } = useTranslation();
  const apiError: ApiError = error instanceof DeskCallError ? error.error : { code: 'internal', message: String(error) };
  return (
    <Alert
      color="red"
      role="alert"
      title={t(`errors.${apiError.code}`, { field: apiError.field ?? '', message: apiError.message })}
    >
      {apiError.field ? <code>{apiError.field}</code> : null}
    </Alert>
  );
}
