import { Alert, Button, Card, Code, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { ConflictView } from '../../../src-shared/api';
import { unwrap, useDesk } from '../../api/DeskContext';
import { useInvalidateOn } from '../../api/useDeskEvents';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';

const CONFLICTS_QUERY = ['sync.conflicts'];

function VersionColumn({ title, value }: { title: string; value: unknown }) {
  return (
    <Stack gap={4}>
      <Text fw={600}>{title}</Text>
      <Code block style={{ maxHeight: 320, overflow: 'auto' }}>
        {JSON.stringify(value, null, 2)}
      </Code>
    </Stack>
  );
}

function ConflictCard({ conflict }: { conflict: ConflictView }) {
  const { t } = useTranslation();
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
          {conflict.entityKey}
        </Title>
        <Text size="sm" c="dimmed">
          {t('conflicts.reason', { reason: conflict.reason })}
        </Text>
        <SimpleGrid cols={{ base: 1, md: 2 }}>
          <VersionColumn title={t('conflicts.mine')} value={conflict.local} />
          <VersionColumn title={t('conflicts.theirs')} value={conflict.server} />
        </SimpleGrid>
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

/** Local and server versions side by side; the user decides, never last-write-wins. */
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
      {conflicts.data?.map((conflict) => (
        <ConflictCard key={conflict.opId} conflict={conflict} />
      ))}
    </Stack>
  );
}
