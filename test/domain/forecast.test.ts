import { describe, expect, it } from 'vitest';
import { forecastMonth, forecastWindowStart } from '../../src/domain/forecast.js';
import { addDays } from '../../src/domain/time.js';

const H = 3_600_000;
const D = 24 * H;

describe('the one forecast rule', () => {
  it('on the 1st, a few hours in: last week’s pace, not the hours × 30', () => {
    // Nov 1, 06:00 UTC: $10 spent since midnight; Oct 25–31 spent $70 a day
    const from = forecastWindowStart('2026-11-01', '2026-09-01', addDays);
    expect(from).toBe('2026-10-25');
    const f = forecastMonth({ spentMtdUsd: 10, recentUsd: 7 * 70 + 10, recentMs: 7 * D + 6 * H, remainingMs: 30 * D - 6 * H });
    // $500 over 174 h = $2.8736/h, for the 714 h left, plus the $10 already spent
    expect(f).toBeCloseTo(10 + (500 / 174) * 714, 9);
    expect(Math.round(f!)).toBe(2062);
  });

  it('on the 2nd and the 3rd the window slides; the pace still comes from the last 7 days', () => {
    // Nov 2, 12:00: $10 on Nov 1, $40 so far on Nov 2; Oct 26–31 at $70 a day
    const f2 = forecastMonth({ spentMtdUsd: 50, recentUsd: 6 * 70 + 50, recentMs: 7 * D + 12 * H, remainingMs: 28 * D + 12 * H });
    expect(f2).toBeCloseTo(50 + (470 / 180) * 684, 9);
    // Nov 3, 00:30: $10 + $40 + $60 spent; window Oct 27 00:00 → now
    const f3 = forecastMonth({ spentMtdUsd: 110, recentUsd: 5 * 70 + 110, recentMs: 7 * D + 0.5 * H, remainingMs: 27 * D + 23.5 * H });
    expect(f3).toBeCloseTo(110 + (460 / 168.5) * 671.5, 9);
  });

  it('a team with less than a day of spend gets no forecast; its window starts at its first day', () => {
    expect(forecastWindowStart('2026-11-03', '2026-11-02', addDays)).toBe('2026-11-02');
    expect(forecastWindowStart('2026-11-03', null, addDays)).toBeNull();
    expect(forecastMonth({ spentMtdUsd: 80, recentUsd: 80, recentMs: 20 * H, remainingMs: 27 * D })).toBeNull();
    expect(forecastMonth({ spentMtdUsd: 80, recentUsd: 80, recentMs: 40 * H, remainingMs: 27 * D })).toBeCloseTo(80 + 2 * 27 * 24, 9);
  });
});
