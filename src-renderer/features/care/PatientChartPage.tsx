import { Badge, Button, Card, Grid, Group, List, Stack, Table, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import type { CareChart } from '../../../src-shared/api/care';
import { unwrap, useDesk } from '../../api/DeskContext';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { formatDate, formatDateTime } from '../../i18n/dates';
import { CareErrorAlert } from './CareErrorAlert';
import { NotesPanel } from './NotesPanel';
import { VitalSignChart } from './VitalSignChart';
import { VitalsEntryForm } from './VitalsEntryForm';
import { WoundsPanel } from './WoundsPanel';
import { unitLabel, useCareRefresh } from './care-queries';

/** Who the chart is about, unmistakably: name, birth date, matricule, episode; and what waits to be sent. */
function PatientBanner({ chart }: { chart: CareChart }) {
  const { t, i18n } = useTranslation();
  const p = chart.patient;
  return (
    <Card withBorder padding="sm" data-testid="patient-banner">
      <Group justify="space-between">
        <Group gap="md">
          <Title order={2}>{p.name}</Title>
          {p.birthDate && <Text>{t('care.born', { date: formatDate(p.birthDate, i18n.language) })}</Text>}
          {p.matricule && <Text>{t('care.matricule', { value: p.matricule })}</Text>}
          {p.episode && <Badge variant="light">{p.episode}</Badge>}
        </Group>
        {chart.pending > 0 && (
          <Badge color="gray" data-testid="chart-pending">
            {t('care.pending', { count: chart.pending })}
          </Badge>
        )}
      </Group>
    </Card>
  );
}

function CarePlanPanel({ plan }: { plan: CareChart['carePlan'] }) {
  const { t } = useTranslation();
  const desk = useDesk();
  const [editing, setEditing] = useState(false);
  const [description, setDescription] = useState('');
  const [reason, setReason] = useState('');
  const save = useMutation({
    mutationFn: () => unwrap(desk.care.editCarePlan({ id: plan!.id, baseVersion: plan!.versionId, description, reason })),
    onSuccess: () => setEditing(false),
  });
  if (!plan)
    return (
      <Stack gap="xs">
        <Title order={3} size="h4">
          {t('care.carePlan')}
        </Title>
        <Text c="dimmed">{t('care.noCarePlan')}</Text>
      </Stack>
    );
  return (
    <Stack gap="xs" data-testid="care-plan">
      <Group justify="space-between">
        <Title order={3} size="h4">
          {t('care.carePlan')} — {plan.title}
        </Title>
        {plan.pending && (
          <Badge color="gray" variant="light">
            {t('care.pendingBadge')}
          </Badge>
        )}
      </Group>
      {plan.description && <Text>{plan.description}</Text>}
      {plan.activities.length > 0 && (
        <>
          <Text fw={600}>{t('care.activities')}</Text>
          <List size="sm">
            {plan.activities.map((a, i) => (
              <List.Item key={i}>{a}</List.Item>
            ))}
          </List>
        </>
      )}
      {plan.goals.length > 0 && (
        <>
          <Text fw={600}>{t('care.goals')}</Text>
          <List size="sm">
            {plan.goals.map((g, i) => (
              <List.Item key={i}>{g}</List.Item>
            ))}
          </List>
        </>
      )}
      {!editing ? (
        <Group>
          <Button
            size="xs"
            variant="subtle"
            onClick={() => {
              setDescription(plan.description ?? '');
              setReason('');
              setEditing(true);
            }}
          >
            {t('care.editCarePlan')}
          </Button>
        </Group>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate();
          }}
        >
          <Stack gap="xs">
            <Textarea
              label={t('care.carePlanDescription')}
              autosize
              value={description}
              onChange={(e) => setDescription(e.currentTarget.value)}
            />
            <TextInput label={t('care.correctionReason')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
            <Group>
              <Button type="submit" size="xs" loading={save.isPending}>
                {t('dsp.save')}
              </Button>
              <Button size="xs" variant="subtle" onClick={() => setEditing(false)}>
                {t('dsp.cancel')}
              </Button>
            </Group>
            {save.isError && <CareErrorAlert error={save.error} />}
          </Stack>
        </form>
      )}
    </Stack>
  );
}

function MedicationPlan({ medications }: { medications: CareChart['medications'] }) {
  const { t, i18n } = useTranslation();
  return (
    <Stack gap="xs">
      <Title order={3} size="h4">
        {t('care.medications')}
      </Title>
      {medications.length === 0 ? (
        <Text c="dimmed">{t('care.noMedications')}</Text>
      ) : (
        <Table data-testid="medication-plan">
          <Table.Tbody>
            {medications.map((m) => (
              <Table.Tr key={m.requestId}>
                <Table.Td fw={600}>{m.medication}</Table.Td>
                <Table.Td>{m.dosage}</Table.Td>
                <Table.Td>{m.times.join(', ')}</Table.Td>
                <Table.Td>
                  {i18n.exists(`care.medicationStatus.${m.status}`) ? t(`care.medicationStatus.${m.status}`) : m.status}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}

/** The patient chart: banner, care plan, vital signs (entry and charts), notes, wounds, medication plan, tasks. */
export function PatientChartPage() {
  const { patientId = '' } = useParams();
  const { t, i18n } = useTranslation();
  const desk = useDesk();
  useCareRefresh();
  const chart = useQuery({ queryKey: ['care.chart', patientId], queryFn: () => unwrap(desk.care.chart({ patientId })) });
  if (chart.isError) return <ApiErrorAlert error={chart.error} />;
  if (!chart.data) return <Text>{t('app.loading')}</Text>;
  const c = chart.data;
  return (
    <Stack maw={1200}>
      <Group gap="xs">
        <Button component={Link} to="/care" variant="subtle" size="xs">
          {t('care.nav')}
        </Button>
        <Button component={Link} to={`/care/round?patient=${patientId}`} variant="subtle" size="xs">
          {t('care.roundNav')}
        </Button>
      </Group>
      <PatientBanner chart={c} />
      <Grid>
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <Stack>
            <Title order={3} size="h4">
              {t('care.vitals')}
            </Title>
            {c.latestVitals.length > 0 && (
              <Group gap="xs" data-testid="latest-vitals" role="group" aria-label={t('care.latest')}>
                {c.latestVitals.map((v) => (
                  <Badge
                    key={v.kind}
                    variant="light"
                    color={v.flag === 'normal' ? 'blue' : 'orange'}
                    title={formatDateTime(v.at, i18n.language)}
                  >
                    {t(`care.kinds.${v.kind}`)} {v.kind === 'blood-pressure' ? `${v.systolic}/${v.diastolic}` : v.value}{' '}
                    {unitLabel(v.unit)}
                  </Badge>
                ))}
              </Group>
            )}
            <VitalsEntryForm patientId={patientId} />
            <VitalSignChart patientId={patientId} />
            <WoundsPanel patientId={patientId} wounds={c.wounds} />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <Stack>
            <CarePlanPanel plan={c.carePlan} />
            <MedicationPlan medications={c.medications} />
            {c.tasks.length > 0 && (
              <Stack gap="xs">
                <Title order={3} size="h4">
                  {t('care.tasks')}
                </Title>
                <List size="sm">
                  {c.tasks.map((task) => (
                    <List.Item key={task.id}>
                      {task.description} {task.due && `(${formatDateTime(task.due, i18n.language)})`}
                    </List.Item>
                  ))}
                </List>
              </Stack>
            )}
            <NotesPanel patientId={patientId} notes={c.notes} />
          </Stack>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
