import { Badge, Button, Group, Progress, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { unwrap, useDesk } from '../../api/DeskContext';
import { useInvalidateOn } from '../../api/useDeskEvents';

export const SYNC_QUERY = ['sync.status'];
const CONNECTIVITY_COLOR = { online: 'teal', offline: 'gray', unauthenticated: 'orange' } as const;

/** Always visible while a profile is open: online or not, last sync, pending writes, conflicts, sync now. */
export function SyncStatusBar() {
  const { t, i18n } = useTranslation();
  const desk = useDesk();
  const queryClient = useQueryClient();
  useInvalidateOn(['sync.changed', 'sync.progress'], [SYNC_QUERY]);
  const status = useQuery({ queryKey: SYNC_QUERY, queryFn: () => unwrap(desk.sync.status({})), refetchInterval: 15_000 });
  const syncNow = useMutation({
    mutationFn: () => unwrap(desk.sync.now({})),
    onSuccess: () => queryClient.invalidateQueries(),
  });
  // The network coming back is the best moment to sync: do not wait for the next timer.
  const { mutate: sync } = syncNow;
  useEffect(() => {
    const onOnline = () => sync();
    window.addEventListener('online', onOnline);
    return () => window.removeEventListener('online', onOnline);
  }, [sync]);
  if (!status.data) return null;
  const s = status.data;
  const lastSync = s.lastSuccessAt
    ? t('sync.lastSync', {
        time: new Date(s.lastSuccessAt).toLocaleTimeString(i18n.language, { hour: '2-digit', minute: '2-digit' }),
      })
    : t('sync.never');

  return (
    <Group gap="xs" wrap="nowrap" data-testid="sync-status" aria-live="polite">
      <Badge color={CONNECTIVITY_COLOR[s.connectivity]} variant="filled" data-testid="connectivity">
        {s.running ? t('sync.syncing') : t(`sync.${s.connectivity}`)}
      </Badge>
      <Text size="xs" c="dimmed">
        {lastSync}
      </Text>
      {s.pending > 0 && (
        <Badge color="yellow" variant="light" data-testid="pending-count">
          {t('sync.pending', { count: s.pending })}
        </Badge>
      )}
      {s.conflicts > 0 && (
        <Badge component={Link} to="/conflicts" color="red" variant="light" style={{ cursor: 'pointer' }}>
          {t('sync.conflicts', { count: s.conflicts })}
        </Badge>
      )}
      {s.progress && (
        <Group gap={4} wrap="nowrap" w={160}>
          <Progress
            aria-label={t('sync.progress', { done: s.progress.done })}
            value={s.progress.total ? (100 * s.progress.done) / s.progress.total : 100}
            animated
            striped
            w={80}
          />
          <Text size="xs">{t('sync.progress', { done: s.progress.done })}</Text>
        </Group>
      )}
      <Button size="xs" variant="default" onClick={() => syncNow.mutate()} loading={syncNow.isPending || s.running}>
        {t('sync.now')}
      </Button>
    </Group>
  );
}
