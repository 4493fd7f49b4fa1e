import {
  Alert,
  Badge,
  Button,
  Card,
  Group,
  Stack,
  Table,
  Tabs,
  Text,
  TextInput,
  Textarea,
  Title,
  UnstyledButton,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { SpaceSummary } from '../../../src-shared/api';
import { unwrap, useDesk } from '../../api/DeskContext';
import { useInvalidateOn } from '../../api/useDeskEvents';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { formatDate } from '../../i18n/dates';
import { PeoplePicker } from './PeoplePicker';
import { SpaceFiles } from './SpaceFiles';
import { SpaceThreads } from './SpaceThreads';

export const SPACES_QUERIES = [['spaces.list'], ['spaces.threads'], ['spaces.thread'], ['spaces.files']];

function CreateSpaceForm({ onCreated, onCancel }: { onCreated: (id: string) => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const desk = useDesk();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [invite, setInvite] = useState<string[]>([]);
  const create = useMutation({
    mutationFn: () => unwrap(desk.spaces.create({ name, invite, ...(description ? { description } : {}) })),
    onSuccess: ({ id }) => {
      void queryClient.invalidateQueries({ queryKey: ['spaces.list'] });
      onCreated(id);
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (name.trim()) create.mutate();
  };
  return (
    <Card withBorder component="form" onSubmit={submit} aria-label={t('spaces.create')}>
      <Stack gap="xs">
        <TextInput label={t('spaces.name')} value={name} onChange={(e) => setName(e.currentTarget.value)} required />
        <Textarea label={t('spaces.description')} value={description} onChange={(e) => setDescription(e.currentTarget.value)} />
        <PeoplePicker label={t('spaces.inviteColleagues')} value={invite} onChange={setInvite} testId="space-invitees" />
        {create.isError && <ApiErrorAlert error={create.error} />}
        <Group>
          <Button type="submit" loading={create.isPending}>
            {t('spaces.create')}
          </Button>
          <Button variant="default" onClick={onCancel}>
            {t('spaces.cancel')}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

function Members({ space }: { space: SpaceSummary }) {
  const { t } = useTranslation();
  const desk = useDesk();
  const queryClient = useQueryClient();
  const [invite, setInvite] = useState<string[]>([]);
  const done = () => void queryClient.invalidateQueries({ queryKey: ['spaces.list'] });
  const inviteMany = useMutation({
    mutationFn: async () => {
      for (const member of invite) await unwrap(desk.spaces.invite({ spaceId: space.id, member }));
    },
    onSuccess: () => {
      setInvite([]);
      done();
    },
  });
  const remove = useMutation({
    mutationFn: (member: string) => unwrap(desk.spaces.remove({ spaceId: space.id, member })),
    onSuccess: done,
  });
  const leave = useMutation({ mutationFn: () => unwrap(desk.spaces.leave({ spaceId: space.id })), onSuccess: done });
  return (
    <Stack>
      <Table data-testid="space-members">
        <Table.Tbody>
          {space.members
            .filter((m) => m.status === 'active' || m.status === 'invited')
            .map((m) => (
              <Table.Tr key={m.reference}>
                <Table.Td>{m.name}</Table.Td>
                <Table.Td>
                  <Badge size="sm" variant="light" color={m.status === 'invited' ? 'gray' : 'teal'}>
                    {m.reference === space.owner ? t('spaces.owner') : t(`spaces.status.${m.status}`)}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  {space.mine && m.reference !== space.owner && (
                    <Button size="compact-xs" color="red" variant="light" onClick={() => remove.mutate(m.reference)}>
                      {t('spaces.remove')}
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
        </Table.Tbody>
      </Table>
      {space.mine && (
        <Group align="flex-end">
          <div style={{ flex: 1 }}>
            <PeoplePicker
              label={t('spaces.inviteColleagues')}
              value={invite}
              onChange={setInvite}
              exclude={space.members.filter((m) => m.status === 'active' || m.status === 'invited').map((m) => m.reference)}
              testId="space-invite"
            />
          </div>
          <Button onClick={() => inviteMany.mutate()} disabled={invite.length === 0} loading={inviteMany.isPending}>
            {t('spaces.invite')}
          </Button>
        </Group>
      )}
      {!space.mine && (
        <Group>
          <Button variant="default" color="red" onClick={() => leave.mutate()}>
            {t('spaces.leave')}
          </Button>
        </Group>
      )}
      {(inviteMany.isError || remove.isError || leave.isError) && (
        <ApiErrorAlert error={inviteMany.error ?? remove.error ?? leave.error} />
      )}
    </Stack>
  );
}

function Invitation({ space }: { space: SpaceSummary }) {
  const { t } = useTranslation();
  const desk = useDesk();
  const queryClient = useQueryClient();
  const done = () => void queryClient.invalidateQueries({ queryKey: ['spaces.list'] });
  const accept = useMutation({ mutationFn: () => unwrap(desk.spaces.accept({ spaceId: space.id })), onSuccess: done });
  const decline = useMutation({ mutationFn: () => unwrap(desk.spaces.decline({ spaceId: space.id })), onSuccess: done });
  return (
    <Card withBorder data-testid="space-invitation">
      <Stack gap="xs">
        <Text>{t('spaces.invitedBy', { owner: space.ownerName, name: space.name })}</Text>
        <Text size="sm">{t('spaces.joiningNotice')}</Text>
        <Group>
          <Button onClick={() => accept.mutate()} loading={accept.isPending}>
            {t('spaces.accept')}
          </Button>
          <Button variant="default" onClick={() => decline.mutate()} loading={decline.isPending}>
            {t('spaces.decline')}
          </Button>
        </Group>
        {(accept.isError || decline.isError) && <ApiErrorAlert error={accept.error ?? decline.error} />}
      </Stack>
    </Card>
  );
}

/** "Mes espaces": the user's spaces with unread badges and invitations; the open space's threads, files and members. */
export function SpacesPage() {
  const { t, i18n } = useTranslation();
  const desk = useDesk();
  useInvalidateOn(['spaces.changed'], SPACES_QUERIES);
  const spaces = useQuery({ queryKey: ['spaces.list'], queryFn: () => unwrap(desk.spaces.list({})) });
  const [selected, setSelected] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const space = spaces.data?.find((s) => s.id === selected) ?? null;
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{t('spaces.title')}</Title>
        {!creating && <Button onClick={() => setCreating(true)}>{t('spaces.newSpace')}</Button>}
      </Group>
      {creating && (
        <CreateSpaceForm
          onCreated={(id) => {
            setCreating(false);
            setSelected(id);
          }}
          onCancel={() => setCreating(false)}
        />
      )}
      {spaces.isError && <ApiErrorAlert error={spaces.error} />}
      <Group align="flex-start" wrap="nowrap" gap="lg">
        <Stack style={{ flex: '0 0 260px' }} gap="xs" component="nav" aria-label={t('spaces.mySpaces')}>
          {spaces.data?.length === 0 && <Text>{t('spaces.none')}</Text>}
          {spaces.data?.map((s) => (
            <UnstyledButton
              key={s.id}
              onClick={() => setSelected(s.id)}
              aria-current={selected === s.id}
              data-testid="space-item"
            >
              <Card withBorder padding="xs" bg={selected === s.id ? 'var(--mantine-color-blue-light)' : undefined}>
                <Group justify="space-between" wrap="nowrap">
                  <Text size="sm" fw={s.unread > 0 ? 700 : 500}>
                    {s.name}
                  </Text>
                  {s.myStatus === 'invited' && (
                    <Badge size="sm" color="grape">
                      {t('spaces.invitation')}
                    </Badge>
                  )}
                  {s.unread > 0 && (
                    <Badge size="sm" data-testid="space-unread" aria-label={t('spaces.unreadCount', { count: s.unread })}>
                      {s.unread}
                    </Badge>
                  )}
                </Group>
              </Card>
            </UnstyledButton>
          ))}
        </Stack>
        <Stack style={{ flex: 1 }}>
          {space?.myStatus === 'invited' && <Invitation space={space} />}
          {space?.myStatus === 'active' && (
            <>
              <Title order={3}>{space.name}</Title>
              {space.description && <Text size="sm">{space.description}</Text>}
              <Alert color="blue" data-testid="space-encryption-notice">
                {t('spaces.encryptionNotice', {
                  since: space.memberSince ? formatDate(space.memberSince, i18n.language) : '—',
                })}
              </Alert>
              {space.pending && <Alert color="gray">{t('spaces.pendingSpace')}</Alert>}
              <Tabs defaultValue="threads" keepMounted={false}>
                <Tabs.List>
                  <Tabs.Tab value="threads">{t('spaces.threads')}</Tabs.Tab>
                  <Tabs.Tab value="files">{t('spaces.files')}</Tabs.Tab>
                  <Tabs.Tab value="members">
                    {t('spaces.members', { count: space.members.filter((m) => m.status === 'active').length })}
                  </Tabs.Tab>
                </Tabs.List>
                <Tabs.Panel value="threads" pt="sm">
                  <SpaceThreads spaceId={space.id} members={space.members} canPost />
                </Tabs.Panel>
                <Tabs.Panel value="files" pt="sm">
                  <SpaceFiles spaceId={space.id} canPost />
                </Tabs.Panel>
                <Tabs.Panel value="members" pt="sm">
                  <Members space={space} />
                </Tabs.Panel>
              </Tabs>
            </>
          )}
          {!space && spaces.data && spaces.data.length > 0 && <Text c="dimmed">{t('spaces.pick')}</Text>}
        </Stack>
      </Group>
    </Stack>
  );
}
