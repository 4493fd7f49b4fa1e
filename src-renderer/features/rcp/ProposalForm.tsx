import { Alert, Badge, Button, Group, Paper, Stack, Text, Textarea, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { RcpDossier } from '../../../src-shared/api';
import { RCP_SPECIALTIES } from '../../../src-shared/domain/rcp';
import { unwrap, useDesk } from '../../api/DeskContext';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';

/**
 * The board's proposal for a case: the proposal itself (never an order), the alternatives discussed (one
 * a line), dissent if any. Saved to the cache and the outbox; a change another participant made meanwhile
 * comes back as a conflict, explained on the conflicts screen. Keyed by case and proposal version by its
 * parent, so another case (or a newer version from the sync) starts from what is recorded.
 */
export function ProposalForm({
  dossier,
  meetingId,
  canRecord,
  present,
}: {
  dossier: RcpDossier;
  meetingId: string;
  canRecord: boolean;
  present: string[];
}) {
  const { t } = useTranslation();
  const desk = useDesk();
  const queryClient = useQueryClient();
  const proposal = dossier.proposal;
  const [text, setText] = useState(proposal?.text ?? '');
  const [alternatives, setAlternatives] = useState(proposal?.alternatives.join('\n') ?? '');
  const [dissent, setDissent] = useState(proposal?.dissent ?? '');
  const save = useMutation({
    mutationFn: () =>
      unwrap(
        desk.rcp.saveProposal({
          caseId: dossier.id,
          meetingId,
          text,
          alternatives: alternatives
            .split('\n')
            .map((a) => a.trim())
            .filter(Boolean),
          dissent,
          specialtiesPresent: present.filter((s): s is (typeof RCP_SPECIALTIES)[number] =>
            (RCP_SPECIALTIES as readonly string[]).includes(s),
          ),
        }),
      ),
    onSuccess: () => void queryClient.invalidateQueries(),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <Paper withBorder p="md" component="form" onSubmit={submit} aria-label={t('rcp.proposal')} data-testid="rcp-proposal-form">
      <Stack gap="xs">
        <Group justify="space-between">
          <Title order={3} size="h4">
            {t('rcp.proposal')}
          </Title>
          {proposal?.pending && <Badge color="yellow">{t('rcp.pending')}</Badge>}
          {proposal && !proposal.pending && !proposal.inConflict && <Badge color="green">{t('rcp.recorded')}</Badge>}
        </Group>
        {proposal?.inConflict && (
          <Alert color="orange" title={t('rcp.conflictTitle')} data-testid="rcp-proposal-conflict">
            {t('rcp.conflict')} <Link to="/conflicts">{t('rcp.seeConflicts')}</Link>
          </Alert>
        )}
        {!canRecord && <Text c="dimmed">{t('rcp.cannotRecord')}</Text>}
        <Textarea
          label={t('rcp.proposalText')}
          description={t('rcp.proposalHint')}
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
          minRows={3}
          required
          disabled={!canRecord}
        />
        <Textarea
          label={t('rcp.alternatives')}
          description={t('rcp.alternativesHint')}
          value={alternatives}
          onChange={(e) => setAlternatives(e.currentTarget.value)}
          minRows={2}
          disabled={!canRecord}
        />
        <Textarea
          label={t('rcp.dissent')}
          value={dissent}
          onChange={(e) => setDissent(e.currentTarget.value)}
          minRows={1}
          disabled={!canRecord}
        />
        {save.isError && <ApiErrorAlert error={save.error} />}
        {save.isSuccess && !save.isPending && <Text c="green">{t('rcp.saved')}</Text>}
        <Group>
          <Button type="submit" loading={save.isPending} disabled={!canRecord || text.trim() === ''}>
            {proposal ? t('rcp.saveProposal') : t('rcp.recordProposal')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
