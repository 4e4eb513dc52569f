import { describe, expect, it } from 'vitest';
import {
  addDays,
  dayStartInstant,
  lastCompleteWeek,
  localDay,
  monthKey,
  monthPeriod,
  weekOf,
  weekdayOf,
} from '../../src/domain/time.js';

describe('time in a zone', () => {
  it('gives the local date of an instant', () => {
    // 23:30 UTC on Sunday is already Monday in Berlin
    expect(localDay(Date.parse('2026-11-22T23:30:00Z'), 'Europe/Berlin')).toBe('2026-11-23');
    expect(localDay(Date.parse('2026-11-22T23:30:00Z'), 'UTC')).toBe('2026-11-22');
    expect(localDay(Date.parse('2026-11-23T03:00:00Z'), 'America/Los_Angeles')).toBe('2026-11-22');
    // a half-hour zone is not cached per UTC hour wrongly
    expect(localDay(Date.parse('2026-11-22T18:20:00Z'), 'Asia/Kolkata')).toBe('2026-11-22');
    expect(localDay(Date.parse('2026-11-22T18:40:00Z'), 'Asia/Kolkata')).toBe('2026-11-23');
  });

  it('finds local midnight across a daylight-saving change', () => {
    expect(new Date(dayStartInstant('2026-10-25', 'Europe/Berlin')).toISOString()).toBe('2026-10-24T22:00:00.000Z');
    expect(new Date(dayStartInstant('2026-10-26', 'Europe/Berlin')).toISOString()).toBe('2026-10-25T23:00:00.000Z');
    expect(new Date(dayStartInstant('2026-03-29', 'Europe/Berlin')).toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(new Date(dayStartInstant('2026-03-30', 'Europe/Berlin')).toISOString()).toBe('2026-03-29T22:00:00.000Z');
  });

  it('makes a week of 169 hours when clocks go back', () => {
    const w = weekOf(Date.parse('2026-10-25T12:00:00Z'), 'Europe/Berlin');
    expect(w.from).toBe('2026-10-19');
    expect(w.to).toBe('2026-10-26');
    expect((w.endMs - w.startMs) / 3_600_000).toBe(169);
  });

  it('reports the last complete week on a Monday morning', () => {
    const w = lastCompleteWeek(Date.parse('2026-11-23T08:00:00Z'), 'Europe/Berlin');
    expect(w.from).toBe('2026-11-16');
    expect(w.to).toBe('2026-11-23');
    expect(new Date(w.endMs).toISOString()).toBe('2026-11-22T23:00:00.000Z');
  });

  it('does calendar arithmetic on days and months', () => {
    expect(addDays('2026-12-30', 3)).toBe('2027-01-02');
    expect(weekdayOf('2026-11-23')).toBe(0);
    expect(weekdayOf('2026-11-29')).toBe(6);
    expect(monthKey(Date.parse('2026-11-30T23:30:00Z'), 'Europe/Berlin')).toBe('2026-12');
    const dec = monthPeriod('2026-12', 'UTC');
    expect([dec.from, dec.to]).toEqual(['2026-12-01', '2027-01-01']);
  });
});
