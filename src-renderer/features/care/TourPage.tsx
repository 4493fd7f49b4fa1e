import { Alert, Badge, Button, Card, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { PatientReadiness } from '../../../src-shared/api/care';
import { unwrap, useDesk } from '../../api/DeskContext';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { formatBytes, localDay, useCareRefresh } from './care-queries';

function ReadinessLine({ readiness }: { readiness: PatientReadiness | undefined }) {
  const { t, i18n } = useTranslation();
  if (!readiness) return null;
  return (
    <Stack gap={2} data-testid="readiness" data-ready={readiness.ready}>
      <Group gap="xs">
        <Badge color={readiness.ready ? 'green' : 'red'} variant={readiness.ready ? 'light' : 'filled'}>
          {readiness.ready ? t('care.tour.ready') : t('care.tour.notReady')}
        </Badge>
        <Text size="sm">{t('care.tour.onDisk', { size: formatBytes(readiness.bytesOnDisk, i18n.language) })}</Text>
      </Group>
      <Text size="xs">
        {t('care.tour.counts', { care: readiness.careRecords, docs: readiness.dspDocuments, photos: readiness.photos })}
      </Text>
      {readiness.missing.length > 0 && (
        <Text size="sm" c="red">
          {readiness.missing.map((m) => t(`care.tour.missing.${m}`)).join(' ; ')}
        </Text>
      )}
    </Stack>
  );
}

/** "Ma tournée": tomorrow's visits by default, "Préparer hors ligne", and each patient's readiness counted from the cache. */
export function TourPage() {
  const { t, i18n } = useTranslation();
  const desk = useDesk();
  const queryClient = useQueryClient();
  useCareRefresh();
  const [date, setDate] = useState(localDay(1));
  const visits = useQuery({ queryKey: ['care.visits', date], queryFn: () => unwrap(desk.care.visits({ date })) });
  const readiness = useQuery({ queryKey: ['care.readiness', date], queryFn: () => unwrap(desk.care.readiness({ date })) });
  const prepare = useMutation({
    mutationFn: () => unwrap(desk.care.prepareRound({ date })),
    onSuccess: (value) => queryClient.setQueryData(['care.readiness', date], value),
  });
  const byPatient = new Map((readiness.data ?? []).map((r) => [r.patientId, r]));
  const pinned = (readiness.data ?? []).some((r) => r.pinned);
  const allReady = (readiness.data ?? []).length > 0 && (readiness.data ?? []).every((r) => r.ready);
  return (
    <Stack maw={1000}>
      <Title order={2}>{t('care.tour.title')}</Title>
      <Text>{t('care.tour.intro')}</Text>
      <Group align="flex-end">
        <TextInput
          type="date"
          label={t('care.tour.date')}
          value={date}
          onChange={(e) => e.currentTarget.value && setDate(e.currentTarget.value)}
        />
        <Button onClick={() => prepare.mutate()} loading={prepare.isPending} disabled={!visits.data?.length}>
          {prepare.isPending ? t('care.tour.preparing') : t('care.tour.prepare')}
        </Button>
      </Group>
      {visits.isError && <ApiErrorAlert error={visits.error} />}
      {prepare.isError && <ApiErrorAlert error={prepare.error} />}
      {pinned && !allReady && (
        <Alert color="red" role="alert" title={t('care.tour.notReadyWarning')}>
          {null}
        </Alert>
      )}
      {pinned && allReady && (
        <Alert color="green" role="status" title={t('care.tour.allReady')}>
          {null}
        </Alert>
      )}
      {visits.data?.length === 0 && <Text c="dimmed">{t('care.tour.empty')}</Text>}
      <Stack gap="xs" component="ol" style={{ listStyle: 'none', padding: 0 }} data-testid="visits">
        {visits.data?.map((visit) => (
          <Card key={`${visit.patientId}-${visit.start}`} withBorder padding="sm" component="li">
            <Group justify="space-between" align="flex-start">
              <Stack gap={2}>
                <Text fw={600}>
                  {new Date(visit.start).toLocaleTimeString(i18n.language, { hour: '2-digit', minute: '2-digit' })} —{' '}
                  {visit.patientName}
                </Text>
                {visit.address && <Text size="sm">{visit.address}</Text>}
                {visit.description && <Text size="sm">{visit.description}</Text>}
                <Link to={`/care/patients/${visit.patientId}`}>{t('care.tour.openChart')}</Link>
              </Stack>
              <ReadinessLine readiness={byPatient.get(visit.patientId)} />
            </Group>
          </Card>
        ))}
      </Stack>
    </Stack>
  );
}
