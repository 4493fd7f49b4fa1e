import {
  Alert,
  Badge,
  Button,
  Checkbox,
  Code,
  Group,
  Paper,
  PasswordInput,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { SimulatorAction } from '../../../src-shared/api';
import { unwrap, useDesk } from '../../api/DeskContext';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { formatDateTime } from '../../i18n/dates';

const STATE = ['simulator.state'];

/** Acting as a patient on the embedded platform: rights, hidden documents, presence codes, access log. */
export function SimulatorPage() {
  const { t, i18n } = useTranslation();
  const desk = useDesk();
  const queryClient = useQueryClient();
  const [identifier, setIdentifier] = useState('demo.patient');
  const [password, setPassword] = useState('');
  const [otp, setOtp] = useState('');
  const [practitioner, setPractitioner] = useState('Practitioner/demo-gp');
  const [restricted, setRestricted] = useState(false);
  const [code, setCode] = useState<string | null>(null);
  const state = useQuery({ queryKey: STATE, queryFn: () => unwrap(desk.simulator.state({})) });
  const log = useQuery({
    queryKey: ['simulator.accessLog'],
    queryFn: () => unwrap(desk.simulator.accessLog({})),
    enabled: Boolean(state.data?.patient),
  });
  const login = useMutation({
    mutationFn: () => unwrap(desk.simulator.login({ identifier, password, otp })),
    onSuccess: (value) => queryClient.setQueryData(STATE, value),
  });
  const act = useMutation({
    mutationFn: (action: SimulatorAction) => unwrap(desk.simulator.act({ action })),
    onSuccess: (value) => {
      queryClient.setQueryData(STATE, value.state);
      void queryClient.invalidateQueries({ queryKey: ['simulator.accessLog'] });
      if (value.presenceCode) setCode(value.presenceCode);
    },
  });
  const submitLogin = (event: FormEvent) => {
    event.preventDefault();
    login.mutate();
  };

  if (state.isError) return <ApiErrorAlert error={state.error} />;
  const s = state.data;
  return (
    <Stack maw={1000}>
      <Title order={2}>{t('simulator.title')}</Title>
      <Text>{t('simulator.intro')}</Text>
      {!s?.patient && (
        <form onSubmit={submitLogin} aria-label={t('simulator.login')}>
          <Group align="flex-end">
            <TextInput
              label={t('session.identifier')}
              value={identifier}
              onChange={(e) => setIdentifier(e.currentTarget.value)}
            />
            <PasswordInput label={t('session.password')} value={password} onChange={(e) => setPassword(e.currentTarget.value)} />
            <TextInput label={t('session.otp')} value={otp} onChange={(e) => setOtp(e.currentTarget.value)} maxLength={6} />
            <Button type="submit" loading={login.isPending}>
              {t('simulator.login')}
            </Button>
          </Group>
          {login.isError && <ApiErrorAlert error={login.error} />}
        </form>
      )}
      {s?.patient && (
        <>
          <Title order={3} size="h4">
            {s.patient.name} {s.closed && <Badge color="red">{t('simulator.closed')}</Badge>}
          </Title>
          {act.isError && <ApiErrorAlert error={act.error} />}
          {code && (
            <Alert color="teal" data-testid="presence-code">
              {t('simulator.code', { code })}
            </Alert>
          )}
          <Paper withBorder p="md">
            <Stack>
              <Text fw={600}>{t('simulator.rights')}</Text>
              <Table data-testid="rights">
                <Table.Tbody>
                  {s.rights.map((r, i) => (
                    <Table.Tr key={i}>
                      <Table.Td>{t(`simulator.${r.kind}`, { defaultValue: r.kind })}</Table.Td>
                      <Table.Td>{r.practitioner}</Table.Td>
                      <Table.Td>{r.detail}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
              <Group align="flex-end">
                <TextInput
                  label={t('simulator.practitioner')}
                  value={practitioner}
                  onChange={(e) => setPractitioner(e.currentTarget.value)}
                />
                <Checkbox
                  label={t('simulator.restricted')}
                  checked={restricted}
                  onChange={(e) => setRestricted(e.currentTarget.checked)}
                />
              </Group>
              <Group>
                <Button size="xs" onClick={() => act.mutate({ operation: 'set-referent', practitioner })}>
                  {t('simulator.setReferent')}
                </Button>
                <Button size="xs" variant="default" onClick={() => act.mutate({ operation: 'revoke-referent' })}>
                  {t('simulator.revokeReferent')}
                </Button>
                <Button size="xs" onClick={() => act.mutate({ operation: 'add-to-trust-circle', practitioner, restricted })}>
                  {t('simulator.addToCircle')}
                </Button>
                <Button
                  size="xs"
                  variant="default"
                  onClick={() => act.mutate({ operation: 'remove-from-trust-circle', practitioner })}
                >
                  {t('simulator.removeFromCircle')}
                </Button>
                <Button size="xs" variant="light" onClick={() => act.mutate({ operation: 'issue-presence-code' })}>
                  {t('simulator.issueCode')}
                </Button>
                <Button
                  size="xs"
                  color="red"
                  variant="light"
                  onClick={() => act.mutate({ operation: s.closed ? 'reopen-dsp' : 'close-dsp' })}
                >
                  {s.closed ? t('simulator.reopen') : t('simulator.close')}
                </Button>
              </Group>
            </Stack>
          </Paper>
          <Paper withBorder p="md">
            <Text fw={600} mb="xs">
              {t('simulator.documents')}
            </Text>
            <Table>
              <Table.Tbody>
                {s.documents.map((d) => (
                  <Table.Tr key={d.id}>
                    <Table.Td>{d.title}</Table.Td>
                    <Table.Td>
                      <Select
                        size="xs"
                        aria-label={t('dsp.level')}
                        data={(['N', 'R', 'V'] as const).map((level) => ({
                          value: level,
                          label: t(`dsp.confidentiality.${level}`),
                        }))}
                        value={d.confidentiality}
                        allowDeselect={false}
                        onChange={(value) =>
                          value &&
                          act.mutate({
                            operation: 'set-confidentiality',
                            document: `DocumentReference/${d.id}`,
                            confidentiality: value as 'N' | 'R' | 'V',
                          })
                        }
                      />
                    </Table.Td>
                    <Table.Td>
                      <Button
                        size="compact-xs"
                        variant="default"
                        onClick={() =>
                          act.mutate({
                            operation: d.hidden ? 'unhide-document' : 'hide-document',
                            document: `DocumentReference/${d.id}`,
                          })
                        }
                      >
                        {d.hidden ? t('simulator.unhide') : t('simulator.hide')}
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Paper>
          <Paper withBorder p="md">
            <Text fw={600} mb="xs">
              {t('simulator.accessLog')}
            </Text>
            <Table data-testid="access-log">
              <Table.Tbody>
                {log.data?.slice(0, 50).map((entry, i) => (
                  <Table.Tr key={i}>
                    <Table.Td>{formatDateTime(entry.at, i18n.language)}</Table.Td>
                    <Table.Td>{entry.who}</Table.Td>
                    <Table.Td>
                      <Code>{entry.what}</Code>
                    </Table.Td>
                    {/* BALP outcome codes: 0 success; 4, 8, 12 failures. A description, when present, says more. */}
                    <Table.Td>
                      {/^\d+$/.test(entry.outcome)
                        ? t(entry.outcome === '0' ? 'simulator.allowed' : 'simulator.refused')
                        : entry.outcome}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Paper>
        </>
      )}
    </Stack>
  );
}
