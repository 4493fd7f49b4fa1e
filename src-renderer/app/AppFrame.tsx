import { AppShell, Badge, Button, Group, NavLink, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { NavLink as RouterLink, Outlet } from 'react-router-dom';
import { unwrap, useDesk } from '../api/DeskContext';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { SESSION_QUERY, SessionGate } from '../features/session/SessionGate';
import { SyncStatusBar } from '../features/sync/SyncStatusBar';
import { MAILBOX_QUERIES } from '../features/mailbox/MailboxPage';
import { NewMailNotice } from '../features/mailbox/NewMailNotice';
import { SPACES_QUERIES } from '../features/spaces/SpacesPage';
import { NewPostsNotice } from '../features/spaces/NewPostsNotice';
import { useInvalidateOn } from '../api/useDeskEvents';
import { KeyboardShortcuts, useLockSession } from './KeyboardShortcuts';

/** Who is signed in, and the lock button: visible only while a profile is open. */
function SessionControls() {
  const { t } = useTranslation();
  const desk = useDesk();
  const status = useQuery({ queryKey: SESSION_QUERY, queryFn: () => unwrap(desk.session.status({})) });
  const lock = useLockSession();
  if (status.data?.state !== 'unlocked') return null;
  return (
    <Group gap="xs" wrap="nowrap">
      <SyncStatusBar />
      <Text size="sm">{t('session.signedInAs', { name: status.data.user?.name ?? status.data.profile?.displayName ?? '' })}</Text>
      <Button size="xs" variant="subtle" onClick={() => lock.mutate()}>
        {t('session.lock')}
      </Button>
      <KeyboardShortcuts />
    </Group>
  );
}

/** The mailbox link, with the number of unread messages once a profile is open. */
function MailboxLink() {
  const { t } = useTranslation();
  const desk = useDesk();
  const status = useQuery({ queryKey: SESSION_QUERY, queryFn: () => unwrap(desk.session.status({})) });
  const unlocked = status.data?.state === 'unlocked';
  useInvalidateOn(['mailbox.changed'], MAILBOX_QUERIES);
  const counts = useQuery({ queryKey: ['mailbox.counts'], queryFn: () => unwrap(desk.mailbox.counts({})), enabled: unlocked });
  const unread = unlocked ? (counts.data?.inbox.unread ?? 0) : 0;
  return (
    <NavLink
      component={RouterLink}
      to="/mailbox"
      label={t('mailbox.nav')}
      rightSection={
        unread > 0 ? (
          <Badge size="sm" data-testid="unread-badge">
            {unread}
          </Badge>
        ) : null
      }
    />
  );
}

/** The spaces link, with the number of unread posts and files once a profile is open. */
function SpacesLink() {
  const { t } = useTranslation();
  const desk = useDesk();
  const status = useQuery({ queryKey: SESSION_QUERY, queryFn: () => unwrap(desk.session.status({})) });
  const unlocked = status.data?.state === 'unlocked';
  useInvalidateOn(['spaces.changed'], SPACES_QUERIES);
  const spaces = useQuery({ queryKey: ['spaces.list'], queryFn: () => unwrap(desk.spaces.list({})), enabled: unlocked });
  const unread = unlocked ? (spaces.data ?? []).reduce((sum, s) => sum + s.unread, 0) : 0;
  const invitations = unlocked ? (spaces.data ?? []).filter((s) => s.myStatus === 'invited').length : 0;
  return (
    <NavLink
      component={RouterLink}
      to="/spaces"
      label={t('spaces.nav')}
      rightSection={
        unread + invitations > 0 ? (
          <Badge
            size="sm"
            data-testid="spaces-unread-badge"
            aria-label={t('spaces.unreadCount', { count: unread + invitations })}
          >
            {unread + invitations}
          </Badge>
        ) : null
      }
    />
  );
}

/** The patient simulator exists only when the platform runs inside this app (demo mode). */
function SimulatorLink() {
  const { t } = useTranslation();
  const desk = useDesk();
  const info = useQuery({ queryKey: ['app.info'], queryFn: () => unwrap(desk.app.info({})) });
  if (!info.data?.embeddedPlatform) return null;
  return <NavLink component={RouterLink} to="/simulator" label={t('simulator.nav')} />;
}

/** Header (title, sync state, session, language), navigation (only what works) and the current screen. */
export function AppFrame() {
  const { t } = useTranslation();
  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 200, breakpoint: 'sm' }} padding="md">
      <AppShell.Header>
        <a href="#main" className="skip-link">
          {t('app.skipToContent')}
        </a>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Title order={1} size="h3">
            {t('app.title')}
          </Title>
          <Group gap="md" wrap="nowrap">
            <SessionControls />
            <LanguageSwitch />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" component="nav" aria-label={t('nav.label')}>
        <NavLink component={RouterLink} to="/" end label={t('nav.home')} />
        <NavLink component={RouterLink} to="/patients" label={t('dsp.nav')} />
        <NavLink component={RouterLink} to="/care" end label={t('care.nav')} />
        <NavLink component={RouterLink} to="/care/tour" label={t('care.tourNav')} />
        <NavLink component={RouterLink} to="/care/round" label={t('care.roundNav')} />
        <NavLink component={RouterLink} to="/rcp" label={t('rcp.nav')} />
        <NavLink component={RouterLink} to="/directory" label={t('nav.directory')} />
        <MailboxLink />
        <SpacesLink />
        <NavLink component={RouterLink} to="/library" label={t('library.nav')} />
        <NavLink component={RouterLink} to="/conflicts" label={t('nav.conflicts')} />
        <SimulatorLink />
      </AppShell.Navbar>
      <AppShell.Main id="main">
        <SessionGate>
          <Outlet />
          <NewMailNotice />
          <NewPostsNotice />
        </SessionGate>
      </AppShell.Main>
    </AppShell>
  );
}
