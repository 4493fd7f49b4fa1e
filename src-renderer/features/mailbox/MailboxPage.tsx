import { Alert, Badge, Button, Grid, Group, NavLink, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'react-router-dom';
import type { MailFolderName } from '../../../src-shared/api';
import { unwrap, useDesk } from '../../api/DeskContext';
import { useInvalidateOn } from '../../api/useDeskEvents';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { ComposeForm, type Recipient } from './ComposeForm';
import { MessageReader } from './MessageReader';
import { SignatureNotice } from './SignatureBadge';
import { formatDateTime } from '../../i18n/dates';

const FOLDERS: MailFolderName[] = ['inbox', 'sent', 'drafts', 'archive'];
export const MAILBOX_QUERIES = [['mailbox.list'], ['mailbox.counts'], ['mailbox.open'], ['mailbox.keyInfo']];

/** What another screen may ask of the mailbox when it navigates there: a new message, maybe to someone. */
export interface MailboxRequest {
  compose?: { to: Recipient[] };
}

/**
 * The secure mailbox. Each navigation to it (a link, the "new message" shortcut, "write a message" on a
 * directory card) starts a fresh screen with what that navigation asked for.
 */
export function MailboxPage() {
  const location = useLocation();
  const request = (location.state ?? {}) as MailboxRequest;
  return <Mailbox key={location.key} compose={request.compose ?? null} />;
}

/** Folders with unread counts, search, the message list and the selected message. */
function Mailbox({ compose }: { compose: { to: Recipient[] } | null }) {
  const { t, i18n } = useTranslation();
  const desk = useDesk();
  const [folder, setFolder] = useState<MailFolderName>('inbox');
  const [query, setQuery] = useState('');
  const [selected, setSelected] = useState<string | null>(null);
  const [composing, setComposing] = useState(compose !== null);
  const [queued, setQueued] = useState(false);
  useInvalidateOn(['mailbox.changed', 'sync.changed'], MAILBOX_QUERIES);

  const queryClient = useQueryClient();
  const rotate = useMutation({
    mutationFn: () => unwrap(desk.mailbox.rotateKey({})),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['mailbox.keyInfo'] }),
  });
  const counts = useQuery({ queryKey: ['mailbox.counts'], queryFn: () => unwrap(desk.mailbox.counts({})) });
  const keyInfo = useQuery({ queryKey: ['mailbox.keyInfo'], queryFn: () => unwrap(desk.mailbox.keyInfo({})) });
  const list = useQuery({
    queryKey: ['mailbox.list', folder, query],
    queryFn: () => unwrap(desk.mailbox.list(query.trim() ? { folder, query } : { folder })),
  });

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>{t('mailbox.title')}</Title>
        {keyInfo.data?.fingerprint && (
          <Text size="xs" c="dimmed" data-testid="fingerprint">
            {t('mailbox.fingerprint', { fingerprint: keyInfo.data.fingerprint.replace(/(.{4})/g, '$1 ').trim() })}
            {!keyInfo.data.published && ` (${t('mailbox.keyPending')})`}{' '}
            <Button
              size="compact-xs"
              variant="subtle"
              loading={rotate.isPending}
              onClick={() => window.confirm(t('mailbox.rotateConfirm')) && rotate.mutate()}
            >
              {t('mailbox.rotateKey')}
            </Button>
          </Text>
        )}
        {rotate.isError && <ApiErrorAlert error={rotate.error} />}
      </Group>
      <Grid>
        <Grid.Col span={{ base: 12, md: 2 }}>
          <Stack gap="xs">
            <Button onClick={() => setComposing(true)}>{t('mailbox.compose')}</Button>
            {FOLDERS.map((f) => (
              <NavLink
                key={f}
                active={folder === f}
                label={t(`mailbox.folders.${f}`)}
                rightSection={
                  counts.data && counts.data[f].unread > 0 && f === 'inbox' ? (
                    <Badge size="sm">{counts.data[f].unread}</Badge>
                  ) : null
                }
                onClick={() => {
                  setFolder(f);
                  setSelected(null);
                  setComposing(false);
                }}
              />
            ))}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 10 }}>
          {queued && (
            <Alert color="teal" withCloseButton closeButtonLabel={t('app.close')} onClose={() => setQueued(false)}>
              {t('mailbox.queued')}
            </Alert>
          )}
          {composing ? (
            <ComposeForm
              initialRecipients={compose?.to ?? []}
              onDone={(sentId) => {
                setComposing(false);
                if (sentId) {
                  setQueued(true);
                  setFolder('sent');
                  setSelected(sentId);
                }
              }}
            />
          ) : (
            <Stack>
              <TextInput
                aria-label={t('mailbox.search')}
                placeholder={t('mailbox.search')}
                value={query}
                onChange={(e) => setQuery(e.currentTarget.value)}
              />
              {list.isError && <ApiErrorAlert error={list.error} />}
              {list.data?.length === 0 && <Text c="dimmed">{t('mailbox.empty')}</Text>}
              {list.data && list.data.length > 0 && (
                <Table highlightOnHover data-testid="message-list">
                  <Table.Tbody>
                    {list.data.map((m) => (
                      <Table.Tr
                        key={m.id}
                        onClick={() => setSelected(m.id)}
                        onKeyDown={(e) => e.key === 'Enter' && setSelected(m.id)}
                        tabIndex={0}
                        style={{ cursor: 'pointer', fontWeight: m.unread ? 700 : 400 }}
                        aria-selected={selected === m.id}
                      >
                        <Table.Td>
                          {folder === 'sent' || folder === 'drafts' ? (
                            m.recipients.map((r) => r.name).join(', ')
                          ) : (
                            <>
                              {m.sender.name}{' '}
                              <Text span size="xs" c="dimmed">
                                {m.sender.identifier}
                              </Text>
                            </>
                          )}
                        </Table.Td>
                        <Table.Td>
                          {m.subject || t('mailbox.noSubject')}{' '}
                          {m.attachmentCount > 0 && (
                            <Badge size="xs" variant="outline" title={t('mailbox.attachments')}>
                              {t('mailbox.attachmentCount', { count: m.attachmentCount })}
                            </Badge>
                          )}{' '}
                          <SignatureNotice signature={m.signature} compact />
                        </Table.Td>
                        <Table.Td>
                          {folder === 'sent' && <Badge variant="light">{t(`mailbox.delivery.${m.delivery}`)}</Badge>}
                        </Table.Td>
                        <Table.Td>{m.sentAt ? formatDateTime(m.sentAt, i18n.language) : ''}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              )}
              {selected && folder !== 'drafts' && <MessageReader id={selected} />}
            </Stack>
          )}
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
