import { Button, Group, Paper, Select, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { unwrap, useDesk } from '../../api/DeskContext';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { formatDateTime } from '../../i18n/dates';

const ECOG = ['0', '1', '2', '3', '4'] as const;

/**
 * Registers a patient's case for a tumour board (from the patient's page in "Mes patients"): the meeting,
 * the question, the diagnosis, TNM and stage group, ECOG. Offline it waits in the outbox; the platform
 * puts it on the meeting's agenda.
 */
export function RegisterCaseForm({ patientId, onDone }: { patientId: string; onDone: () => void }) {
  const { t, i18n } = useTranslation();
  const desk = useDesk();
  const queryClient = useQueryClient();
  const meetings = useQuery({ queryKey: ['rcp.meetings'], queryFn: () => unwrap(desk.rcp.meetings({})) });
  const [meetingId, setMeetingId] = useState<string | null>(null);
  const [question, setQuestion] = useState('');
  const [diagnosis, setDiagnosis] = useState('');
  const [tnm, setTnm] = useState({ t: '', n: '', m: '', stageGroup: '' });
  const [ecog, setEcog] = useState<string | null>(null);
  const register = useMutation({
    mutationFn: () =>
      unwrap(
        desk.rcp.registerCase({
          patientId,
          meetingId: meetingId ?? '',
          question,
          diagnosis,
          staging: {
            ...Object.fromEntries(Object.entries(tnm).filter(([, v]) => v.trim() !== '')),
            ...(ecog ? { ecog: ecog as (typeof ECOG)[number] } : {}),
          },
        }),
      ),
    onSuccess: () => void queryClient.invalidateQueries(),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    register.mutate();
  };
  const options = (meetings.data?.upcoming ?? []).map((m) => ({
    value: m.id,
    label: `${m.start ? formatDateTime(m.start, i18n.language) : '—'} — ${m.title}`,
  }));
  if (register.isSuccess)
    return (
      <Paper withBorder p="md" data-testid="rcp-registered">
        <Stack gap="xs">
          <Text c="green">{t('rcp.registered')}</Text>
          <Group>
            <Button component={Link} to={`/rcp/meetings/${meetingId}`} variant="light">
              {t('rcp.openMeeting')}
            </Button>
            <Button variant="default" onClick={onDone}>
              {t('app.close')}
            </Button>
          </Group>
        </Stack>
      </Paper>
    );
  return (
    <Paper
      withBorder
      p="md"
      component="form"
      onSubmit={submit}
      aria-label={t('rcp.registerCase')}
      data-testid="rcp-register-form"
    >
      <Stack gap="xs">
        <Title order={3} size="h4">
          {t('rcp.registerCase')}
        </Title>
        <Select
          label={t('rcp.meeting')}
          data={options}
          value={meetingId}
          onChange={setMeetingId}
          required
          nothingFoundMessage={t('rcp.noMeetings')}
        />
        <Textarea
          label={t('rcp.question')}
          value={question}
          onChange={(e) => setQuestion(e.currentTarget.value)}
          required
          minRows={2}
        />
        <TextInput label={t('rcp.diagnosis')} value={diagnosis} onChange={(e) => setDiagnosis(e.currentTarget.value)} required />
        <Group grow>
          <TextInput label={t('rcp.tnmT')} value={tnm.t} onChange={(e) => setTnm({ ...tnm, t: e.currentTarget.value })} />
          <TextInput label={t('rcp.tnmN')} value={tnm.n} onChange={(e) => setTnm({ ...tnm, n: e.currentTarget.value })} />
          <TextInput label={t('rcp.tnmM')} value={tnm.m} onChange={(e) => setTnm({ ...tnm, m: e.currentTarget.value })} />
          <TextInput
            label={t('rcp.stageGroup')}
            value={tnm.stageGroup}
            onChange={(e) => setTnm({ ...tnm, stageGroup: e.currentTarget.value })}
          />
          <Select label={t('rcp.ecog')} data={[...ECOG]} value={ecog} onChange={setEcog} clearable />
        </Group>
        {register.isError && <ApiErrorAlert error={register.error} />}
        <Group>
          <Button type="submit" loading={register.isPending} disabled={!meetingId}>
            {t('rcp.register')}
          </Button>
          <Button variant="default" onClick={onDone}>
            {t('rcp.cancel')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
