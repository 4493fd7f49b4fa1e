import { VITAL_MEASURES } from '../../../src-shared/domain/care-vitals';
import { useInvalidateOn } from '../../api/useDeskEvents';

/** Every care query starts with one of these keys, so a care change refetches them all. */
export const CARE_QUERIES = [
  ['care.patients'],
  ['care.chart'],
  ['care.vitals'],
  ['care.round'],
  ['care.visits'],
  ['care.readiness'],
  ['care.handover'],
  ['care.doseConflicts'],
];

/** Refetch care screens when the core says care records (or the sync state: pending, conflicts) changed. */
export function useCareRefresh(): void {
  useInvalidateOn(['care.changed', 'sync.changed'], CARE_QUERIES);
}

/** `YYYY-MM-DD` of a local calendar day, `offset` days from today. */
export function localDay(offset = 0, now: Date = new Date()): string {
  const day = new Date(now.getFullYear(), now.getMonth(), now.getDate() + offset);
  return `${day.getFullYear()}-${String(day.getMonth() + 1).padStart(2, '0')}-${String(day.getDate()).padStart(2, '0')}`;
}

/** Bytes as a nurse reads them: Ko/Mo in French, KB/MB elsewhere. */
export function formatBytes(bytes: number, language: string): string {
  const [kilo, mega] = language === 'fr' ? ['Ko', 'Mo'] : ['KB', 'MB'];
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} ${kilo}`;
  return `${(bytes / (1024 * 1024)).toLocaleString(language, { maximumFractionDigits: 1 })} ${mega}`;
}

/** A number as typed in a NumberInput ("3,5" while typing in French): undefined when empty or unfinished. */
export function typedNumber(value: number | string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = typeof value === 'number' ? value : value.trim() === '' ? NaN : Number(value.replace(',', '.'));
  return Number.isFinite(number) ? number : undefined;
}

/** A UCUM unit as a nurse reads it (`Cel` → °C, `mm[Hg]` → mmHg). */
export function unitLabel(ucum: string): string {
  return Object.values(VITAL_MEASURES).find((m) => m.unit === ucum)?.unitLabel ?? ucum;
}
