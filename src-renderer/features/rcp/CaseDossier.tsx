import { Badge, Button, Group, List, Paper, Select, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RcpDossier } from '../../../src-shared/api';
import { unwrap, useDesk } from '../../api/DeskContext';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { formatDate } from '../../i18n/dates';

/** "cT2a cN1 cM0 (IIB) · ECOG 1" */
export function StagingText({ staging }: { staging: RcpDossier['staging'] }) {
  const { t } = useTranslation();
  const tnm = [staging.t, staging.n, staging.m].filter(Boolean).join(' ');
  const parts = [tnm && staging.stageGroup ? `${tnm} (${staging.stageGroup})` : tnm || staging.stageGroup];
  if (staging.ecog !== undefined) parts.push(t('rcp.ecogValue', { value: staging.ecog }));
  const text = parts.filter(Boolean).join(' · ');
  return text ? (
    <>{text}</>
  ) : (
    <Text span c="dimmed">
      {t('rcp.noStaging')}
    </Text>
  );
}

/**
 * The presenter attaches a copy of one of the patient's DSP documents: board members without a right on the
 * DSP read the copy, never the DSP itself; the platform records the copy in the patient's access log.
 */
function AttachCopy({ dossier }: { dossier: RcpDossier }) {
  const { t, i18n } = useTranslation();
  const desk = useDesk();
  const queryClient = useQueryClient();
  const [documentId, setDocumentId] = useState<string | null>(null);
  const attach = useMutation({
    mutationFn: () => unwrap(desk.rcp.attachCopy({ caseId: dossier.id, documentId: documentId ?? '' })),
    onSuccess: () => {
      setDocumentId(null);
      void queryClient.invalidateQueries();
    },
  });
  return (
    <Stack gap={4}>
      <Group align="flex-end" gap="xs">
        <Select
          label={t('rcp.attachCopyOf')}
          description={t('rcp.attachCopyHint')}
          data={dossier.attachable.map((d) => ({
            value: d.id,
            label: `${d.title}${d.date ? ` — ${formatDate(d.date, i18n.language)}` : ''}`,
          }))}
          value={documentId}
          onChange={setDocumentId}
          searchable
          style={{ flex: 1 }}
        />
        <Button variant="light" disabled={!documentId} loading={attach.isPending} onClick={() => attach.mutate()}>
          {t('rcp.attachCopy')}
        </Button>
      </Group>
      {attach.isError && <ApiErrorAlert error={attach.error} />}
    </Stack>
  );
}

/** The case dossier: who, the question, the diagnosis and staging, the documents. */
export function CaseDossier({ dossier }: { dossier: RcpDossier }) {
  const { t, i18n } = useTranslation();
  return (
    <Paper withBorder p="md" data-testid="rcp-dossier">
      <Stack gap="xs">
        <Title order={3} size="h4">
          {dossier.patient.name}
          {dossier.patient.birthDate && (
            <Text span c="dimmed" ml="sm" size="sm">
              {t('rcp.born', { date: formatDate(dossier.patient.birthDate, i18n.language) })}
            </Text>
          )}
        </Title>
        <Text size="sm">{t('rcp.presentedBy', { name: dossier.presenter ?? '—' })}</Text>
        <Text fw={600}>{t('rcp.question')}</Text>
        <Text>{dossier.question}</Text>
        <Text fw={600}>{t('rcp.diagnosis')}</Text>
        <Text>{dossier.diagnosis ?? '—'}</Text>
        <Text fw={600}>{t('rcp.staging')}</Text>
        <Text data-testid="rcp-staging">
          <StagingText staging={dossier.staging} />
        </Text>
        <Text fw={600}>{t('rcp.documents')}</Text>
        {dossier.documents.length === 0 ? (
          <Text c="dimmed">{t('rcp.noDocuments')}</Text>
        ) : (
          <List>
            {dossier.documents.map((d, i) => (
              <List.Item key={i}>
                <Group gap="xs">
                  <Text span>{d.title}</Text>
                  {d.copiedFrom && <Badge variant="light">{t('rcp.copy')}</Badge>}
                  {!d.available && <Badge color="gray">{t('rcp.notReadable')}</Badge>}
                </Group>
              </List.Item>
            ))}
          </List>
        )}
        {dossier.canAttach && <AttachCopy dossier={dossier} />}
        {dossier.minutes.length > 0 && (
          <>
            <Text fw={600}>{t('rcp.minutes')}</Text>
            <List>
              {dossier.minutes.map((m) => (
                <List.Item key={m.id}>
                  {m.date ? formatDate(m.date, i18n.language) : '—'} —{' '}
                  {t(`rcp.minutesStatus.${m.status === 'current' ? 'current' : 'superseded'}`)}
                  {m.pending && ` (${t('rcp.pending')})`}
                </List.Item>
              ))}
            </List>
          </>
        )}
      </Stack>
    </Paper>
  );
}
