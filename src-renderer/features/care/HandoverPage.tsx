import { Button, Group, List, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { unwrap, useDesk } from '../../api/DeskContext';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { formatDateTime } from '../../i18n/dates';
import { unitLabel, useCareRefresh } from './care-queries';

function Section({ title, count, children }: { title: string; count: number; children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <Stack gap={4} component="section" aria-label={title}>
      <Title order={3} size="h4">
        {title} ({count})
      </Title>
      {count === 0 ? <Text c="dimmed">{t('care.handover.none')}</Text> : <List size="sm">{children}</List>}
    </Stack>
  );
}

/** The shift handover: open tasks, abnormal values, notes and doses not given since the last handover. */
export function HandoverPage() {
  const { t, i18n } = useTranslation();
  const desk = useDesk();
  useCareRefresh();
  const handover = useQuery({ queryKey: ['care.handover'], queryFn: () => unwrap(desk.care.handover({})) });
  const complete = useMutation({
    mutationFn: () => unwrap(desk.care.completeHandover({})),
    onSuccess: () => void handover.refetch(),
  });
  const h = handover.data;
  return (
    <Stack maw={1000}>
      <Title order={2}>{t('care.handover.title')}</Title>
      {handover.isError && <ApiErrorAlert error={handover.error} />}
      {h && (
        <>
          <Text>{t('care.handover.since', { date: formatDateTime(h.since, i18n.language) })}</Text>
          {h.last && (
            <Text size="sm" c="dimmed">
              {t('care.handover.last', { date: formatDateTime(h.last.at, i18n.language), name: h.last.byName })}
            </Text>
          )}
          <Section title={t('care.handover.abnormal')} count={h.abnormal.length}>
            {h.abnormal.map((v) => (
              <List.Item key={v.id}>
                {h && formatDateTime(v.at, i18n.language)} — {v.patientName} — {t(`care.kinds.${v.kind}`)}{' '}
                {v.kind === 'blood-pressure' ? `${v.systolic}/${v.diastolic}` : v.value} {unitLabel(v.unit)} (
                {t(`care.flags.${v.flag}`)})
              </List.Item>
            ))}
          </Section>
          <Section title={t('care.handover.dosesNotGiven')} count={h.dosesNotGiven.length}>
            {h.dosesNotGiven.map((d) => (
              <List.Item key={d.doseId}>
                {formatDateTime(d.scheduledAt, i18n.language)} — {d.patientName} — {d.medication} :{' '}
                {t(`care.round.states.${d.state}`)}
                {d.reason?.code ? ` (${t(`care.round.reasons.${d.reason.code}`)})` : ''}
              </List.Item>
            ))}
          </Section>
          <Section title={t('care.handover.openTasks')} count={h.openTasks.length}>
            {h.openTasks.map((task) => (
              <List.Item key={task.id}>
                {task.patientName} — {task.description}
              </List.Item>
            ))}
          </Section>
          <Section title={t('care.handover.notes')} count={h.notes.length}>
            {h.notes.map((n) => (
              <List.Item key={n.id}>
                {formatDateTime(n.at, i18n.language)} — {n.patientName} — {n.author ?? ''} :{' '}
                {n.text ?? Object.values(n.soap ?? {}).join(' / ')}
              </List.Item>
            ))}
          </Section>
          <Group>
            <Button onClick={() => complete.mutate()} loading={complete.isPending}>
              {t('care.handover.complete')}
            </Button>
          </Group>
        </>
      )}
    </Stack>
  );
}
