import { LineChart } from '@mantine/charts';
import { SegmentedControl, Select, Stack, Text, VisuallyHidden } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { VITAL_KINDS, type VitalKind } from '../../../src-shared/domain/care-vitals';
import { unwrap, useDesk } from '../../api/DeskContext';
import { ApiErrorAlert } from '../../components/ApiErrorAlert';
import { formatDateTime } from '../../i18n/dates';
import { localDay, unitLabel } from './care-queries';

const PERIODS = { '7': 7, '30': 30, '90': 90 } as const;

/**
 * One vital sign over days or weeks, with its normal range shaded (two bands for a blood pressure) and each
 * point's flag in the tooltip; values waiting to be sent are on the chart already.
 */
export function VitalSignChart({ patientId }: { patientId: string }) {
  const { t, i18n } = useTranslation();
  const desk = useDesk();
  const [kind, setKind] = useState<VitalKind>('temperature');
  const [period, setPeriod] = useState<keyof typeof PERIODS>('30');
  const from = localDay(-PERIODS[period]);
  const to = localDay(0);
  const series = useQuery({
    queryKey: ['care.vitals', patientId, kind, from, to],
    queryFn: () => unwrap(desk.care.vitals({ patientId, kind, from, to })),
  });
  const data = (series.data?.points ?? []).map((p) => ({
    at: formatDateTime(p.at, i18n.language),
    ...(kind === 'blood-pressure' ? { systolic: p.systolic, diastolic: p.diastolic } : { value: p.value }),
  }));
  const s = series.data;
  const bands = s
    ? [
        ...(s.low !== null && s.high !== null
          ? [{ y1: s.low, y2: s.high, color: 'green', fillOpacity: 0.12, label: t('care.normalRange') }]
          : []),
        ...(s.low2 !== null && s.high2 !== null ? [{ y1: s.low2, y2: s.high2, color: 'teal', fillOpacity: 0.1 }] : []),
      ]
    : [];
  return (
    <Stack gap="xs" data-testid="vital-chart">
      <Select
        label={t('care.vitals')}
        data={VITAL_KINDS.map((k) => ({ value: k, label: t(`care.kinds.${k}`) }))}
        value={kind}
        onChange={(v) => v && setKind(v as VitalKind)}
        allowDeselect={false}
        maw={300}
      />
      <SegmentedControl
        aria-label={t('care.period')}
        value={period}
        onChange={(v) => setPeriod(v as keyof typeof PERIODS)}
        data={[
          { value: '7', label: t('care.days7') },
          { value: '30', label: t('care.days30') },
          { value: '90', label: t('care.days90') },
        ]}
        maw={360}
      />
      {series.isError && <ApiErrorAlert error={series.error} />}
      {s && s.points.length === 0 && <Text c="dimmed">{t('care.noValues')}</Text>}
      {s && s.points.length > 0 && (
        <>
          <LineChart
            h={240}
            data={data}
            dataKey="at"
            unit={` ${unitLabel(s.unit)}`}
            withDots
            referenceAreas={bands}
            series={
              kind === 'blood-pressure'
                ? [
                    { name: 'systolic', label: t('care.systolic'), color: 'indigo.8' },
                    { name: 'diastolic', label: t('care.diastolic'), color: 'cyan.9' },
                  ]
                : [{ name: 'value', label: t(`care.kinds.${kind}`), color: 'indigo.8' }]
            }
          />
          {/* The same values as text, for screen readers and for reading exact numbers. */}
          <VisuallyHidden>
            <ul data-testid="vital-points">
              {s.points.map((p) => (
                <li key={p.id}>
                  {formatDateTime(p.at, i18n.language)} : {kind === 'blood-pressure' ? `${p.systolic}/${p.diastolic}` : p.value}{' '}
                  {unitLabel(s.unit)} — {t(`care.flags.${p.flag}`)}
                  {p.pending ? ` (${t('care.pendingBadge')})` : ''}
                  {p.correction ? ` — ${t('care.corrected', { reason: p.correction })}` : ''}
                </li>
              ))}
            </ul>
          </VisuallyHidden>
        </>
      )}
    </Stack>
  );
}
