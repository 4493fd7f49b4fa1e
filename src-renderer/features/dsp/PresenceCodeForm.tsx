import { Alert, Button, Group, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { unwrap, useDesk } from '../../api/DeskContext';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { formatDateTime } from '../../i18n/dates';

/** The code a patient gives at the visit: opens their DSP to this professional until it expires. */
export function PresenceCodeForm({ patientId }: { patientId: string }) {
  const { t, i18n } = useTranslation();
  const desk = useDesk();
  const queryClient = useQueryClient();
  const [code, setCode] = useState('');
  const redeem = useMutation({
    mutationFn: () => unwrap(desk.dsp.redeemPresenceCode({ patientId, code })),
    onSuccess: () => {
      setCode('');
      void queryClient.invalidateQueries();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    redeem.mutate();
  };
  return (
    <form onSubmit={submit} aria-label={t('dsp.presenceCode')}>
      <Group align="flex-end">
        <TextInput
          label={t('dsp.presenceCode')}
          value={code}
          onChange={(e) => setCode(e.currentTarget.value)}
          inputMode="numeric"
          maxLength={8}
        />
        <Button type="submit" variant="light" loading={redeem.isPending}>
          {t('dsp.redeem')}
        </Button>
      </Group>
      {redeem.isError && <ApiErrorAlert error={redeem.error} />}
      {redeem.data?.until && (
        <Alert color="teal" mt="xs">
          {t('dsp.redeemed', { date: formatDateTime(redeem.data.until, i18n.language) })}
        </Alert>
      )}
    </form>
  );
}
