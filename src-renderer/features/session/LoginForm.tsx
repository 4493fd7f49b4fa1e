import { Button, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { MIN_PASSPHRASE_LENGTH } from '../../../src-shared/domain/passphrase';
import { DeskCallError, unwrap, useDesk } from '../../api/DeskContext';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';

type Field = 'identifier' | 'password' | 'otp' | 'passphrase';

/** LuxTrust-style login; the passphrase opens (or, the first time, creates) this user's encrypted cache. */
export function LoginForm() {
  const { t } = useTranslation();
  const desk = useDesk();
  const queryClient = useQueryClient();
  const [values, setValues] = useState<Record<Field, string>>({ identifier: '', password: '', otp: '', passphrase: '' });
  const login = useMutation({
    mutationFn: () => unwrap(desk.session.login(values)),
    onSuccess: () => queryClient.invalidateQueries(),
  });
  const errorField = login.error instanceof DeskCallError ? login.error.error.field : undefined;
  const fieldError = (field: Field) =>
    errorField === field ? t(`errors.${(login.error as DeskCallError).error.code}`, { field }) : undefined;
  const bind = (field: Field) => ({
    value: values[field],
    onChange: (event: { currentTarget: { value: string } }) => {
      const value = event.currentTarget.value;
      setValues((v) => ({ ...v, [field]: value }));
    },
    error: fieldError(field),
    required: true,
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    login.mutate();
  };

  return (
    <form onSubmit={submit} aria-label={t('session.loginTitle')}>
      <Stack>
        <Text size="sm">{t('session.loginIntro')}</Text>
        <TextInput label={t('session.identifier')} autoComplete="username" autoFocus {...bind('identifier')} />
        <PasswordInput label={t('session.password')} autoComplete="current-password" {...bind('password')} />
        <TextInput label={t('session.otp')} inputMode="numeric" autoComplete="one-time-code" maxLength={6} {...bind('otp')} />
        <PasswordInput
          label={t('session.passphrase')}
          description={t('session.passphraseHint', { min: MIN_PASSPHRASE_LENGTH })}
          autoComplete="new-password"
          {...bind('passphrase')}
        />
        {login.isError && <ApiErrorAlert error={login.error} />}
        <Button type="submit" loading={login.isPending}>
          {t('session.login')}
        </Button>
        {login.isPending && (
          <Text size="sm" aria-live="polite">
            {t('session.working')}
          </Text>
        )}
      </Stack>
    </form>
  );
}
