import { Badge, Button, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { unwrap, useDesk } from '../../api/DeskContext';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { formatDate } from '../../i18n/dates';
import { useCareRefresh } from './care-queries';

/** Residents or home patients in this professional's care, each with today's to-dos. */
export function CarePatientsPage() {
  const { t, i18n } = useTranslation();
  const desk = useDesk();
  const navigate = useNavigate();
  useCareRefresh();
  const patients = useQuery({ queryKey: ['care.patients'], queryFn: () => unwrap(desk.care.patients({})) });
  return (
    <Stack maw={1100}>
      <Group justify="space-between">
        <Title order={2}>{t('care.patientsTitle')}</Title>
        <Group gap="xs">
          <Button component={Link} to="/care/round" variant="light">
            {t('care.roundNav')}
          </Button>
          <Button component={Link} to="/care/tour" variant="light">
            {t('care.tourNav')}
          </Button>
          <Button component={Link} to="/care/handover" variant="light">
            {t('care.handoverNav')}
          </Button>
        </Group>
      </Group>
      <Text>{t('care.patientsIntro')}</Text>
      {patients.isError && <ApiErrorAlert error={patients.error} />}
      {patients.data?.length === 0 && <Text c="dimmed">{t('care.noPatients')}</Text>}
      {patients.data && patients.data.length > 0 && (
        <Table highlightOnHover data-testid="care-patients">
          <Table.Tbody>
            {patients.data.map((p) => {
              const todo = p.openTasks + p.dosesDue + p.dosesOverdue + p.abnormal;
              return (
                <Table.Tr
                  key={p.id}
                  tabIndex={0}
                  style={{ cursor: 'pointer' }}
                  onClick={() => navigate(`/care/patients/${p.id}`)}
                  onKeyDown={(e) => e.key === 'Enter' && navigate(`/care/patients/${p.id}`)}
                >
                  <Table.Td fw={600}>{p.name}</Table.Td>
                  <Table.Td>{p.birthDate && formatDate(p.birthDate, i18n.language)}</Table.Td>
                  <Table.Td>{p.organization}</Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {p.dosesOverdue > 0 && <Badge color="red">{t('care.dosesOverdue', { count: p.dosesOverdue })}</Badge>}
                      {p.dosesDue > 0 && <Badge variant="light">{t('care.dosesDue', { count: p.dosesDue })}</Badge>}
                      {p.openTasks > 0 && <Badge variant="light">{t('care.openTasks', { count: p.openTasks })}</Badge>}
                      {p.abnormal > 0 && <Badge color="orange">{t('care.abnormal', { count: p.abnormal })}</Badge>}
                      {p.pending > 0 && <Badge color="gray">{t('care.pending', { count: p.pending })}</Badge>}
                      {todo === 0 && (
                        <Text size="sm" c="dimmed">
                          {t('care.nothingToDo')}
                        </Text>
                      )}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
