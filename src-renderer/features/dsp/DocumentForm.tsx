import { Button, FileInput, Group, Select, Stack, Textarea, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { DSP_DOCUMENT_TYPE_CODES } from '../../../src-shared/domain/dsp';
import { unwrap, useDesk } from '../../api/DeskContext';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { readFileAsBase64 } from '../mailbox/download';

/** Add a document (PDF or typed text) to a DSP, or a correction that replaces one. Offline it waits in the outbox. */
export function DocumentForm({ patientId, replaces, onDone }: { patientId: string; replaces?: string; onDone: () => void }) {
  const { t } = useTranslation();
  const desk = useDesk();
  const queryClient = useQueryClient();
  const [type, setType] = useState<string | null>('11488-4');
  const [title, setTitle] = useState('');
  const [confidentiality, setConfidentiality] = useState<'N' | 'R' | 'V'>('N');
  const [file, setFile] = useState<File | null>(null);
  const [text, setText] = useState('');
  const save = useMutation({
    mutationFn: async () => {
      const content = file
        ? { contentType: 'application/pdf' as const, data: await readFileAsBase64(file, () => {}) }
        : {
            contentType: 'text/plain' as const,
            data: btoa(Array.from(new TextEncoder().encode(text), (b) => String.fromCharCode(b)).join('')),
          };
      const input = { type: type ?? '', title, confidentiality, ...content };
      return replaces ? unwrap(desk.dsp.correct({ ...input, replaces })) : unwrap(desk.dsp.addDocument({ ...input, patientId }));
    },
    onSuccess: () => {
      void queryClient.invalidateQueries();
      onDone();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <form onSubmit={submit} aria-label={replaces ? t('dsp.correct') : t('dsp.add')}>
      <Stack>
        <Group grow>
          <Select
            label={t('dsp.type')}
            data={DSP_DOCUMENT_TYPE_CODES.map((code) => ({ value: code, label: t(`dsp.types.${code}`) }))}
            value={type}
            onChange={setType}
            allowDeselect={false}
          />
          <Select
            label={t('dsp.level')}
            data={(['N', 'R', 'V'] as const).map((level) => ({ value: level, label: t(`dsp.confidentiality.${level}`) }))}
            value={confidentiality}
            onChange={(value) => setConfidentiality((value as 'N' | 'R' | 'V' | null) ?? 'N')}
            allowDeselect={false}
          />
        </Group>
        <TextInput label={t('dsp.title')} value={title} onChange={(e) => setTitle(e.currentTarget.value)} required />
        <FileInput
          label={t('dsp.file')}
          accept="application/pdf"
          value={file}
          onChange={setFile}
          clearable
          data-testid="document-file"
        />
        {!file && (
          <Textarea label={t('dsp.text')} value={text} onChange={(e) => setText(e.currentTarget.value)} autosize minRows={4} />
        )}
        {save.isError && <ApiErrorAlert error={save.error} />}
        <Group>
          <Button type="submit" loading={save.isPending}>
            {t('dsp.save')}
          </Button>
          <Button variant="subtle" onClick={onDone}>
            {t('dsp.cancel')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
