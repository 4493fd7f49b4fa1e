import { Alert, Badge, Button, Card, FileInput, Group, Stack, Table, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { MAX_SPACE_FILE_BYTES } from '../../../src-shared/domain/spaces';
import { unwrap, useDesk } from '../../api/DeskContext';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { formatDateTime } from '../../i18n/dates';
import { PdfView } from '../dsp/PdfView';
import { readFileAsBase64, saveBase64File } from '../mailbox/download';

/** The files shared in a space, each version listed (an older one marked as replaced), with sharing and viewing. */
export function SpaceFiles({ spaceId, canPost }: { spaceId: string; canPost: boolean }) {
  const { t, i18n } = useTranslation();
  const desk = useDesk();
  const queryClient = useQueryClient();
  const files = useQuery({ queryKey: ['spaces.files', spaceId], queryFn: () => unwrap(desk.spaces.files({ spaceId })) });
  const [file, setFile] = useState<File | null>(null);
  const [description, setDescription] = useState('');
  const [replaces, setReplaces] = useState<string | null>(null);
  const [viewed, setViewed] = useState<{ name: string; contentType: string; data: string } | null>(null);
  const share = useMutation({
    mutationFn: async () => {
      const data = await readFileAsBase64(file!, () => undefined);
      return unwrap(
        desk.spaces.shareFile({
          spaceId,
          name: file!.name,
          contentType: file!.type || 'application/octet-stream',
          description,
          data,
          ...(replaces ? { replaces } : {}),
        }),
      );
    },
    onSuccess: () => {
      setFile(null);
      setDescription('');
      setReplaces(null);
      void queryClient.invalidateQueries({ queryKey: ['spaces.files', spaceId] });
    },
  });
  const open = useMutation({
    mutationFn: (fileId: string) => unwrap(desk.spaces.openFile({ fileId })),
    onSuccess: (opened) => {
      if (opened.contentType === 'application/pdf') setViewed(opened);
      else saveBase64File(opened.name, opened.contentType, opened.data);
      void queryClient.invalidateQueries({ queryKey: ['spaces.list'] });
      void queryClient.invalidateQueries({ queryKey: ['spaces.files', spaceId] });
    },
  });
  const tooLarge = file !== null && file.size > MAX_SPACE_FILE_BYTES;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (file && !tooLarge) share.mutate();
  };
  return (
    <Stack>
      {canPost && (
        <form onSubmit={submit} aria-label={t('spaces.shareFile')}>
          <Group align="flex-end">
            <FileInput
              label={t('spaces.file')}
              value={file}
              onChange={setFile}
              clearable
              data-testid="space-file-input"
              style={{ flex: 1 }}
            />
            <TextInput
              label={t('spaces.fileDescription')}
              value={description}
              onChange={(e) => setDescription(e.currentTarget.value)}
            />
            <Button type="submit" disabled={!file || tooLarge} loading={share.isPending}>
              {replaces ? t('spaces.shareVersion') : t('spaces.shareFile')}
            </Button>
          </Group>
          {replaces && (
            <Text size="sm" mt={4}>
              {t('spaces.newVersionOf', { name: files.data?.find((f) => f.id === replaces)?.name ?? '' })}{' '}
              <Button variant="subtle" size="compact-xs" onClick={() => setReplaces(null)}>
                {t('spaces.cancel')}
              </Button>
            </Text>
          )}
          {tooLarge && <Alert color="red">{t('spaces.fileTooLarge', { mb: MAX_SPACE_FILE_BYTES / 1024 / 1024 })}</Alert>}
        </form>
      )}
      {share.isError && <ApiErrorAlert error={share.error} />}
      {open.isError && <ApiErrorAlert error={open.error} />}
      {viewed && (
        <Card withBorder data-testid="space-file-viewer">
          <Group justify="space-between" mb="xs">
            <Text fw={600}>{viewed.name}</Text>
            <Button size="compact-sm" variant="default" onClick={() => setViewed(null)}>
              {t('app.close')}
            </Button>
          </Group>
          <PdfView base64={viewed.data} />
        </Card>
      )}
      {files.data?.length === 0 && <Text>{t('spaces.noFiles')}</Text>}
      {files.data && files.data.length > 0 && (
        <Table striped data-testid="space-files">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('spaces.fileName')}</Table.Th>
              <Table.Th>{t('spaces.sharedBy')}</Table.Th>
              <Table.Th>{t('spaces.date')}</Table.Th>
              <Table.Th>{t('spaces.actions')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {files.data.map((f) => (
              <Table.Tr key={f.id} data-testid="space-file">
                <Table.Td>
                  <Group gap="xs">
                    <Text size="sm" fw={f.unread ? 700 : 400}>
                      {f.readable ? f.name : t('spaces.unreadableFile')}
                    </Text>
                    <Badge size="xs" variant="light">
                      {t('spaces.version', { version: f.version })}
                    </Badge>
                    {f.superseded && (
                      <Badge size="xs" color="orange">
                        {t('spaces.replaced')}
                      </Badge>
                    )}
                    {f.unread && <Badge size="xs">{t('spaces.new')}</Badge>}
                    {f.pending && (
                      <Badge size="xs" color="gray">
                        {t('spaces.pending')}
                      </Badge>
                    )}
                  </Group>
                  {f.description && (
                    <Text size="xs" c="dimmed">
                      {f.description}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>{f.senderName}</Table.Td>
                <Table.Td>{formatDateTime(f.sentAt, i18n.language)}</Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    <Button size="compact-xs" disabled={!f.readable} onClick={() => open.mutate(f.id)}>
                      {t('spaces.openFile')}
                    </Button>
                    {canPost && !f.superseded && f.readable && (
                      <Button size="compact-xs" variant="default" onClick={() => setReplaces(f.id)}>
                        {t('spaces.newVersion')}
                      </Button>
                    )}
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
