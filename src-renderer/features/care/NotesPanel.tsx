import { Badge, Button, Card, Group, SegmentedControl, Stack, Text, Textarea, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CareNote } from '../../../src-shared/api/care';
import { SOAP_PARTS, type SoapPart } from '../../../src-shared/domain/care-records';
import { unwrap, useDesk } from '../../api/DeskContext';
import { formatDateTime } from '../../i18n/dates';
import { CareErrorAlert } from './CareErrorAlert';

type Soap = Partial<Record<SoapPart, string>>;

/** How long typing pauses before the draft is written to the encrypted cache. */
const DRAFT_DELAY_MS = 600;

type Draft = { kind: 'free' | 'soap'; text?: string | undefined; soap?: Soap | undefined } | null;

/** A new nursing note, opened once its local draft (if any) is read back from the encrypted cache. */
function NoteForm({ patientId }: { patientId: string }) {
  const desk = useDesk();
  const draft = useQuery({ queryKey: ['care.noteDraft', patientId], queryFn: () => unwrap(desk.care.noteDraft({ patientId })) });
  if (!draft.isSuccess) return null;
  return <NoteEditor patientId={patientId} initial={draft.data as Draft} />;
}

/** A new nursing note (free text or SOAP), kept as a local draft on every pause until it is saved. */
function NoteEditor({ patientId, initial }: { patientId: string; initial: Draft }) {
  const { t } = useTranslation();
  const desk = useDesk();
  const queryClient = useQueryClient();
  const [kind, setKind] = useState<'free' | 'soap'>(initial?.kind ?? 'free');
  const [text, setText] = useState(initial?.text ?? '');
  const [soap, setSoap] = useState<Soap>(initial?.soap ?? {});
  const [dirty, setDirty] = useState(false);
  const [hasDraft, setHasDraft] = useState(initial !== null);
  useEffect(() => {
    if (!dirty) return;
    const timer = setTimeout(() => {
      void desk.care.saveNoteDraft({ patientId, kind, ...(kind === 'free' ? { text } : { soap }) });
    }, DRAFT_DELAY_MS);
    return () => clearTimeout(timer);
  }, [dirty, desk, patientId, kind, text, soap]);
  const edited = () => {
    setDirty(true);
    setHasDraft(true);
  };
  const save = useMutation({
    mutationFn: () => unwrap(desk.care.addNote({ patientId, kind, ...(kind === 'free' ? { text } : { soap }) })),
    onSuccess: () => {
      setText('');
      setSoap({});
      setDirty(false);
      setHasDraft(false);
      queryClient.setQueryData(['care.noteDraft', patientId], null);
    },
  });
  const discard = useMutation({
    mutationFn: () => unwrap(desk.care.discardNoteDraft({ patientId })),
    onSuccess: () => {
      setText('');
      setSoap({});
      setDirty(false);
      setHasDraft(false);
      queryClient.setQueryData(['care.noteDraft', patientId], null);
    },
  });
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
      aria-label={t('care.newNote')}
    >
      <Stack gap="xs">
        <Group justify="space-between">
          <SegmentedControl
            aria-label={t('care.newNote')}
            value={kind}
            onChange={(v) => {
              setKind(v as 'free' | 'soap');
              edited();
            }}
            data={[
              { value: 'free', label: t('care.free') },
              { value: 'soap', label: t('care.soap') },
            ]}
          />
          {hasDraft && (
            <Badge variant="light" data-testid="draft-kept">
              {t('care.draftKept')}
            </Badge>
          )}
        </Group>
        {kind === 'free' ? (
          <Textarea
            label={t('care.noteText')}
            autosize
            minRows={3}
            value={text}
            onChange={(e) => {
              setText(e.currentTarget.value);
              edited();
            }}
          />
        ) : (
          SOAP_PARTS.map((part) => (
            <Textarea
              key={part}
              label={t(`care.soapParts.${part}`)}
              autosize
              minRows={1}
              value={soap[part] ?? ''}
              onChange={(e) => {
                const value = e.currentTarget.value;
                setSoap((old) => ({ ...old, [part]: value }));
                edited();
              }}
            />
          ))
        )}
        <Group>
          <Button type="submit" loading={save.isPending}>
            {t('care.saveNote')}
          </Button>
          {hasDraft && (
            <Button variant="subtle" onClick={() => discard.mutate()}>
              {t('care.discardDraft')}
            </Button>
          )}
        </Group>
        {save.isError && <CareErrorAlert error={save.error} />}
      </Stack>
    </form>
  );
}

function NoteCard({ note }: { note: CareNote }) {
  const { t, i18n } = useTranslation();
  return (
    <Card withBorder padding="sm" component="li">
      <Group gap="xs">
        <Text size="sm" fw={600}>
          {formatDateTime(note.at, i18n.language)}
        </Text>
        {note.author && <Text size="sm">{note.author}</Text>}
        {note.pending && (
          <Badge color="gray" variant="light">
            {t('care.pendingBadge')}
          </Badge>
        )}
      </Group>
      {note.text && <Text style={{ whiteSpace: 'pre-wrap' }}>{note.text}</Text>}
      {note.soap &&
        SOAP_PARTS.filter((p) => note.soap?.[p]).map((p) => (
          <Text key={p} size="sm">
            <strong>{t(`care.soapParts.${p}`)} :</strong> {note.soap![p]}
          </Text>
        ))}
      {note.correction && (
        <Text size="sm" c="dimmed">
          {t('care.corrected', { reason: note.correction })}
        </Text>
      )}
    </Card>
  );
}

/** The notes timeline, newest first, and the form of the next note. */
export function NotesPanel({ patientId, notes }: { patientId: string; notes: CareNote[] }) {
  const { t } = useTranslation();
  return (
    <Stack gap="xs">
      <Title order={3} size="h4">
        {t('care.notes')}
      </Title>
      <NoteForm patientId={patientId} />
      {notes.length === 0 ? (
        <Text c="dimmed">{t('care.noNotes')}</Text>
      ) : (
        <Stack gap="xs" component="ol" style={{ listStyle: 'none', padding: 0 }} data-testid="notes">
          {notes.map((note) => (
            <NoteCard key={note.id} note={note} />
          ))}
        </Stack>
      )}
    </Stack>
  );
}
