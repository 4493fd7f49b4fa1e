import { Button, Checkbox, PasswordInput, Select, Stack, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ProfileSummaryView } from '../../../src-shared/api';
import { unwrap, useDesk } from '../../api/DeskContext';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';

/** Offline: open one of this device's profiles with its passphrase. */
export function UnlockForm({ profiles, canRemember }: { profiles: ProfileSummaryView[]; canRemember: boolean }) {
  const { t } = useTranslation();
  const desk = useDesk();
  const queryClient = useQueryClient();
  const [profileId, setProfileId] = useState<string | null>(profiles[0]?.id ?? null);
  const [passphrase, setPassphrase] = useState('');
  const [remember, setRemember] = useState(false);
  const unlock = useMutation({
    mutationFn: () => unwrap(desk.session.unlock({ profileId: profileId ?? '', passphrase, remember })),
    onSuccess: () => queryClient.invalidateQueries(),
  });
  const unlockRemembered = useMutation({
    mutationFn: () => unwrap(desk.session.unlockRemembered({ profileId: profileId ?? '' })),
    onSuccess: () => queryClient.invalidateQueries(),
  });
  const selected = profiles.find((p) => p.id === profileId);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    unlock.mutate();
  };
  return (
    <form onSubmit={submit} aria-label={t('session.unlockTitle')}>
      <Stack>
        <Text size="sm">{t('session.unlockIntro')}</Text>
        <Select
          label={t('session.profile')}
          data={profiles.map((p) => ({ value: p.id, label: p.displayName }))}
          value={profileId}
          onChange={setProfileId}
          allowDeselect={false}
        />
        <PasswordInput
          label={t('session.passphrase')}
          value={passphrase}
          onChange={(event) => setPassphrase(event.currentTarget.value)}
          required
          autoFocus
        />
        {canRemember && (
          <Checkbox
            label={t('session.remember')}
            checked={remember}
            onChange={(event) => setRemember(event.currentTarget.checked)}
          />
        )}
        {unlock.isError && <ApiErrorAlert error={unlock.error} />}
        {unlockRemembered.isError && <ApiErrorAlert error={unlockRemembered.error} />}
        <Button type="submit" loading={unlock.isPending}>
          {t('session.unlock')}
        </Button>
        {selected?.remembered && (
          <Button variant="light" onClick={() => unlockRemembered.mutate()} loading={unlockRemembered.isPending}>
            {t('session.unlockRemembered')}
          </Button>
        )}
      </Stack>
    </form>
  );
}
