import {
  Alert,
  Badge,
  Button,
  Grid,
  Group,
  Paper,
  Progress,
  Select,
  Stack,
  Text,
  TextInput,
  Timeline,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router-dom';
import type { DspDocumentSummary } from '../../../src-shared/api';
import { DSP_DOCUMENT_TYPE_CODES } from '../../../src-shared/domain/dsp';
import { unwrap, useDesk } from '../../api/DeskContext';
import { useInvalidateOn } from '../../api/useDeskEvents';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { DateField } from '../../components/DateField';
import { formatDate } from '../../i18n/dates';
import { DocumentForm } from './DocumentForm';
import { PdfView } from './PdfView';
import { PresenceCodeForm } from './PresenceCodeForm';
import { RegisterCaseForm } from '../rcp/RegisterCaseForm';
import { useDownloadProgress } from './useDownloadProgress';

const CONFIDENTIALITY_COLOR = { N: 'gray', R: 'orange', V: 'red' } as const;

/** One document: its content (PDF in-app, or text) and what its author may do with it. */
function DocumentViewer({ id, onCorrect }: { id: string; onCorrect: (doc: DspDocumentSummary) => void }) {
  const { t, i18n } = useTranslation();
  const desk = useDesk();
  const queryClient = useQueryClient();
  const doc = useQuery({ queryKey: ['dsp.document', id], queryFn: () => unwrap(desk.dsp.document({ id })) });
  const enteredInError = useMutation({
    mutationFn: () => unwrap(desk.dsp.markEnteredInError({ id })),
    onSuccess: () => queryClient.invalidateQueries(),
  });
  const downloading = useDownloadProgress();
  if (doc.isError) return <ApiErrorAlert error={doc.error} />;
  if (!doc.data) {
    if (!downloading) return null;
    const percent = Math.floor((downloading.done * 100) / Math.max(1, downloading.total));
    return (
      <Paper withBorder p="md" data-testid="document-downloading">
        <Stack gap="xs">
          <Text size="sm">{t('dsp.downloading', { percent })}</Text>
          <Progress value={percent} aria-label={t('dsp.downloading', { percent })} />
        </Stack>
      </Paper>
    );
  }
  const d = doc.data;
  return (
    <Paper withBorder p="md" data-testid="document-viewer">
      <Stack>
        <Group justify="space-between">
          <Title order={3} size="h4" td={d.status === 'entered-in-error' ? 'line-through' : undefined}>
            {d.title}
          </Title>
          {d.mine && d.status === 'current' && (
            <Group gap="xs">
              <Button size="xs" variant="default" onClick={() => onCorrect(d)}>
                {t('dsp.correct')}
              </Button>
              <Button
                size="xs"
                color="red"
                variant="light"
                onClick={() => window.confirm(t('dsp.enteredInErrorConfirm')) && enteredInError.mutate()}
              >
                {t('dsp.enteredInError')}
              </Button>
            </Group>
          )}
        </Group>
        <Text size="sm" c="dimmed">
          {[d.type && t(`dsp.types.${d.type}`), d.author, d.organization, d.date && formatDate(d.date, i18n.language)]
            .filter(Boolean)
            .join(' · ')}
        </Text>
        {enteredInError.isError && <ApiErrorAlert error={enteredInError.error} />}
        {d.text !== null && <Text style={{ whiteSpace: 'pre-wrap' }}>{d.text}</Text>}
        {d.data !== null && d.contentType === 'application/pdf' && <PdfView base64={d.data} />}
        {d.unavailable !== null && (
          <Alert color="gray" variant="light" data-testid="content-unavailable">
            {t(`dsp.unavailable.${d.unavailable}`)}
          </Alert>
        )}
      </Stack>
    </Paper>
  );
}

/** A patient's DSP as a timeline, with filters and full-text search over what this device holds. */
export function DspPage() {
  const { t, i18n } = useTranslation();
  const desk = useDesk();
  const { patientId = '' } = useParams();
  const [type, setType] = useState<string | null>(null);
  const [author, setAuthor] = useState('');
  const [from, setFrom] = useState<string | null>(null);
  const [to, setTo] = useState<string | null>(null);
  const [text, setText] = useState('');
  const [selected, setSelected] = useState<string | null>(null);
  const [editing, setEditing] = useState<{ replaces?: string } | null>(null);
  // A tumour-board case for this patient (IdeoRCP): registered from here, where the GP has the DSP at hand.
  const [registering, setRegistering] = useState(false);
  useInvalidateOn(['dsp.changed', 'sync.changed'], [['dsp.documents'], ['dsp.document']]);
  const filter = {
    patientId,
    ...(type ? { type } : {}),
    ...(author.trim() ? { author } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    ...(text.trim() ? { text } : {}),
  };
  const documents = useQuery({ queryKey: ['dsp.documents', filter], queryFn: () => unwrap(desk.dsp.documents(filter)) });
  const patient = useQuery({ queryKey: ['dsp.patients'], queryFn: () => unwrap(desk.dsp.patients({})) });
  const banner = patient.data?.find((p) => p.id === patientId);
  // "Recently opened" on the home screen: remembered in the encrypted cache, once per opening.
  const queryClient = useQueryClient();
  useEffect(() => {
    void desk.dsp.opened({ patientId }).then(() => queryClient.invalidateQueries({ queryKey: ['dsp.recentPatients'] }));
  }, [desk, patientId, queryClient]);

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2} data-testid="patient-banner">
          {t('dsp.timeline')} — {banner?.name ?? patientId}
          {banner?.matricule && (
            <Text span c="dimmed" ml="sm">
              {banner.matricule}
            </Text>
          )}
        </Title>
        <Group gap="xs">
          <Button variant="light" onClick={() => setRegistering(true)}>
            {t('rcp.registerCase')}
          </Button>
          <Button onClick={() => setEditing({})}>{t('dsp.add')}</Button>
        </Group>
      </Group>
      {registering && <RegisterCaseForm patientId={patientId} onDone={() => setRegistering(false)} />}
      {editing && (
        <Paper withBorder p="md">
          <DocumentForm
            patientId={patientId}
            {...(editing.replaces ? { replaces: editing.replaces } : {})}
            onDone={() => setEditing(null)}
          />
        </Paper>
      )}
      <Group align="flex-end" role="search" aria-label={t('dsp.filters')}>
        <Select
          label={t('dsp.type')}
          placeholder={t('dsp.allTypes')}
          clearable
          data={DSP_DOCUMENT_TYPE_CODES.map((code) => ({ value: code, label: t(`dsp.types.${code}`) }))}
          value={type}
          onChange={setType}
        />
        <TextInput label={t('dsp.author')} value={author} onChange={(e) => setAuthor(e.currentTarget.value)} />
        <DateField label={t('dsp.from')} value={from} onChange={setFrom} />
        <DateField label={t('dsp.to')} value={to} onChange={setTo} />
        <TextInput label={t('dsp.search')} value={text} onChange={(e) => setText(e.currentTarget.value)} style={{ flex: 1 }} />
      </Group>
      {documents.isError && <ApiErrorAlert error={documents.error} />}
      {documents.data?.length === 0 && <Text c="dimmed">{t('dsp.noDocuments')}</Text>}
      {!banner?.access.some((a) => a.kind !== 'author') && <PresenceCodeForm patientId={patientId} />}
      <Grid>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Timeline active={-1} bulletSize={14} lineWidth={2} data-testid="document-timeline">
            {documents.data?.map((doc) => (
              <Timeline.Item
                key={doc.id}
                data-mine={doc.mine}
                title={
                  <Text
                    component="button"
                    type="button"
                    fw={selected === doc.id ? 700 : 500}
                    td={doc.status === 'entered-in-error' ? 'line-through' : undefined}
                    onClick={() => setSelected(doc.id)}
                    style={{ background: 'none', border: 'none', padding: 0, cursor: 'pointer', textAlign: 'left' }}
                  >
                    {doc.title}
                  </Text>
                }
              >
                <Text size="xs" c="dimmed">
                  {[doc.date && formatDate(doc.date, i18n.language), doc.type && t(`dsp.types.${doc.type}`), doc.author]
                    .filter(Boolean)
                    .join(' · ')}
                </Text>
                <Group gap={4} mt={2}>
                  {doc.confidentiality !== 'N' && (
                    <Badge size="xs" color={CONFIDENTIALITY_COLOR[doc.confidentiality]}>
                      {t(`dsp.confidentiality.${doc.confidentiality}`)}
                    </Badge>
                  )}
                  {doc.status !== 'current' && (
                    <Badge size="xs" variant="outline">
                      {t(`dsp.status.${doc.status}`)}
                    </Badge>
                  )}
                  {doc.pending && (
                    <Badge size="xs" color="yellow" data-testid="pending-document">
                      {t('dsp.pending')}
                    </Badge>
                  )}
                  {doc.replaces && (
                    <Badge size="xs" variant="light">
                      {t('dsp.replaces')}
                    </Badge>
                  )}
                </Group>
              </Timeline.Item>
            ))}
          </Timeline>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 7 }}>
          {selected && <DocumentViewer id={selected} onCorrect={(doc) => setEditing({ replaces: doc.id })} />}
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
