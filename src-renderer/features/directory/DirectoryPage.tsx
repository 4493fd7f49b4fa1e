import { Alert, Button, Group, Stack, Table, Tabs, Text, TextInput, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { PatientHit, PractitionerHit } from '../../../src-shared/api';
import { unwrap, useDesk } from '../../api/DeskContext';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { formatDate } from '../../i18n/dates';

type Kind = 'practitioners' | 'patients';
type Results =
  | { kind: 'practitioners'; fromCache: boolean; results: PractitionerHit[] }
  | { kind: 'patients'; fromCache: boolean; results: PatientHit[] };

function ResultsTable({ data }: { data: Results }) {
  const { t, i18n } = useTranslation();
  if (data.results.length === 0) return <Text>{t('directory.noResults')}</Text>;
  if (data.kind === 'practitioners') {
    return (
      <Table striped data-testid="directory-results">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('directory.name')}</Table.Th>
            <Table.Th>{t('directory.qualification')}</Table.Th>
            <Table.Th>{t('directory.city')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {data.results.map((p) => (
            <Table.Tr key={p.id}>
              <Table.Td>{p.name}</Table.Td>
              <Table.Td>{p.qualification}</Table.Td>
              <Table.Td>{p.city}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    );
  }
  return (
    <Table striped data-testid="directory-results">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t('directory.name')}</Table.Th>
          <Table.Th>{t('directory.matricule')}</Table.Th>
          <Table.Th>{t('directory.birthDate')}</Table.Th>
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

/** The professional and patient directories: online, or from the cache when offline (and says so). */
export function DirectoryPage() {
  const { t } = useTranslation();
  const desk = useDesk();
  const [kind, setKind] = useState<Kind>('practitioners');
  const [text, setText] = useState('');
  const search = useMutation({
    mutationFn: async (): Promise<Results> =>
      kind === 'practitioners'
        ? { kind, ...(await unwrap(desk.directory.searchPractitioners({ text }))) }
        : { kind, ...(await unwrap(desk.directory.searchPatients({ text }))) },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    search.mutate();
  };
  return (
    <Stack maw={960}>
      <Title order={2}>{t('directory.title')}</Title>
      <Tabs
        value={kind}
        onChange={(value) => {
          setKind(value === 'patients' ? 'patients' : 'practitioners');
          search.reset();
        }}
      >
        <Tabs.List>
          <Tabs.Tab value="practitioners">{t('directory.practitioners')}</Tabs.Tab>
          <Tabs.Tab value="patients">{t('directory.patients')}</Tabs.Tab>
        </Tabs.List>
      </Tabs>
      <form onSubmit={submit} role="search">
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
