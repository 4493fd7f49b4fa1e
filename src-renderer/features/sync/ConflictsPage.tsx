import { Alert, Anchor, Button, Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { ConflictChange, ConflictView } from '../../../src-shared/api';
import { unwrap, useDesk } from '../../api/DeskContext';
import { useInvalidateOn } from '../../api/useDeskEvents';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { formatDate, formatDateTime } from '../../i18n/dates';
import { DoseConflictCard } from '../care/DoseConflictCard';

const CONFLICTS_QUERY = ['sync.conflicts'];

/** One side of a changed field in words: dates in the interface language, files by their size. */
function FieldValue({ value }: { value: ConflictChange['mine'] }) {
  const { t, i18n } = useTranslation();
  if (value === null) return <Text c="dimmed">{t('conflicts.absent')}</Text>;
  if (value.kind === 'binary')
    return <Text>{t('conflicts.file', { size: Math.max(1, Math.round(Number(value.text) / 1024)) })}</Text>;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value.text)) return <Text>{formatDate(value.text, i18n.language)}</Text>;
  if (/^\d{4}-\d{2}-\d{2}T/.test(value.text)) return <Text>{formatDateTime(value.text, i18n.language)}</Text>;
  return <Text style={{ whiteSpace: 'pre-wrap' }}>{value.text}</Text>;
}

/** A field's name in words when we know it ("Description", "Titre du fichier"), its FHIR path otherwise. */
function useFieldLabel() {
  const { t } = useTranslation();
  return (field: string) => t(`conflicts.fields.${field.replaceAll('.', '_')}`, { defaultValue: field });
}

function ConflictCard({ conflict }: { conflict: ConflictView }) {
  const { t, i18n } = useTranslation();
  const fieldLabel = useFieldLabel();
  const desk = useDesk();
  const queryClient = useQueryClient();
  const resolve = useMutation({
    mutationFn: (choice: 'mine' | 'theirs') => unwrap(desk.sync.resolve({ opId: conflict.opId, choice })),
    onSuccess: () => queryClient.invalidateQueries(),
  });
  return (
    <Card withBorder data-testid="conflict">
      <Stack>
        <Title order={3} size="h5">
          {t(`conflicts.kinds.${conflict.resourceType}`, { defaultValue: conflict.resourceType })}
          {conflict.record && ` — ${conflict.record}`}
        </Title>
        {conflict.patient && (
          <Text>
            {t('conflicts.patient')}{' '}
            <Anchor component={Link} to={`/patients/${conflict.patient.id}`}>
              {conflict.patient.name}
            </Anchor>
          </Text>
        )}
        <Text size="sm">
          {conflict.platformHasVersion
            ? t('conflicts.changedBy', {
                who: conflict.theirsBy ?? t('conflicts.someoneElse'),
                when: conflict.theirsAt ? formatDateTime(conflict.theirsAt, i18n.language) : '—',
              })
            : t('conflicts.refused')}
        </Text>
        <Table withTableBorder data-testid="conflict-changes">
          <Table.Caption>{t('conflicts.changesCaption', { count: conflict.changes.length })}</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('conflicts.field')}</Table.Th>
              <Table.Th scope="col">
                {t('conflicts.mine')}
                {conflict.mineBy && ` — ${conflict.mineBy}`}
              </Table.Th>
              <Table.Th scope="col">
                {t('conflicts.theirs')}
                {conflict.theirsBy && ` — ${conflict.theirsBy}`}
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {conflict.changes.map((change) => (
              <Table.Tr key={change.field}>
                <Table.Th scope="row">{fieldLabel(change.field)}</Table.Th>
                <Table.Td>
                  <FieldValue value={change.mine} />
                </Table.Td>
                <Table.Td>
                  <FieldValue value={change.theirs} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <Text size="xs" c="dimmed">
          {t('conflicts.reason', { reason: conflict.reason })}
        </Text>
        {resolve.isError && <ApiErrorAlert error={resolve.error} />}
        <Group>
          <Button onClick={() => resolve.mutate('mine')} loading={resolve.isPending}>
            {t('conflicts.keepMine')}
          </Button>
          <Button variant="default" onClick={() => resolve.mutate('theirs')} loading={resolve.isPending}>
            {t('conflicts.keepTheirs')}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

/** Each conflict in clinical words, field by field; the user decides, never last-write-wins. */
export function ConflictsPage() {
  const { t } = useTranslation();
  const desk = useDesk();
  useInvalidateOn(['sync.changed'], [CONFLICTS_QUERY]);
  const conflicts = useQuery({ queryKey: CONFLICTS_QUERY, queryFn: () => unwrap(desk.sync.conflicts({})) });
  return (
    <Stack maw={1100}>
      <Title order={2}>{t('conflicts.title')}</Title>
      <Text>{t('conflicts.intro')}</Text>
      {conflicts.isError && <ApiErrorAlert error={conflicts.error} />}
      {conflicts.data?.length === 0 && <Alert color="teal">{t('conflicts.none')}</Alert>}
      {conflicts.data?.map((conflict) =>
        // Two records of one dose are decided in clinical terms: never "keep both", never a silent overwrite.
        conflict.resourceType === 'MedicationAdministration' ? (
          <DoseConflictCard key={conflict.opId} opId={conflict.opId} />
        ) : (
          <ConflictCard key={conflict.opId} conflict={conflict} />
        ),
      )}
    </Stack>
  );
}
