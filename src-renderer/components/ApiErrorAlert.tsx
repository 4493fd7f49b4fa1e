import { Alert, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../../src-shared/domain/errors';
import { DeskCallError } from '../api/DeskContext';

/** "Try again in 30 seconds" / "in 8 minutes": whole minutes once the wait reaches one. */
function retryKey(seconds: number): { key: 'errors.retryInSeconds' | 'errors.retryInMinutes'; count: number } {
  return seconds < 60
    ? { key: 'errors.retryInSeconds', count: seconds }
    : { key: 'errors.retryInMinutes', count: Math.ceil(seconds / 60) };
}

/** Shows an API error in the user's language, naming the field when there is one and the wait when there is one. */
export function ApiErrorAlert({ error }: { error: unknown }) {
  const { t } = useTranslation();
  const apiError: ApiError = error instanceof DeskCallError ? error.error : { code: 'internal', message: String(error) };
  const retry = apiError.retryAfterSeconds === undefined ? null : retryKey(apiError.retryAfterSeconds);
  return (
    <Alert
      color="red"
      role="alert"
      title={t(`errors.${apiError.code}`, { field: apiError.field ?? '', message: apiError.message })}
    >
      {retry ? <Text size="sm">{t(retry.key, { count: retry.count })}</Text> : null}
      {apiError.field ? <code>{apiError.field}</code> : null}
    </Alert>
  );
}
