import { Badge, Button, Group, NativeSelect, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { Fragment, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import type { RoundDose, Shift } from '../../../src-shared/api/care';
import { DOSE_OUTCOMES, DOSE_REASONS, type DoseOutcome, type DoseReason } from '../../../src-shared/domain/care-medication';
import { unwrap, useDesk } from '../../api/DeskContext';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { CareErrorAlert } from './CareErrorAlert';
import { localDay, useCareRefresh } from './care-queries';

const SHIFTS: Shift[] = ['morning', 'afternoon', 'night'];

function currentShift(now = new Date()): Shift {
  const hour = now.getHours();
  return hour >= 7 && hour < 15 ? 'morning' : hour >= 15 && hour < 23 ? 'afternoon' : 'night';
}

function timeOf(iso: string, language: string): string {
  return new Date(iso).toLocaleTimeString(language, { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Luxembourg' });
}

/** Records one dose: the outcome, a reason for all but given (asked before anything is sent), an optional second check. */
function DoseForm({ dose, onDone }: { dose: RoundDose; onDone: () => void }) {
  const { t, i18n } = useTranslation();
  const desk = useDesk();
  const [outcome, setOutcome] = useState<DoseOutcome>('given');
  const [reason, setReason] = useState<DoseReason | null>(null);
  const [reasonText, setReasonText] = useState('');
  const [checkedBy, setCheckedBy] = useState('');
  const save = useMutation({
    mutationFn: () =>
      unwrap(
        desk.care.recordAdministration({
          requestId: dose.requestId,
          scheduledAt: dose.scheduledAt,
          outcome,
          ...(outcome !== 'given' && reason
            ? { reason: { code: reason, ...(reasonText.trim() ? { text: reasonText.trim() } : {}) } }
            : {}),
          ...(checkedBy.trim() ? { checkedBy: checkedBy.trim() } : {}),
        }),
      ),
    onSuccess: onDone,
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <form
      onSubmit={submit}
      aria-label={t('care.round.recordDose', {
        medication: dose.medication,
        patient: dose.patientName,
        time: timeOf(dose.scheduledAt, i18n.language),
      })}
      data-testid="dose-form"
    >
      <Group align="flex-end" gap="xs">
        <NativeSelect
          label={t('care.round.state')}
          data={DOSE_OUTCOMES.map((o) => ({ value: o, label: t(`care.round.outcomes.${o}`) }))}
          value={outcome}
          onChange={(e) => setOutcome(e.currentTarget.value as DoseOutcome)}
          w={150}
        />
        {outcome !== 'given' && (
          <>
            <NativeSelect
              label={t('care.round.reason')}
              data={[{ value: '', label: '—' }, ...DOSE_REASONS.map((r) => ({ value: r, label: t(`care.round.reasons.${r}`) }))]}
              value={reason ?? ''}
              onChange={(e) => setReason((e.currentTarget.value || null) as DoseReason | null)}
              w={220}
            />
            <TextInput
              label={t('care.round.reasonText')}
              value={reasonText}
              onChange={(e) => setReasonText(e.currentTarget.value)}
            />
          </>
        )}
        <TextInput
          label={t('care.round.checkedBy')}
          value={checkedBy}
          onChange={(e) => setCheckedBy(e.currentTarget.value)}
          w={220}
        />
        <Button type="submit" loading={save.isPending}>
          {t('care.round.record')}
        </Button>
        <Button variant="subtle" onClick={onDone}>
          {t('care.round.cancel')}
        </Button>
      </Group>
      {save.isError && <CareErrorAlert error={save.error} />}
    </form>
  );
}

function StateBadge({ dose }: { dose: RoundDose }) {
  const { t } = useTranslation();
  const color = dose.state === 'overdue' ? 'red' : dose.state === 'given' ? 'green' : dose.state === 'due' ? 'blue' : 'orange';
  return (
    <Badge color={color} variant={dose.state === 'overdue' ? 'filled' : 'light'}>
      {t(`care.round.states.${dose.state}`)}
    </Badge>
  );
}

/** The medication round of a shift: one row per scheduled dose, overdue ones highlighted. */
export function MedicationRoundPage() {
  const { t, i18n } = useTranslation();
  const desk = useDesk();
  useCareRefresh();
  const [params] = useSearchParams();
  const patientId = params.get('patient') ?? undefined;
  const [date, setDate] = useState(localDay(0));
  const [shift, setShift] = useState<Shift>(currentShift());
  const [open, setOpen] = useState<string | null>(null);
  const doses = useQuery({
    queryKey: ['care.round', date, shift, patientId],
    queryFn: () => unwrap(desk.care.round({ date, shift, ...(patientId ? { patientId } : {}) })),
  });
  const countersign = useMutation({ mutationFn: (doseId: string) => unwrap(desk.care.countersign({ doseId })) });
  return (
    <Stack maw={1200}>
      <Title order={2}>{t('care.round.title')}</Title>
      <Group>
        <TextInput
          type="date"
          label={t('care.round.date')}
          value={date}
          onChange={(e) => e.currentTarget.value && setDate(e.currentTarget.value)}
        />
        <Select
          label={t('care.round.shift')}
          data={SHIFTS.map((s) => ({ value: s, label: t(`care.round.shifts.${s}`) }))}
          value={shift}
          onChange={(v) => v && setShift(v as Shift)}
          allowDeselect={false}
        />
      </Group>
      {doses.isError && <ApiErrorAlert error={doses.error} />}
      {countersign.isError && <CareErrorAlert error={countersign.error} />}
      {doses.data?.length === 0 && <Text c="dimmed">{t('care.round.empty')}</Text>}
      {doses.data && doses.data.length > 0 && (
        <Table data-testid="round">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('care.round.time')}</Table.Th>
              <Table.Th>{t('care.round.patient')}</Table.Th>
              <Table.Th>{t('care.round.medication')}</Table.Th>
              <Table.Th>{t('care.round.state')}</Table.Th>
              <Table.Th>{t('care.round.actions')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {doses.data.map((dose) => (
              <Fragment key={dose.doseId}>
                <Table.Tr data-state={dose.state} bg={dose.state === 'overdue' ? 'var(--mantine-color-red-light)' : undefined}>
                  <Table.Td>{timeOf(dose.scheduledAt, i18n.language)}</Table.Td>
                  <Table.Td>
                    <Link to={`/care/patients/${dose.patientId}`}>{dose.patientName}</Link>
                  </Table.Td>
                  <Table.Td>
                    <Text fw={600}>{dose.medication}</Text>
                    {dose.dosage && <Text size="sm">{dose.dosage}</Text>}
                  </Table.Td>
                  <Table.Td>
                    <Stack gap={2}>
                      <Group gap={4}>
                        <StateBadge dose={dose} />
                        {dose.pending && (
                          <Badge color="gray" variant="light">
                            {t('care.pendingBadge')}
                          </Badge>
                        )}
                      </Group>
                      {dose.recordedBy && <Text size="xs">{t('care.round.by', { name: dose.recordedBy })}</Text>}
                      {dose.reason && (
                        <Text size="xs">
                          {dose.reason.code ? t(`care.round.reasons.${dose.reason.code}`) : ''}
                          {dose.reason.text ? ` — ${dose.reason.text}` : ''}
                        </Text>
                      )}
                      {dose.check && (
                        <Text size="xs" data-check={dose.check.state}>
                          {dose.check.state === 'asserted'
                            ? t('care.round.checkAsserted', { name: dose.check.byName ?? dose.check.by })
                            : t('care.round.checkCountersigned', { name: dose.check.byName ?? dose.check.by })}
                        </Text>
                      )}
                      {dose.inConflict && (
                        <Text size="xs" c="red">
                          <Link to="/conflicts">{t('care.round.conflict')}</Link>
                        </Text>
                      )}
                    </Stack>
                  </Table.Td>
                  <Table.Td>
                    {(dose.state === 'due' || dose.state === 'overdue') && !dose.inConflict && (
                      <Button
                        size="xs"
                        onClick={() => setOpen(open === dose.doseId ? null : dose.doseId)}
                        aria-expanded={open === dose.doseId}
                      >
                        {t('care.round.actions')}
                      </Button>
                    )}
                    {dose.check?.state === 'asserted' && (
                      <Button size="xs" variant="light" onClick={() => countersign.mutate(dose.doseId)}>
                        {t('care.round.countersign')}
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
                {open === dose.doseId && (
                  <Table.Tr>
                    <Table.Td colSpan={5}>
                      <DoseForm dose={dose} onDone={() => setOpen(null)} />
                    </Table.Td>
                  </Table.Tr>
                )}
              </Fragment>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
