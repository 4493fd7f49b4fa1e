import { Alert, Badge, Button, Grid, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router-dom';
import type { RcpMeetingDetail } from '../../../src-shared/api';
import { unwrap, useDesk } from '../../api/DeskContext';
import { useInvalidateOn } from '../../api/useDeskEvents';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { formatDateTime } from '../../i18n/dates';
import { PdfView } from '../dsp/PdfView';
import { CaseDossier, StagingText } from './CaseDossier';
import { ProposalForm } from './ProposalForm';
import { AnswerBadge, RCP_QUERIES } from './RcpMeetingsPage';

function Participants({ meeting }: { meeting: RcpMeetingDetail }) {
  const { t } = useTranslation();
  return (
    <Group gap="xs" data-testid="rcp-participants">
      {meeting.participants.map((p) => (
        <Badge
          key={p.reference}
          variant="light"
          color={
            p.role === 'coordinator' ? 'blue' : p.answer === 'accepted' ? 'green' : p.answer === 'declined' ? 'gray' : 'orange'
          }
        >
          {p.name}
          {p.specialties.length > 0 && ` · ${p.specialties.map((s) => t(`rcp.specialty.${s}`, { defaultValue: s })).join(', ')}`}
          {' · '}
          {p.role === 'coordinator' ? t('rcp.role.coordinator') : t(`rcp.answer.${p.answer}`)}
        </Badge>
      ))}
    </Group>
  );
}

/** The meeting: who comes, the agenda, then case after case with the dossier beside the proposal form; the minutes. */
export function RcpMeetingPage() {
  const { meetingId = '' } = useParams();
  const { t, i18n } = useTranslation();
  const desk = useDesk();
  const queryClient = useQueryClient();
  useInvalidateOn(['rcp.changed'], RCP_QUERIES);
  const meeting = useQuery({ queryKey: ['rcp.meeting', meetingId], queryFn: () => unwrap(desk.rcp.meeting({ id: meetingId })) });
  const [selected, setSelected] = useState<number | null>(null);
  const current = selected !== null ? meeting.data?.cases[selected] : undefined;
  const dossier = useQuery({
    queryKey: ['rcp.dossier', current?.id, meetingId],
    queryFn: () => unwrap(desk.rcp.dossier({ caseId: current!.id, meetingId })),
    enabled: current?.readable === true,
  });
  const refresh = () => void queryClient.invalidateQueries();
  const answer = useMutation({
    mutationFn: (value: 'accepted' | 'declined' | 'tentative') => unwrap(desk.rcp.answer({ meetingId, answer: value })),
    onSuccess: refresh,
  });
  const sendAgenda = useMutation({ mutationFn: () => unwrap(desk.rcp.sendAgenda({ meetingId })), onSuccess: refresh });
  const [preview, setPreview] = useState<string | null>(null);
  const previewMinutes = useMutation({
    mutationFn: () => unwrap(desk.rcp.minutesPreview({ meetingId })),
    onSuccess: (result) => setPreview(result.data),
  });
  const publish = useMutation({ mutationFn: () => unwrap(desk.rcp.publishMinutes({ meetingId })), onSuccess: refresh });

  if (meeting.isError) return <ApiErrorAlert error={meeting.error} />;
  if (!meeting.data) return <Text>{t('app.loading')}</Text>;
  const m = meeting.data;
  const present = [
    ...new Set(m.participants.filter((p) => p.role === 'member' && p.answer === 'accepted').flatMap((p) => p.specialties)),
  ];
  const withProposal = m.cases.filter((c) => c.proposalId !== null).length;
  return (
    <Stack>
      <Group justify="space-between" align="flex-start">
        <div>
          <Title order={2} data-testid="rcp-meeting-title">
            {m.title}
          </Title>
          <Text c="dimmed">
            {m.start ? formatDateTime(m.start, i18n.language) : '—'}
            {m.specialty && ` · ${m.specialty}`} · {t(`rcp.status.${m.status}`, { defaultValue: m.status })}
          </Text>
        </div>
        <Group gap="xs">
          <AnswerBadge meeting={m} />
          {m.pending && <Badge color="yellow">{t('rcp.pending')}</Badge>}
        </Group>
      </Group>
      <Participants meeting={m} />
      {m.canAnswer && (
        <Group gap="xs" role="group" aria-label={t('rcp.myAnswer')}>
          <Text fw={600}>{t('rcp.myAnswer')}</Text>
          <Button size="xs" variant={m.myAnswer === 'accepted' ? 'filled' : 'default'} onClick={() => answer.mutate('accepted')}>
            {t('rcp.confirm')}
          </Button>
          <Button
            size="xs"
            variant={m.myAnswer === 'tentative' ? 'filled' : 'default'}
            onClick={() => answer.mutate('tentative')}
          >
            {t('rcp.tentative')}
          </Button>
          <Button
            size="xs"
            variant={m.myAnswer === 'declined' ? 'filled' : 'default'}
            color="gray"
            onClick={() => answer.mutate('declined')}
          >
            {t('rcp.decline')}
          </Button>
        </Group>
      )}
      {answer.isError && <ApiErrorAlert error={answer.error} />}
      {m.myRole === 'coordinator' && (
        <Group>
          <Button variant="light" onClick={() => sendAgenda.mutate()} loading={sendAgenda.isPending}>
            {t('rcp.sendAgenda')}
          </Button>
          {sendAgenda.isSuccess && <Text c="green">{t('rcp.agendaSent')}</Text>}
        </Group>
      )}
      <Alert
        color={m.quorum.met ? 'green' : 'orange'}
        title={m.quorum.met ? t('rcp.quorumMet') : t('rcp.quorumMissing')}
        data-testid="rcp-quorum"
      >
        {!m.quorum.met &&
          m.quorum.missing
            .map((group) => group.map((s) => t(`rcp.specialty.${s}`, { defaultValue: s })).join(` ${t('rcp.or')} `))
            .join(' ; ')}
      </Alert>

      <Title order={3} size="h4">
        {t('rcp.agenda')}
      </Title>
      {m.cases.length === 0 ? (
        <Text c="dimmed">{t('rcp.emptyAgenda')}</Text>
      ) : (
        <Table highlightOnHover data-testid="rcp-agenda">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>#</Table.Th>
              <Table.Th>{t('rcp.patient')}</Table.Th>
              <Table.Th>{t('rcp.question')}</Table.Th>
              <Table.Th>{t('rcp.staging')}</Table.Th>
              <Table.Th>{t('rcp.presenter')}</Table.Th>
              <Table.Th>{t('rcp.proposal')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {m.cases.map((c, i) => (
              <Table.Tr
                key={c.id}
                tabIndex={0}
                aria-selected={selected === i}
                style={{ cursor: c.readable ? 'pointer' : 'default' }}
                onClick={() => c.readable && setSelected(i)}
                onKeyDown={(e) => e.key === 'Enter' && c.readable && setSelected(i)}
              >
                <Table.Td>{i + 1}</Table.Td>
                <Table.Td fw={600}>{c.readable ? c.patientName : t('rcp.notReadable')}</Table.Td>
                <Table.Td>{c.question}</Table.Td>
                <Table.Td>
                  <StagingText staging={c.staging} />
                </Table.Td>
                <Table.Td>{c.presenter ?? '—'}</Table.Td>
                <Table.Td>
                  {c.pending && <Badge color="yellow">{t('rcp.pending')}</Badge>}
                  {c.proposalId ? (
                    <Badge color="green">{t('rcp.recorded')}</Badge>
                  ) : (
                    <Badge variant="outline">{t('rcp.toDiscuss')}</Badge>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}

      {current && (
        <Stack data-testid="rcp-case-view">
          <Group justify="space-between">
            <Title order={3} size="h4">
              {t('rcp.caseOf', { index: (selected ?? 0) + 1, count: m.cases.length })}
            </Title>
            <Group gap="xs">
              <Button
                variant="default"
                size="xs"
                disabled={selected === 0}
                onClick={() => setSelected((s) => Math.max(0, (s ?? 0) - 1))}
              >
                {t('rcp.previousCase')}
              </Button>
              <Button
                variant="default"
                size="xs"
                disabled={selected === m.cases.length - 1}
                onClick={() => setSelected((s) => Math.min(m.cases.length - 1, (s ?? 0) + 1))}
              >
                {t('rcp.nextCase')}
              </Button>
            </Group>
          </Group>
          {dossier.isError && <ApiErrorAlert error={dossier.error} />}
          {dossier.data && (
            <Grid>
              <Grid.Col span={{ base: 12, md: 6 }}>
                <CaseDossier dossier={dossier.data} />
              </Grid.Col>
              <Grid.Col span={{ base: 12, md: 6 }}>
                <ProposalForm
                  key={`${dossier.data.id}:${dossier.data.proposal?.baseVersion ?? 'new'}`}
                  dossier={dossier.data}
                  meetingId={meetingId}
                  canRecord={m.canRecord}
                  present={present}
                />
              </Grid.Col>
            </Grid>
          )}
        </Stack>
      )}

      {m.myRole === 'member' && (
        <Paper withBorder p="md">
          <Stack gap="xs">
            <Title order={3} size="h4">
              {t('rcp.minutes')}
            </Title>
            <Text size="sm">{t('rcp.minutesIntro', { count: withProposal })}</Text>
            <Group>
              <Button
                variant="light"
                onClick={() => previewMinutes.mutate()}
                loading={previewMinutes.isPending}
                disabled={withProposal === 0}
              >
                {t('rcp.previewMinutes')}
              </Button>
              <Button onClick={() => publish.mutate()} loading={publish.isPending} disabled={!m.canRecord || withProposal === 0}>
                {t('rcp.publishMinutes')}
              </Button>
            </Group>
            {previewMinutes.isError && <ApiErrorAlert error={previewMinutes.error} />}
            {publish.isError && <ApiErrorAlert error={publish.error} />}
            {publish.isSuccess && (
              <Text c="green" data-testid="rcp-published">
                {t('rcp.published', { count: publish.data.published.length })}
              </Text>
            )}
            {preview && (
              <div data-testid="rcp-minutes-preview">
                <PdfView base64={preview} />
              </div>
            )}
          </Stack>
        </Paper>
      )}
    </Stack>
  );
}
