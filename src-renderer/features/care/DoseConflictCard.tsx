import { Button, Card, Group, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DoseConflict } from '../../../src-shared/api/care';
import { unwrap, useDesk } from '../../api/DeskContext';
import { formatDateTime } from '../../i18n/dates';
import { CareErrorAlert } from './CareErrorAlert';

function RecordSide({ title, record }: { title: string; record: DoseConflict['mine'] | null }) {
  const { t, i18n } = useTranslation();
  return (
    <Card withBorder padding="sm" component="section" aria-label={title}>
      <Text fw={600}>{title}</Text>
      {record === null ? (
        <Text size="sm">{t('care.doseConflict.noVersion')}</Text>
      ) : (
        <Stack gap={2}>
          <Text>
            {t('care.doseConflict.recordedBy', {
              outcome: record.outcome ? t(`care.round.outcomes.${record.outcome}`) : '?',
              who: record.by ?? t('conflicts.someoneElse'),
              when: record.at ? formatDateTime(record.at, i18n.language) : '—',
            })}
          </Text>
          {record.reason && (
            <Text size="sm">
              {t('care.round.reason')} : {record.reason.code ? t(`care.round.reasons.${record.reason.code}`) : ''}
              {record.reason.text ? ` — ${record.reason.text}` : ''}
            </Text>
          )}
          {record.check && (
            <Text size="sm">
              {record.check.state === 'asserted'
                ? t('care.round.checkAsserted', { name: record.check.byName ?? record.check.by })
                : t('care.round.checkCountersigned', { name: record.check.byName ?? record.check.by })}
            </Text>
          )}
        </Stack>
      )}
    </Card>
  );
}

/**
 * Two records of one dose, in clinical words (who, what, when, which dose), and the question: keep the
 * platform's record, or replace it by this device's as a correction with its reason. Never both, never silently.
 */
export function DoseConflictCard({ opId }: { opId: string }) {
  const { t, i18n } = useTranslation();
  const desk = useDesk();
  const queryClient = useQueryClient();
  const conflicts = useQuery({ queryKey: ['care.doseConflicts'], queryFn: () => unwrap(desk.care.doseConflicts({})) });
  const [reason, setReason] = useState('');
  const resolve = useMutation({
    mutationFn: (keep: 'mine' | 'theirs') =>
      unwrap(desk.care.resolveDoseConflict({ opId, keep, ...(reason.trim() ? { reason } : {}) })),
    onSuccess: () => queryClient.invalidateQueries(),
  });
  const conflict = conflicts.data?.find((c) => c.opId === opId);
  if (!conflict) return null;
  return (
    <Card withBorder data-testid="dose-conflict">
      <Stack>
        <Title order={3} size="h5">
          {t('care.doseConflict.title')}
        </Title>
        <Text fw={600}>
          {t('care.doseConflict.dose', {
            medication: conflict.medication,
            when: conflict.scheduledAt ? formatDateTime(conflict.scheduledAt, i18n.language) : '—',
            patient: conflict.patientName ?? '—',
          })}
        </Text>
        <Text size="sm">{t('care.doseConflict.explain')}</Text>
        <SimpleGrid cols={2}>
          <RecordSide title={t('care.doseConflict.mine')} record={conflict.mine} />
          <RecordSide title={t('care.doseConflict.theirs')} record={conflict.theirs} />
        </SimpleGrid>
        <TextInput
          label={t('care.doseConflict.reason')}
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
          maw={480}
        />
        {resolve.isError && <CareErrorAlert error={resolve.error} />}
        <Group>
          <Button onClick={() => resolve.mutate('theirs')} loading={resolve.isPending}>
            {t('care.doseConflict.keepTheirs')}
          </Button>
          <Button variant="default" onClick={() => resolve.mutate('mine')} loading={resolve.isPending}>
            {t('care.doseConflict.keepMine')}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}
