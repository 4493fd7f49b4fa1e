import { Badge, Button, Card, Group, MultiSelect, Stack, Text, TextInput, Textarea, Title, UnstyledButton } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { SpaceMemberView } from '../../../src-shared/api';
import { unwrap, useDesk } from '../../api/DeskContext';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { formatDateTime } from '../../i18n/dates';

function MentionPicker({
  members,
  value,
  onChange,
}: {
  members: SpaceMemberView[];
  value: string[];
  onChange: (v: string[]) => void;
}) {
  const { t } = useTranslation();
  return (
    <MultiSelect
      label={t('spaces.mention')}
      data={members.filter((m) => m.status === 'active').map((m) => ({ value: m.reference, label: `@${m.name}` }))}
      value={value}
      onChange={onChange}
      clearable
    />
  );
}

/** One thread: its header and posts in order, and the reply form. Opening it marks it read. */
function ThreadView({ threadId, members, canPost }: { threadId: string; members: SpaceMemberView[]; canPost: boolean }) {
  const { t, i18n } = useTranslation();
  const desk = useDesk();
  const queryClient = useQueryClient();
  const thread = useQuery({ queryKey: ['spaces.thread', threadId], queryFn: () => unwrap(desk.spaces.thread({ threadId })) });
  const [text, setText] = useState('');
  const [mentions, setMentions] = useState<string[]>([]);
  const reply = useMutation({
    mutationFn: () => unwrap(desk.spaces.reply({ threadId, text, mentions })),
    onSuccess: () => {
      setText('');
      setMentions([]);
      void queryClient.invalidateQueries({ queryKey: ['spaces.thread', threadId] });
      void queryClient.invalidateQueries({ queryKey: ['spaces.threads'] });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (text.trim()) reply.mutate();
  };
  return (
    <Stack data-testid="space-thread">
      <Title order={3} size="h4">
        {thread.data?.thread?.readable === false ? t('spaces.unreadableThread') : (thread.data?.thread?.title ?? '')}
      </Title>
      {thread.isError && <ApiErrorAlert error={thread.error} />}
      {thread.data?.posts.map((p) => (
        <Card
          key={p.id}
          withBorder
          padding="sm"
          component="article"
          data-testid="space-post"
          bg={p.mentionsMe ? 'var(--mantine-color-yellow-light)' : undefined}
        >
          <Group justify="space-between">
            <Text size="sm" fw={600}>
              {p.senderName}
            </Text>
            <Group gap={4}>
              {p.mentionsMe && (
                <Badge size="xs" color="yellow">
                  {t('spaces.mentionsYou')}
                </Badge>
              )}
              {p.pending && (
                <Badge size="xs" color="gray">
                  {t('spaces.pending')}
                </Badge>
              )}
              {p.readable && p.signature !== 'valid' && p.signature !== 'own' && (
                <Badge size="xs" color="red">
                  {t('spaces.signatureProblem')}
                </Badge>
              )}
              <Text size="xs" c="dimmed">
                {formatDateTime(p.sentAt, i18n.language)}
              </Text>
            </Group>
          </Group>
          <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} c={p.readable ? undefined : 'dimmed'}>
            {p.readable ? p.text : t('spaces.unreadablePost')}
          </Text>
        </Card>
      ))}
      {canPost && (
        <form onSubmit={submit} aria-label={t('spaces.reply')}>
          <Stack gap="xs">
            <Textarea
              label={t('spaces.reply')}
              value={text}
              onChange={(e) => setText(e.currentTarget.value)}
              autosize
              minRows={2}
            />
            <MentionPicker members={members} value={mentions} onChange={setMentions} />
            <Group>
              <Button type="submit" disabled={!text.trim()} loading={reply.isPending}>
                {t('spaces.send')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
      {reply.isError && <ApiErrorAlert error={reply.error} />}
    </Stack>
  );
}

/** The threads of a space (most recently active first, unread counts), a new-thread form, and the open thread. */
export function SpaceThreads({ spaceId, members, canPost }: { spaceId: string; members: SpaceMemberView[]; canPost: boolean }) {
  const { t, i18n } = useTranslation();
  const desk = useDesk();
  const queryClient = useQueryClient();
  const threads = useQuery({ queryKey: ['spaces.threads', spaceId], queryFn: () => unwrap(desk.spaces.threads({ spaceId })) });
  const [openId, setOpenId] = useState<string | null>(null);
  const [composing, setComposing] = useState(false);
  const [title, setTitle] = useState('');
  const [text, setText] = useState('');
  const [mentions, setMentions] = useState<string[]>([]);
  const start = useMutation({
    mutationFn: () => unwrap(desk.spaces.startThread({ spaceId, title, text, mentions })),
    onSuccess: ({ id }) => {
      setComposing(false);
      setTitle('');
      setText('');
      setMentions([]);
      setOpenId(id);
      void queryClient.invalidateQueries({ queryKey: ['spaces.threads', spaceId] });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (title.trim() && text.trim()) start.mutate();
  };
  const open = (id: string) => {
    setOpenId(id);
    void queryClient.invalidateQueries({ queryKey: ['spaces.list'] });
    void queryClient.invalidateQueries({ queryKey: ['spaces.threads', spaceId] });
  };
  return (
    <Group align="flex-start" wrap="nowrap" gap="md">
      <Stack style={{ flex: '0 0 40%' }} gap="xs">
        {canPost && !composing && <Button onClick={() => setComposing(true)}>{t('spaces.newThread')}</Button>}
        {composing && (
          <form onSubmit={submit} aria-label={t('spaces.newThread')}>
            <Stack gap="xs">
              <TextInput
                label={t('spaces.threadTitle')}
                value={title}
                onChange={(e) => setTitle(e.currentTarget.value)}
                required
              />
              <Textarea
                label={t('spaces.message')}
                value={text}
                onChange={(e) => setText(e.currentTarget.value)}
                autosize
                minRows={3}
                required
              />
              <MentionPicker members={members} value={mentions} onChange={setMentions} />
              <Group>
                <Button type="submit" loading={start.isPending}>
                  {t('spaces.send')}
                </Button>
                <Button variant="default" onClick={() => setComposing(false)}>
                  {t('spaces.cancel')}
                </Button>
              </Group>
            </Stack>
          </form>
        )}
        {start.isError && <ApiErrorAlert error={start.error} />}
        {threads.data?.length === 0 && <Text>{t('spaces.noThreads')}</Text>}
        {threads.data?.map((th) => (
          <UnstyledButton key={th.id} onClick={() => open(th.id)} data-testid="space-thread-item" aria-current={openId === th.id}>
            <Card withBorder padding="xs" bg={openId === th.id ? 'var(--mantine-color-blue-light)' : undefined}>
              <Group justify="space-between" wrap="nowrap">
                <Text size="sm" fw={th.unread > 0 ? 700 : 400}>
                  {th.readable ? th.title : t('spaces.unreadableThread')}
                </Text>
                <Group gap={4} wrap="nowrap">
                  {th.mentionsMe > 0 && (
                    <Badge size="xs" color="yellow">
                      @
                    </Badge>
                  )}
                  {th.unread > 0 && (
                    <Badge size="sm" data-testid="thread-unread" aria-label={t('spaces.unreadCount', { count: th.unread })}>
                      {th.unread}
                    </Badge>
                  )}
                </Group>
              </Group>
              <Text size="xs" c="dimmed">
                {th.senderName} · {t('spaces.posts', { count: th.posts })} · {formatDateTime(th.lastActivity, i18n.language)}
              </Text>
            </Card>
          </UnstyledButton>
        ))}
      </Stack>
      <div style={{ flex: 1 }}>{openId && <ThreadView threadId={openId} members={members} canPost={canPost} />}</div>
    </Group>
  );
}
