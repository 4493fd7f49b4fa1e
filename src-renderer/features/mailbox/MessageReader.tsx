import { Badge, Button, Group, Loader, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { unwrap, useDesk } from '../../api/DeskContext';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { saveBase64File } from './download';
import { SenderIdentity } from './SenderIdentity';
import { SignatureNotice } from './SignatureBadge';
import { formatDateTime } from '../../i18n/dates';

/** One message: who, when, whether its signature holds, its text, attachments and delivery. */
export function MessageReader({ id }: { id: string }) {
  const { t, i18n } = useTranslation();
  const desk = useDesk();
  const queryClient = useQueryClient();
  const message = useQuery({ queryKey: ['mailbox.open', id], queryFn: () => unwrap(desk.mailbox.open({ id })) });
  const archive = useMutation({
    mutationFn: () => unwrap(desk.mailbox.archive({ id })),
    onSuccess: () => queryClient.invalidateQueries(),
  });
  const download = useMutation({
    mutationFn: (index: number) => unwrap(desk.mailbox.attachment({ id, index })),
    onSuccess: (file) => saveBase64File(file.name, file.contentType, file.data),
  });

  if (message.isPending) return <Loader />;
  if (message.isError) return <ApiErrorAlert error={message.error} />;
  const m = message.data;
  const nameOf = (reference: string) => m.recipients.find((r) => r.reference === reference)?.name ?? reference;
  return (
    <Paper withBorder p="md" data-testid="message-reader">
      <Stack>
        <Group justify="space-between">
          <Title order={3} size="h4">
            {m.subject || t('mailbox.noSubject')}
          </Title>
          {m.folder === 'inbox' && (
            <Button size="xs" variant="default" onClick={() => archive.mutate()}>
              {t('mailbox.archive')}
            </Button>
          )}
        </Group>
        <SenderIdentity message={m} />
        <Text size="sm">
          <b>{t('mailbox.to')} :</b> {m.recipients.map((r) => r.name).join(', ')}
          {m.sentAt && ` · ${formatDateTime(m.sentAt, i18n.language)}`}
        </Text>
        <SignatureNotice signature={m.signature} />
        <Text style={{ whiteSpace: 'pre-wrap' }}>{m.body}</Text>
        {m.attachments.length > 0 && (
          <Stack gap={4}>
            <Text fw={600}>{t('mailbox.attachments')}</Text>
            {m.attachments.map((a, index) => (
              <Group key={`${a.name}-${index}`} gap="xs">
                <Text size="sm">
                  {a.name} ({t('mailbox.kilobytes', { count: Math.ceil(a.size / 1024) })})
                </Text>
                <Button
                  size="compact-xs"
                  variant="light"
                  onClick={() => download.mutate(index)}
                  loading={download.isPending && download.variables === index}
                >
                  {t('mailbox.save')}
                </Button>
              </Group>
            ))}
            {download.isError && <ApiErrorAlert error={download.error} />}
          </Stack>
        )}
        {m.folder === 'sent' && m.deliveries.length > 0 && (
          <Table data-testid="deliveries">
            <Table.Tbody>
              {m.deliveries.map((d) => (
                <Table.Tr key={d.recipient}>
                  <Table.Td>{nameOf(d.recipient)}</Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={d.status === 'read' ? 'teal' : d.status === 'pending' ? 'yellow' : 'blue'}>
                      {t(`mailbox.delivery.${d.status}`)}
                    </Badge>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
    </Paper>
  );
}
