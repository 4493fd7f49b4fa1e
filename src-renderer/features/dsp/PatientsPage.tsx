import { Alert, Badge, Group, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useEffect, useRef, useState } from 'react';
import { useLocation, useNavigate } from 'react-router-dom';
import { unwrap, useDesk } from '../../api/DeskContext';
import { useInvalidateOn } from '../../api/useDeskEvents';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { formatDate, formatDateTime } from '../../i18n/dates';
import { hasCareMandate } from '../../../src-shared/domain/roles';
import { SESSION_QUERY } from '../session/SessionGate';

/** "Mes patients": whose DSP this professional may open, and on what ground (référent, trust circle, code). */
export function PatientsPage() {
  const { t, i18n } = useTranslation();
  const desk = useDesk();
  const navigate = useNavigate();
  useInvalidateOn(['dsp.changed'], [['dsp.patients']]);
  const patients = useQuery({ queryKey: ['dsp.patients'], queryFn: () => unwrap(desk.dsp.patients({})) });
  const session = useQuery({ queryKey: SESSION_QUERY, queryFn: () => unwrap(desk.session.status({})) });
  // A role without a care mandate sees no DSP at all (ARCHITECTURE §5, row 5): say why, rather than an empty list.
  const role = session.data?.user?.role;
  const noMandate = role !== undefined && !hasCareMandate(role);
  const [find, setFind] = useState('');
  const needle = find.trim().toLowerCase();
  const shown = (patients.data ?? []).filter(
    (p) => !needle || p.name.toLowerCase().includes(needle) || (p.matricule ?? '').includes(needle),
  );
  // The "find a patient" shortcut lands here asking for the search box.
  const location = useLocation();
  const findBox = useRef<HTMLInputElement>(null);
  const focusFind = (location.state as { findPatient?: boolean } | null)?.findPatient === true;
  useEffect(() => {
    if (focusFind) findBox.current?.focus();
  }, [focusFind, location.key]);
  return (
    <Stack maw={1000}>
      <Title order={2}>{t('dsp.patientsTitle')}</Title>
      {!noMandate && <Text>{t('dsp.patientsIntro')}</Text>}
      {patients.isError && <ApiErrorAlert error={patients.error} />}
      {noMandate && (
        <Alert color="blue" title={t('dsp.noMandateTitle')} data-testid="no-care-mandate">
          {t('dsp.noMandate')}
        </Alert>
      )}
      {!noMandate && patients.data?.length === 0 && <Text c="dimmed">{t('dsp.noPatients')}</Text>}
      {patients.data && patients.data.length > 0 && (
        <TextInput
          ref={findBox}
          type="search"
          label={t('dsp.findPatient')}
          value={find}
          onChange={(e) => setFind(e.currentTarget.value)}
          maw={400}
        />
      )}
      {patients.data && patients.data.length > 0 && (
        <Table highlightOnHover data-testid="patients">
          <Table.Tbody>
            {shown.map((p) => (
              <Table.Tr
                key={p.id}
                tabIndex={0}
                style={{ cursor: 'pointer' }}
                onClick={() => navigate(`/patients/${p.id}`)}
                onKeyDown={(e) => e.key === 'Enter' && navigate(`/patients/${p.id}`)}
              >
                <Table.Td fw={600}>{p.name}</Table.Td>
                <Table.Td>{p.matricule}</Table.Td>
                <Table.Td>{p.birthDate && formatDate(p.birthDate, i18n.language)}</Table.Td>
                <Table.Td>{t('dsp.documentCount', { count: p.documentCount })}</Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    {p.access.map((a, i) => (
                      <Badge key={i} variant="light">
                        {t(`dsp.access.${a.kind}`)}
                        {a.until && ` ${t('dsp.until', { date: formatDateTime(a.until, i18n.language) })}`}
                      </Badge>
                    ))}
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
