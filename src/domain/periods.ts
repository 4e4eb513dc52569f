// The periods answers cover, in local days of AISPEND_TIMEZONE: the last 7 days, the month to date
// and the current sprint, each with the period it is compared with; and the words people type for them.
import { addDays, daysBetween, localDay, periodOfDays, type Period } from './time.js';

export type PeriodKind = 'week' | 'month' | 'sprint';
export const PERIOD_KINDS: readonly PeriodKind[] = ['week', 'month', 'sprint'];
export const PERIOD_ALIASES: Readonly<Record<string, PeriodKind>> = { weekly: 'week', '7d': 'week', monthly: 'month', mtd: 'month', cycle: 'sprint' };

export interface PeriodPair {
  kind: PeriodKind;
  current: Period;
  previous: Period;
  /** the current period is still running (today included) */
  toDate: boolean;
  /** sprint or cycle names, when kind = 'sprint' */
  currentName?: string;
  previousName?: string;
}

/** The last 7 local days (today included) and the 7 days before them. */
export function weekPeriods(now: number, tz: string): PeriodPair {
  const tomorrow = addDays(localDay(now, tz), 1);
  return {
    kind: 'week',
    current: periodOfDays(addDays(tomorrow, -7), tomorrow, tz),
    previous: periodOfDays(addDays(tomorrow, -14), addDays(tomorrow, -7), tz),
    toDate: true,
  };
}

/** Month to date (today included) and the same number of days at the start of last month (cut at its end). */
export function monthPeriods(now: number, tz: string): PeriodPair {
  const today = localDay(now, tz);
  const first = `${today.slice(0, 7)}-01`;
  const tomorrow = addDays(today, 1);
  const days = daysBetween(first, tomorrow);
  const prevFirst = `${addDays(first, -1).slice(0, 7)}-01`;
  const prevEnd = addDays(prevFirst, days) < first ? addDays(prevFirst, days) : first;
  return {
    kind: 'month',
    current: periodOfDays(first, tomorrow, tz),
    previous: periodOfDays(prevFirst, prevEnd, tz),
    toDate: true,
  };
}

export interface SprintLike {
  name: string | null;
  startsAt: number;
  endsAt: number | null;
  completedAt: number | null;
}

/** local days [from, to) a sprint covers; one still running ends today */
function sprintDays(s: SprintLike, nextStart: number | undefined, now: number, tz: string) {
  const end = s.completedAt ?? s.endsAt ?? nextStart ?? null;
  const from = localDay(s.startsAt, tz);
  const running = end === null || end > now;
  const to = running ? addDays(localDay(now, tz), 1) : addDays(localDay(Math.max(s.startsAt, end - 1), tz), 1);
  return { from, to, running };
}

/**
 * The current (or last) sprint and the one before it. While the current sprint runs, it is compared
 * with the same number of days at the start of the previous one, as month to date is.
 * Returns undefined when the team has no started sprint.
 */
export function sprintPeriods(current: SprintLike | undefined, previous: SprintLike | undefined, now: number, tz: string): PeriodPair | undefined {
  if (!current) return undefined;
  const cur = sprintDays(current, undefined, now, tz);
  let prevFrom: string;
  let prevTo: string;
  if (previous) {
    const p = sprintDays(previous, current.startsAt, now, tz);
    prevFrom = p.from;
    prevTo = p.to <= cur.from ? p.to : cur.from;
    if (cur.running) {
      const clipped = addDays(prevFrom, daysBetween(cur.from, cur.to));
      if (clipped < prevTo) prevTo = clipped;
    }
  } else {
    // no earlier sprint: compare with the same number of days just before this one
    prevTo = cur.from;
    prevFrom = addDays(cur.from, -daysBetween(cur.from, cur.to));
  }
  return {
    kind: 'sprint',
    current: periodOfDays(cur.from, cur.to, tz),
    previous: periodOfDays(prevFrom, prevTo, tz),
    toDate: cur.running,
    currentName: current.name ?? undefined,
    previousName: previous?.name ?? undefined,
  };
}

/** n windows of 7 local days, oldest first, the last ending today (included) */
export function trendWindows(now: number, tz: string, n = 8): Period[] {
  const tomorrow = addDays(localDay(now, tz), 1);
  const out: Period[] = [];
  for (let k = n - 1; k >= 0; k--) {
    out.push(periodOfDays(addDays(tomorrow, -7 * (k + 1)), addDays(tomorrow, -7 * k), tz));
  }
  return out;
}
