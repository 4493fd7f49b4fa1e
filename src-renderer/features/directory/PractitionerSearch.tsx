import { Alert, Button, Group, Paper, Select, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router-dom';
import type { PractitionerCriteria } from '../../../src-shared/api';
import { ROLES } from '../../../src-shared/domain/roles';
import { unwrap, useDesk } from '../../api/DeskContext';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import type { MailboxRequest } from '../mailbox/MailboxPage';

const PROFESSIONS = ROLES.filter((role) => role !== 'patient');

/** One professional's card: where, with whom, in which roles, their key; and "write a message". */
function PractitionerCardView({ id, onClose }: { id: string; onClose: () => void }) {
  const { t } = useTranslation();
  const desk = useDesk();
  const navigate = useNavigate();
  const card = useQuery({ queryKey: ['directory.practitioner', id], queryFn: () => unwrap(desk.directory.practitioner({ id })) });
  if (card.isError) return <ApiErrorAlert error={card.error} />;
  if (!card.data) return null;
  const c = card.data;
  const fingerprint = c.keyFingerprint?.replace(/(.{4})/g, '$1 ').trim();
  return (
    <Paper withBorder p="md" component="section" aria-label={c.name} data-testid="practitioner-card">
      <Stack gap="xs">
        <Title order={3} size="h4">
          {c.name}
        </Title>
        <Table variant="vertical" withTableBorder>
          <Table.Tbody>
            <Table.Tr>
              <Table.Th w={200}>{t('directory.address')}</Table.Th>
              <Table.Td>{c.address ?? '—'}</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>{t('directory.phone')}</Table.Th>
              <Table.Td>{c.phone ?? '—'}</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>{t('directory.roles')}</Table.Th>
              <Table.Td>
                {c.roles.length === 0
                  ? '—'
                  : c.roles.map((role, i) => (
                      <Text key={i} size="sm">
                        {[role.profession && t(`directory.professions.${role.profession}`), role.specialty, role.organization]
                          .filter(Boolean)
                          .join(' · ')}
                      </Text>
                    ))}
              </Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th>{t('directory.key')}</Table.Th>
              <Table.Td data-testid="card-fingerprint" ff="monospace">
                {fingerprint ?? t('directory.noKey')}
              </Table.Td>
            </Table.Tr>
          </Table.Tbody>
        </Table>
        <Group>
          <Button
            disabled={!c.keyFingerprint}
            onClick={() =>
              navigate('/mailbox', {
                state: { compose: { to: [{ reference: c.reference, name: c.name }] } } satisfies MailboxRequest,
              })
            }
          >
            {t('directory.write')}
          </Button>
          <Button variant="default" onClick={onClose}>
            {t('app.close')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

/** The professional directory: name, profession, specialty, locality, organisation; online or from the cache. */
export function PractitionerSearch() {
  const { t } = useTranslation();
  const desk = useDesk();
  const [criteria, setCriteria] = useState<{ [K in keyof PractitionerCriteria]-?: string }>({
    text: '',
    profession: '',
    specialty: '',
    city: '',
    organization: '',
  });
  const [opened, setOpened] = useState<string | null>(null);
  const facets = useQuery({ queryKey: ['directory.facets'], queryFn: () => unwrap(desk.directory.facets({})) });
  const search = useMutation({
    mutationFn: () => {
      const given = Object.fromEntries(Object.entries(criteria).filter(([, v]) => v.trim() !== '')) as PractitionerCriteria;
      return unwrap(desk.directory.searchPractitioners(given));
    },
  });
  const set = (key: keyof PractitionerCriteria) => (value: string | null) => setCriteria((c) => ({ ...c, [key]: value ?? '' }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setOpened(null);
    search.mutate();
  };
  return (
    <Stack>
      <form onSubmit={submit} role="search" aria-label={t('directory.practitioners')}>
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
          <TextInput
            label={t('directory.name')}
            value={criteria.text}
            onChange={(e) => set('text')(e.currentTarget.value)}
            autoFocus
          />
          <Select
            label={t('directory.profession')}
            placeholder={t('directory.any')}
            clearable
            data={PROFESSIONS.map((p) => ({ value: p, label: t(`directory.professions.${p}`) }))}
            value={criteria.profession || null}
            onChange={set('profession')}
          />
          <Select
            label={t('directory.specialty')}
            placeholder={t('directory.any')}
            clearable
            searchable
            data={(facets.data?.specialties ?? []).map((s) => ({ value: s.code, label: s.display }))}
            value={criteria.specialty || null}
            onChange={set('specialty')}
          />
          <TextInput label={t('directory.city')} value={criteria.city} onChange={(e) => set('city')(e.currentTarget.value)} />
          <Select
            label={t('directory.organization')}
            placeholder={t('directory.any')}
            clearable
            searchable
            data={(facets.data?.organizations ?? []).map((o) => ({
              value: o.id,
              label: o.city ? `${o.name} (${o.city})` : o.name,
            }))}
            value={criteria.organization || null}
            onChange={set('organization')}
          />
          <Group align="flex-end">
            <Button type="submit" loading={search.isPending}>
              {t('directory.search')}
            </Button>
          </Group>
        </SimpleGrid>
      </form>
      {search.isError && <ApiErrorAlert error={search.error} />}
      {search.data?.fromCache && (
        <Alert color="yellow" data-testid="from-cache">
          {t('directory.fromCache')}
        </Alert>
      )}
      {opened && <PractitionerCardView id={opened} onClose={() => setOpened(null)} />}
      {search.data && search.data.results.length === 0 && <Text>{t('directory.noResults')}</Text>}
      {search.data && search.data.results.length > 0 && (
        <Table striped data-testid="directory-results">
          <Table.Caption>{t('directory.resultCount', { count: search.data.results.length })}</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('directory.name')}</Table.Th>
              <Table.Th>{t('directory.profession')}</Table.Th>
              <Table.Th>{t('directory.qualification')}</Table.Th>
              <Table.Th>{t('directory.organization')}</Table.Th>
              <Table.Th>{t('directory.city')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {search.data.results.map((p) => (
              <Table.Tr key={p.id}>
                <Table.Td>
                  <Button variant="subtle" size="compact-sm" onClick={() => setOpened(p.id)}>
                    {p.name}
                  </Button>
                </Table.Td>
                <Table.Td>{p.profession && t(`directory.professions.${p.profession}`, { defaultValue: p.profession })}</Table.Td>
                <Table.Td>{p.qualification}</Table.Td>
                <Table.Td>{p.organization}</Table.Td>
                <Table.Td>{p.city}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
