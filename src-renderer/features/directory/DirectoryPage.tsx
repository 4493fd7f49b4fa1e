import { Alert, Button, Group, Stack, Table, Tabs, Text, TextInput, Title, VisuallyHidden } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { PatientHit } from '../../../src-shared/api';
import { unwrap, useDesk } from '../../api/DeskContext';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { formatDate } from '../../i18n/dates';
import { PractitionerSearch } from './PractitionerSearch';

type Kind = 'practitioners' | 'patients';
type Results = { fromCache: boolean; results: PatientHit[] };

function ResultsTable({ data }: { data: Results }) {
  const { t, i18n } = useTranslation();
  if (data.results.length === 0) return <Text>{t('directory.noResults')}</Text>;
  return (
    <Table striped data-testid="directory-results">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t('directory.name')}</Table.Th>
          <Table.Th>{t('directory.matricule')}</Table.Th>
          <Table.Th>{t('directory.birthDate')}</Table.Th>
          <Table.Th>
            <VisuallyHidden>{t('directory.openDsp')}</VisuallyHidden>
          </Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {data.results.map((p) => (
          <Table.Tr key={p.id}>
            <Table.Td>{[p.family?.toUpperCase(), p.given].filter(Boolean).join(' ')}</Table.Td>
            <Table.Td>{p.matricule}</Table.Td>
            <Table.Td>{p.birthDate && formatDate(p.birthDate, i18n.language)}</Table.Td>
            <Table.Td>
              <Button size="compact-xs" variant="light" component={Link} to={`/patients/${p.id}`}>
                {t('directory.openDsp')}
              </Button>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** The patient directory: a name or a national number; online, or from the cache when offline (and says so). */
function PatientSearch() {
  const { t } = useTranslation();
  const desk = useDesk();
  const [text, setText] = useState('');
  const search = useMutation({ mutationFn: (): Promise<Results> => unwrap(desk.directory.searchPatients({ text })) });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    search.mutate();
  };
  return (
    <Stack>
      <form onSubmit={submit} role="search" aria-label={t('directory.patients')}>
        <Group align="flex-end">
          <TextInput
            label={t('directory.searchLabel')}
            value={text}
            onChange={(e) => setText(e.currentTarget.value)}
            style={{ flex: 1 }}
            autoFocus
          />
          <Button type="submit" loading={search.isPending}>
            {t('directory.search')}
          </Button>
        </Group>
      </form>
      {search.isError && <ApiErrorAlert error={search.error} />}
      {search.data?.fromCache && (
        <Alert color="yellow" data-testid="from-cache">
          {t('directory.fromCache')}
        </Alert>
      )}
      {search.data && <ResultsTable data={search.data} />}
    </Stack>
  );
}

/** The professional and patient directories. */
export function DirectoryPage() {
  const { t } = useTranslation();
  const [kind, setKind] = useState<Kind>('practitioners');
  return (
    <Stack maw={1100}>
      <Title order={2}>{t('directory.title')}</Title>
      <Tabs value={kind} onChange={(value) => setKind(value === 'patients' ? 'patients' : 'practitioners')}>
        <Tabs.List>
          <Tabs.Tab value="practitioners">{t('directory.practitioners')}</Tabs.Tab>
          <Tabs.Tab value="patients">{t('directory.patients')}</Tabs.Tab>
        </Tabs.List>
      </Tabs>
      {kind === 'practitioners' ? <PractitionerSearch /> : <PatientSearch />}
    </Stack>
  );
}
