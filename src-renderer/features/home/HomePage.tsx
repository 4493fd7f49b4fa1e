import { Anchor, Badge, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { unwrap, useDesk } from '../../api/DeskContext';
import { useInvalidateOn } from '../../api/useDeskEvents';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { formatDateTime } from '../../i18n/dates';
import { SYNC_QUERY } from '../sync/SyncStatusBar';

/** A presence code whose access ends within this many hours is shown as "about to expire". */
const EXPIRING_WITHIN_HOURS = 24;

/** One tile: a heading that is also the link to its screen, and what needs the professional there. */
function Tile({ title, to, testId, children }: { title: string; to: string; testId: string; children: ReactNode }) {
  return (
    <Paper withBorder p="md" data-testid={testId} component="section" aria-label={title}>
      <Stack gap="xs">
        <Title order={3} size="h4">
          <Anchor component={Link} to={to}>
            {title}
          </Anchor>
        </Title>
        {children}
      </Stack>
    </Paper>
  );
}

function MessagesTile() {
  const { t } = useTranslation();
  const desk = useDesk();
  const counts = useQuery({ queryKey: ['mailbox.counts'], queryFn: () => unwrap(desk.mailbox.counts({})) });
  const inbox = useQuery({
    queryKey: ['mailbox.list', 'inbox', ''],
    queryFn: () => unwrap(desk.mailbox.list({ folder: 'inbox' })),
  });
  const unread = counts.data?.inbox.unread ?? 0;
  const latest = (inbox.data ?? []).filter((m) => m.unread).slice(0, 3);
  return (
    <Tile title={t('home.messages')} to="/mailbox" testId="tile-messages">
      {counts.isError && <ApiErrorAlert error={counts.error} />}
      <Text fw={600}>{t('home.unread', { count: unread })}</Text>
      {latest.map((m) => (
        <Text key={m.id} size="sm" lineClamp={1}>
          {m.sender.name} — {m.subject}
        </Text>
      ))}
    </Tile>
  );
}

function SyncTile() {
  const { t } = useTranslation();
  const desk = useDesk();
  const status = useQuery({ queryKey: SYNC_QUERY, queryFn: () => unwrap(desk.sync.status({})) });
  const s = status.data;
  return (
    <Tile title={t('home.writes')} to="/conflicts" testId="tile-sync">
      {status.isError && <ApiErrorAlert error={status.error} />}
      {s && (
        <>
          <Text>{t('home.pendingWrites', { count: s.pending })}</Text>
          <Text fw={s.conflicts > 0 ? 700 : undefined} c={s.conflicts > 0 ? 'red' : undefined}>
            {t('home.conflicts', { count: s.conflicts })}
          </Text>
        </>
      )}
    </Tile>
  );
}

function RecentPatientsTile() {
  const { t, i18n } = useTranslation();
  const desk = useDesk();
  const recent = useQuery({ queryKey: ['dsp.recentPatients'], queryFn: () => unwrap(desk.dsp.recentPatients({ limit: 5 })) });
  return (
    <Tile title={t('home.recentPatients')} to="/patients" testId="tile-recent-patients">
      {recent.isError && <ApiErrorAlert error={recent.error} />}
      {recent.data?.length === 0 && <Text c="dimmed">{t('home.noRecentPatients')}</Text>}
      {recent.data?.map((p) => (
        <Group key={p.id} justify="space-between" wrap="nowrap">
          <Anchor component={Link} to={`/patients/${p.id}`}>
            {p.name}
          </Anchor>
          <Text size="xs" c="dimmed">
            {formatDateTime(p.openedAt, i18n.language)}
          </Text>
        </Group>
      ))}
    </Tile>
  );
}

function ExpiringCodesTile() {
  const { t, i18n } = useTranslation();
  const desk = useDesk();
  const patients = useQuery({ queryKey: ['dsp.patients'], queryFn: () => unwrap(desk.dsp.patients({})) });
  // Read once per render of fresh data: "about to expire" is relative to when the list was fetched.
  const fetchedAt = patients.dataUpdatedAt;
  const horizon = fetchedAt + EXPIRING_WITHIN_HOURS * 3600_000;
  const expiring = (patients.data ?? [])
    .flatMap((p) =>
      p.access
        .filter((a) => a.kind === 'presence-code' && a.until !== null)
        .map((a) => ({ id: p.id, name: p.name, until: a.until! })),
    )
    .filter((code) => {
      const end = Date.parse(code.until);
      return end > fetchedAt && end <= horizon;
    })
    .sort((a, b) => a.until.localeCompare(b.until));
  return (
    <Tile title={t('home.expiringCodes')} to="/patients" testId="tile-expiring-codes">
      {patients.isError && <ApiErrorAlert error={patients.error} />}
      {patients.data && expiring.length === 0 && <Text c="dimmed">{t('home.noExpiringCodes')}</Text>}
      {expiring.map((code) => (
        <Group key={code.id} justify="space-between" wrap="nowrap">
          <Anchor component={Link} to={`/patients/${code.id}`}>
            {code.name}
          </Anchor>
          <Badge variant="light" color="orange">
            {t('dsp.until', { date: formatDateTime(code.until, i18n.language) })}
          </Badge>
        </Group>
      ))}
    </Tile>
  );
}

/**
 * The tiles of the home screen, in order. Each is a self-contained component that fetches what it
 * shows; today's round (IdeoMed) and the next tumour boards (IdeoRCP) join this list when they exist.
 */
const HOME_TILES = [
  { key: 'messages', Tile: MessagesTile },
  { key: 'sync', Tile: SyncTile },
  { key: 'recent-patients', Tile: RecentPatientsTile },
  { key: 'expiring-codes', Tile: ExpiringCodesTile },
] as const;

/** "Accueil": what needs the logged-in professional now, one tile per screen. */
export function HomePage() {
  const { t } = useTranslation();
  useInvalidateOn(['mailbox.changed', 'sync.changed'], [['mailbox.counts'], ['mailbox.list']]);
  useInvalidateOn(['dsp.changed'], [['dsp.patients'], ['dsp.recentPatients']]);
  return (
    <Stack>
      <Title order={2}>{t('home.heading')}</Title>
      <SimpleGrid cols={{ base: 1, md: 2 }} data-testid="home-tiles">
        {HOME_TILES.map(({ key, Tile: HomeTile }) => (
          <HomeTile key={key} />
        ))}
      </SimpleGrid>
    </Stack>
  );
}
