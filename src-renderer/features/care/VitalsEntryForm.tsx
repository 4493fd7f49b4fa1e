import { Button, Group, NumberInput, SegmentedControl, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { VitalInput } from '../../../src-shared/api/care';
import { VITAL_MEASURES } from '../../../src-shared/domain/care-vitals';
import { unwrap, useDesk } from '../../api/DeskContext';
import { CareErrorAlert } from './CareErrorAlert';
import { typedNumber } from './care-queries';

type FieldName = 'temperature' | 'systolic' | 'diastolic' | 'pulse' | 'respiratory-rate' | 'spo2' | 'weight' | 'pain' | 'glucose';
const FIELDS: FieldName[] = [
  'temperature',
  'systolic',
  'diastolic',
  'pulse',
  'respiratory-rate',
  'spo2',
  'weight',
  'pain',
  'glucose',
];

/** The typed fields as API entries, one per vital sign (a blood pressure from its two fields). */
export function entriesOf(values: Partial<Record<FieldName, number>>, glucoseUnit: 'mg/dL' | 'mmol/L'): VitalInput[] {
  const entries: VitalInput[] = [];
  const single = (kind: VitalInput['kind'], field: FieldName, unit: string) => {
    if (values[field] !== undefined) entries.push({ kind, value: values[field], unit });
  };
  single('temperature', 'temperature', VITAL_MEASURES.temperature.unit);
  if (values.systolic !== undefined || values.diastolic !== undefined)
    entries.push({
      kind: 'blood-pressure',
      ...(values.systolic !== undefined ? { systolic: values.systolic } : {}),
      ...(values.diastolic !== undefined ? { diastolic: values.diastolic } : {}),
      unit: VITAL_MEASURES.systolic.unit,
    });
  single('pulse', 'pulse', VITAL_MEASURES.pulse.unit);
  single('respiratory-rate', 'respiratory-rate', VITAL_MEASURES['respiratory-rate'].unit);
  single('spo2', 'spo2', VITAL_MEASURES.spo2.unit);
  single('weight', 'weight', VITAL_MEASURES.weight.unit);
  single('pain', 'pain', VITAL_MEASURES.pain.unit);
  single('glucose', 'glucose', glucoseUnit);
  return entries;
}

/** The fields that hold a number (a decimal comma read as a point); empty or unfinished ones are not measured. */
function numbersOf(typed: Partial<Record<FieldName, number | string>>): Partial<Record<FieldName, number>> {
  const numbers: Partial<Record<FieldName, number>> = {};
  for (const [field, value] of Object.entries(typed) as [FieldName, number | string][]) {
    const number = typedNumber(value);
    if (number !== undefined) numbers[field] = number;
  }
  return numbers;
}

/**
 * Vital signs typed fast by keyboard: one field per measure in the order a nurse takes them, Tab to the next,
 * Enter saves them all; empty fields are not measured. A refusal names the field in the user's language.
 */
export function VitalsEntryForm({ patientId }: { patientId: string }) {
  const { t, i18n } = useTranslation();
  const desk = useDesk();
  // What is typed, as typed ("38," while the decimals come): numbers are read from it on save.
  const [typed, setTyped] = useState<Partial<Record<FieldName, number | string>>>({});
  const values = numbersOf(typed);
  const [glucoseUnit, setGlucoseUnit] = useState<'mg/dL' | 'mmol/L'>('mg/dL');
  const [saved, setSaved] = useState(false);
  const entries = entriesOf(values, glucoseUnit);
  const save = useMutation({
    mutationFn: () => unwrap(desk.care.addVitals({ patientId, entries })),
    onSuccess: () => {
      setTyped({});
      setSaved(true);
    },
  });
  const labelOf = (field: string) => {
    const match = /^entries\.(\d+)\.(\w+)$/.exec(field);
    const entry = match ? entries[Number(match[1])] : undefined;
    if (!entry) return undefined;
    if (entry.kind === 'blood-pressure' && (match![2] === 'systolic' || match![2] === 'diastolic')) return t(`care.${match![2]}`);
    return t(`care.kinds.${entry.kind}`);
  };
  const label = (field: FieldName) => {
    if (field === 'systolic' || field === 'diastolic') return `${t(`care.${field}`)} (mmHg)`;
    if (field === 'glucose') return `${t('care.kinds.glucose')} (${glucoseUnit})`;
    return `${t(`care.kinds.${field}`)} (${VITAL_MEASURES[field].unitLabel})`;
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (entries.length > 0) save.mutate();
  };
  return (
    <form onSubmit={submit} aria-labelledby="vitals-entry-title" data-testid="vitals-entry">
      <Stack gap="xs">
        <Title order={3} id="vitals-entry-title" size="h4">
          {t('care.vitalsEntry')}
        </Title>
        <Text size="sm" c="dimmed">
          {t('care.vitalsEntryHint')}
        </Text>
        <SimpleGrid cols={{ base: 2, md: 5 }} spacing="xs">
          {FIELDS.map((field) => (
            <NumberInput
              key={field}
              label={label(field)}
              name={field}
              decimalSeparator={i18n.language === 'en' ? '.' : ','}
              allowedDecimalSeparators={['.', ',']}
              hideControls
              value={typed[field] ?? ''}
              onChange={(v) => {
                setSaved(false);
                setTyped((old) => ({ ...old, [field]: v }));
              }}
            />
          ))}
        </SimpleGrid>
        <Group>
          <SegmentedControl
            aria-label={t('care.glucoseUnit')}
            value={glucoseUnit}
            onChange={(v) => setGlucoseUnit(v as 'mg/dL' | 'mmol/L')}
            data={['mg/dL', 'mmol/L']}
          />
          <Button type="submit" loading={save.isPending} disabled={entries.length === 0}>
            {t('care.saveVitals')}
          </Button>
          {saved && (
            <Text size="sm" role="status">
              {t('care.vitalsSaved')}
            </Text>
          )}
        </Group>
        {save.isError && <CareErrorAlert error={save.error} labelOf={labelOf} />}
      </Stack>
    </form>
  );
}
