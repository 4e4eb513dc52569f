// The one forecast rule (digest, `budget`, App Home, threshold alerts and approval requests):
// month-to-date spend plus the recent daily rate for the time left in the month. The rate comes from
// a trailing window of up to 7 local days, so on the 1st a month is forecast from last week's pace
// rather than a few hours' spend multiplied by thirty; it starts no earlier than the first day with
// any spend, so a new team's rate is not diluted by days before it existed. With less than a day of
// history there is no forecast: the answer says it is too early.

export const FORECAST_WINDOW_DAYS = 7;
export const MIN_FORECAST_HISTORY_MS = 86_400_000;

export interface ForecastInput {
  /** spend from the 1st of the month up to now */
  spentMtdUsd: number;
  /** spend over the trailing window (it may begin in the previous month) */
  recentUsd: number;
  /** length of the trailing window up to now */
  recentMs: number;
  /** from now to the end of the month */
  remainingMs: number;
}

export function forecastMonth(i: ForecastInput): number | null {
  if (!(i.recentMs >= MIN_FORECAST_HISTORY_MS)) return null;
  return i.spentMtdUsd + (i.recentUsd / i.recentMs) * Math.max(0, i.remainingMs);
}

/** the first local day of the trailing window: 7 days before today, or the first day with spend if later */
export function forecastWindowStart(today: string, firstSpendDay: string | null, addDays: (day: string, n: number) => string): string | null {
  if (firstSpendDay === null) return null;
  const from = addDays(today, -FORECAST_WINDOW_DAYS);
  return firstSpendDay > from ? firstSpendDay : from;
}
