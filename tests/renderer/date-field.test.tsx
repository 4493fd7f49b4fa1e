import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { DateField } from '../../src-renderer/components/DateField';
import { formatDate, formatDateTime } from '../../src-renderer/i18n/dates';
import { renderWithFakeDesk } from './support/fake-desk';

function Probe({ seen }: { seen: (string | null)[] }) {
  const [value, setValue] = useState<string | null>(null);
  return (
    <DateField
      label="Du"
      value={value}
      onChange={(next) => {
        seen.push(next);
        setValue(next);
      }}
    />
  );
}

describe('dates in the interface language', () => {
  it('French: the field reads jj/mm/aaaa and turns 24/11/2026 into the ISO date', async () => {
    const seen: (string | null)[] = [];
    renderWithFakeDesk(<Probe seen={seen} />, {});
    const input = screen.getByLabelText('Du');
    expect(input.getAttribute('placeholder')).toBe('jj/mm/aaaa');
    await userEvent.type(input, '24/11/2026');
    expect(seen.at(-1)).toBe('2026-11-24');
  });

  it('German: the field reads TT.MM.JJJJ and accepts 24.11.2026; an impossible date is no date', async () => {
    const seen: (string | null)[] = [];
    renderWithFakeDesk(<Probe seen={seen} />, {}, 'de');
    const input = screen.getByLabelText('Du');
    expect(input.getAttribute('placeholder')).toBe('TT.MM.JJJJ');
    await userEvent.type(input, '24.11.2026');
    expect(seen.at(-1)).toBe('2026-11-24');
    await userEvent.clear(input);
    await userEvent.type(input, '31.02.2026');
    expect(seen.filter((v) => v === '2026-02-31' || v === '2026-03-03')).toEqual([]);
  });

  it('displayed dates follow the language: day first, the language’s separator', () => {
    expect(formatDate('2026-11-24', 'fr')).toBe('24/11/2026');
    expect(formatDate('2026-11-24', 'de')).toBe('24.11.2026');
    expect(formatDate('2026-11-24', 'en')).toBe('24/11/2026');
    expect(formatDateTime('2026-11-24T09:05:00', 'de')).toBe('24.11.2026 09:05');
  });
});
