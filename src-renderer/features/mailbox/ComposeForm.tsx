import { Alert, Button, FileInput, Group, MultiSelect, Progress, Stack, Textarea, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS } from '../../../src-shared/domain/messaging';
import { unwrap, useDesk } from '../../api/DeskContext';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { readFileAsBase64 } from './download';

export interface Recipient {
  reference: string;
  name: string;
}

/**
 * Compose: recipients from the directory, subject, text, attachments; encrypted in the core, sent via the
 * outbox. `initialRecipients` comes from "write a message" elsewhere (a directory card).
 */
export function ComposeForm({
  onDone,
  initialRecipients = [],
}: {
  onDone: (sentId: string | null) => void;
  initialRecipients?: Recipient[];
}) {
  const { t } = useTranslation();
  const desk = useDesk();
  const queryClient = useQueryClient();
  const [search, setSearch] = useState('');
  const [to, setTo] = useState<string[]>(() => initialRecipients.map((r) => r.reference));
  const [known, setKnown] = useState<Record<string, string>>(() =>
    Object.fromEntries(initialRecipients.map((r) => [r.reference, r.name])),
  );
  const [subject, setSubject] = useState('');
  const [body, setBody] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [readProgress, setReadProgress] = useState<number | null>(null);

  const hits = useQuery({
    queryKey: ['mailbox.searchRecipients', search],
    queryFn: () => unwrap(desk.mailbox.searchRecipients({ text: search })),
    enabled: search.trim().length >= 2,
  });
  const options = [
    ...to.map((reference) => ({ value: reference, label: known[reference] ?? reference })),
    ...(hits.data ?? [])
      .filter((h) => !to.includes(h.reference))
      .map((h) => ({
        value: h.reference,
        label: `${h.name}${h.kind === 'group' ? ` (${t('mailbox.group')})` : ''}${h.hasKey ? '' : ` — ${t('mailbox.noKey')}`}`,
        disabled: !h.hasKey,
      })),
  ];
  const tooLarge = files.find((f) => f.size > MAX_ATTACHMENT_BYTES);
  const tooMany = files.length > MAX_ATTACHMENTS;

  const send = useMutation({
    mutationFn: async () => {
      const attachments = [];
      for (const [i, file] of files.entries()) {
        const data = await readFileAsBase64(file, (fraction) => setReadProgress((i + fraction) / files.length));
        attachments.push({ name: file.name, contentType: file.type || 'application/octet-stream', data });
      }
      setReadProgress(null);
      return unwrap(desk.mailbox.send({ to, subject, body, attachments }));
    },
    onSuccess: ({ id }) => {
      void queryClient.invalidateQueries();
      onDone(id);
    },
    onSettled: () => setReadProgress(null),
  });
  const saveDraft = useMutation({
    mutationFn: () => unwrap(desk.mailbox.saveDraft({ to, subject, body, attachments: [] })),
    onSuccess: () => {
      void queryClient.invalidateQueries();
      onDone(null);
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!tooLarge && !tooMany) send.mutate();
  };
  // Ctrl+Enter sends from the text area, as in other mail clients.
  const onBodyKey = (event: KeyboardEvent) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) submit(event as unknown as FormEvent);
  };

  return (
    <form onSubmit={submit} aria-label={t('mailbox.compose')}>
      <Stack>
        <MultiSelect
          label={t('mailbox.to')}
          placeholder={t('mailbox.recipientsPlaceholder')}
          searchable
          searchValue={search}
          onSearchChange={setSearch}
          data={options}
          value={to}
          filter={({ options: all }) => all}
          onChange={(values) => {
            const labels = Object.fromEntries(options.map((o) => [o.value, o.label]));
            setKnown((k) => ({ ...k, ...labels }));
            setTo(values);
          }}
          required
          data-testid="recipients"
          // Opened from a shortcut or the "new message" button, the form is where the user types next.
          autoFocus={initialRecipients.length === 0}
        />
        <TextInput
          label={t('mailbox.subject')}
          value={subject}
          onChange={(e) => setSubject(e.currentTarget.value)}
          required
          autoFocus={initialRecipients.length > 0}
        />
        <Textarea
          label={t('mailbox.body')}
          value={body}
          onChange={(e) => setBody(e.currentTarget.value)}
          autosize
          minRows={6}
          onKeyDown={onBodyKey}
        />
        <FileInput
          label={t('mailbox.addAttachments')}
          multiple
          clearable
          value={files}
          onChange={setFiles}
          data-testid="attachments"
        />
        {tooLarge && <Alert color="red">{t('mailbox.tooLarge', { name: tooLarge.name })}</Alert>}
        {tooMany && <Alert color="red">{t('mailbox.tooMany')}</Alert>}
        {send.isPending && (
          <Progress
            value={readProgress === null ? 100 : readProgress * 100}
            animated={readProgress === null}
            aria-label={t('mailbox.sending')}
          />
        )}
        {send.isError && <ApiErrorAlert error={send.error} />}
        {saveDraft.isError && <ApiErrorAlert error={saveDraft.error} />}
        <Group>
          <Button type="submit" loading={send.isPending} disabled={to.length === 0 || Boolean(tooLarge) || tooMany}>
            {t('mailbox.send')}
          </Button>
          <Button variant="default" onClick={() => saveDraft.mutate()} loading={saveDraft.isPending}>
            {t('mailbox.saveDraft')}
          </Button>
          <Button variant="subtle" onClick={() => onDone(null)}>
            {t('mailbox.cancel')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
