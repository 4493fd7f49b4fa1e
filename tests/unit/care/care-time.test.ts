import { describe, expect, it } from 'vitest';
import {
  addDays,
  dayOfWeekOf,
  instantAt,
  localDateOf,
  localTimeOf,
  utcOffsetMinutes,
} from '../../../src-shared/domain/care-time';

describe('wall-clock time in Europe/Luxembourg', () => {
  it('is UTC+1 in winter and UTC+2 in summer', () => {
    expect(utcOffsetMinutes(new Date('2026-01-15T12:00:00Z'))).toBe(60);
    expect(utcOffsetMinutes(new Date('2026-07-15T12:00:00Z'))).toBe(120);
    expect(instantAt('2026-01-15', '08:00').toISOString()).toBe('2026-01-15T07:00:00.000Z');
    expect(instantAt('2026-07-15', '08:00').toISOString()).toBe('2026-07-15T06:00:00.000Z');
  });

  it('spring forward (29 March 2026): a time in the gap moves forward by the gap, times around it are exact', () => {
    expect(instantAt('2026-03-29', '01:59').toISOString()).toBe('2026-03-29T00:59:00.000Z');
    expect(instantAt('2026-03-29', '02:30').toISOString()).toBe('2026-03-29T01:30:00.000Z'); // shown as 03:30 CEST
    expect(localTimeOf(instantAt('2026-03-29', '02:30'))).toBe('03:30');
    expect(instantAt('2026-03-29', '03:00').toISOString()).toBe('2026-03-29T01:00:00.000Z');
    expect(instantAt('2026-03-29', '08:00').toISOString()).toBe('2026-03-29T06:00:00.000Z');
  });

  it('fall back (25 October 2026): a time in the overlap is its first occurrence, times around it are exact', () => {
    expect(instantAt('2026-10-25', '01:30').toISOString()).toBe('2026-10-24T23:30:00.000Z');
    expect(instantAt('2026-10-25', '02:30').toISOString()).toBe('2026-10-25T00:30:00.000Z'); // 02:30 CEST, not CET
    expect(instantAt('2026-10-25', '03:00').toISOString()).toBe('2026-10-25T02:00:00.000Z');
    expect(instantAt('2026-10-25', '08:00').toISOString()).toBe('2026-10-25T07:00:00.000Z');
  });

  it('reads the local day and clock of an instant near midnight', () => {
    expect(localDateOf(new Date('2026-07-14T22:30:00Z'))).toBe('2026-07-15');
    expect(localTimeOf(new Date('2026-07-14T22:30:00Z'))).toBe('00:30');
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(dayOfWeekOf('2026-03-29')).toBe('sun');
  });

  it('refuses what is not a date or a time', () => {
    expect(() => instantAt('2026-13-01', '08:00')).toThrow(/calendar day/);
    expect(() => instantAt('2026-02-30', '08:00')).toThrow(/calendar day/);
    expect(() => instantAt('26-01-01', '08:00')).toThrow(/YYYY-MM-DD/);
    expect(() => instantAt('2026-01-01', '24:00')).toThrow(/HH:MM/);
  });
});
