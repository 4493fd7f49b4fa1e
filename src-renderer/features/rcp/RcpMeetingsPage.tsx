import { Badge, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import type { RcpMeetingSummary } from '../../../src-shared/api';
import { unwrap, useDesk } from '../../api/DeskContext';
import { useInvalidateOn } from '../../api/useDeskEvents';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { formatDateTime } from '../../i18n/dates';

export const RCP_QUERIES = [['rcp.meetings'], ['rcp.meeting'], ['rcp.dossier'], ['rcp.casesOf']];

/** My answer (or my place) at a meeting, as a badge. */
export function AnswerBadge({ meeting }: { meeting: Pick<RcpMeetingSummary, 'myRole' | 'myAnswer'> }) {
  const { t } = useTranslation();
  if (meeting.myRole === 'coordinator') return <Badge variant="light">{t('rcp.role.coordinator')}</Badge>;
  if (meeting.myRole === null) return <Badge variant="outline">{t('rcp.role.calendar')}</Badge>;
  const color = meeting.myAnswer === 'accepted' ? 'green' : meeting.myAnswer === 'declined' ? 'gray' : 'orange';
  return (
    <Badge color={color} variant="light">
      {t(`rcp.answer.${meeting.myAnswer ?? 'needs-action'}`)}
    </Badge>
  );
}

function MeetingTable({ meetings, testId }: { meetings: RcpMeetingSummary[]; testId: string }) {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  if (meetings.length === 0) return <Text c="dimmed">{t('rcp.noMeetings')}</Text>;
  return (
    <Table highlightOnHover data-testid={testId}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t('rcp.when')}</Table.Th>
          <Table.Th>{t('rcp.board')}</Table.Th>
          <Table.Th>{t('rcp.cases')}</Table.Th>
          <Table.Th>{t('rcp.myPlace')}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {meetings.map((m) => (
          <Table.Tr
            key={m.id}
            tabIndex={0}
            style={{ cursor: 'pointer' }}
            onClick={() => navigate(`/rcp/meetings/${m.id}`)}
            onKeyDown={(e) => e.key === 'Enter' && navigate(`/rcp/meetings/${m.id}`)}
          >
            <Table.Td>{m.start ? formatDateTime(m.start, i18n.language) : '—'}</Table.Td>
            <Table.Td fw={600}>
              {m.title}
              {m.specialty && (
                <Text span c="dimmed" ml="xs" size="sm">
                  {m.specialty}
                </Text>
              )}
            </Table.Td>
            <Table.Td>{t('rcp.caseCount', { count: m.caseCount })}</Table.Td>
            <Table.Td>
              <Group gap={4}>
                <AnswerBadge meeting={m} />
                {m.pending && <Badge color="yellow">{t('rcp.pending')}</Badge>}
              </Group>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** My tumour-board meetings: upcoming, then past (the last one first). */
export function RcpMeetingsPage() {
  const { t } = useTranslation();
  const desk = useDesk();
  useInvalidateOn(['rcp.changed'], RCP_QUERIES);
  const meetings = useQuery({ queryKey: ['rcp.meetings'], queryFn: () => unwrap(desk.rcp.meetings({})) });
  return (
    <Stack maw={1100}>
      <Title order={2}>{t('rcp.title')}</Title>
      <Text>{t('rcp.intro')}</Text>
      {meetings.isError && <ApiErrorAlert error={meetings.error} />}
      <Title order={3} size="h4">
        {t('rcp.upcoming')}
      </Title>
      {meetings.data && <MeetingTable meetings={meetings.data.upcoming} testId="rcp-upcoming" />}
      <Title order={3} size="h4">
        {t('rcp.past')}
      </Title>
      {meetings.data && <MeetingTable meetings={meetings.data.past} testId="rcp-past" />}
    </Stack>
  );
}
