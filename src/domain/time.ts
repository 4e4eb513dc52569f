// Calendar arithmetic in an IANA time zone, without a date library: local dates are computed with
// Intl, and a local midnight is turned back into an instant by solving for the zone's offset
// (which handles daylight-saving changes: a local week may be 167 or 169 hours long).

const dtfCache = new Map<string, Intl.DateTimeFormat>();

function dtf(tz: string): Intl.DateTimeFormat {
  let f = dtfCache.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    dtfCache.set(tz, f);
  }
  return f;
}

export interface LocalParts {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export function localParts(ms: number, tz: string): LocalParts {
  const out: Record<string, number> = {};
  for (const p of dtf(tz).formatToParts(new Date(ms))) {
    if (p.type !== 'literal') out[p.type] = Number(p.value);
  }
  return {
    year: out.year!,
    month: out.month!,
    day: out.day!,
    hour: out.hour! % 24,
    minute: out.minute!,
    second: out.second!,
  };
}

/** offset of the zone from UTC at instant `ms`, in ms (e.g. +3600000 for CET in winter) */
export function zoneOffsetMs(ms: number, tz: string): number {
  const p = localParts(ms, tz);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** the instant of local wall time y-m-d h:00 in `tz` (the earlier one if ambiguous, the next valid one if skipped) */
export function localTimeToInstant(year: number, month: number, day: number, tz: string, hour = 0): number {
  const guess = Date.UTC(year, month - 1, day, hour);
  let t = guess - zoneOffsetMs(guess, tz);
  // one refinement handles instants near an offset change
  t = guess - zoneOffsetMs(t, tz);
  return t;
}

const pad = (n: number) => String(n).padStart(2, '0');

// Hour-bucket cache: local day of an instant is the same for the whole UTC hour in whole-hour zones
const dayCache = new Map<string, string>();

/** local date YYYY-MM-DD of an instant */
export function localDay(ms: number, tz: string): string {
  if (tz === 'UTC') return new Date(ms).toISOString().slice(0, 10);
  const key = `${tz}|${Math.floor(ms / 3_600_000)}`;
  const cached = dayCache.get(key);
  if (cached !== undefined) return cached;
  const p = localParts(ms, tz);
  const d = `${p.year}-${pad(p.month)}-${pad(p.day)}`;
  const offset = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(ms / 1000) * 1000;
  // the whole UTC hour shares one local date only where the offset is whole hours
  if (offset % 3_600_000 === 0) {
    if (dayCache.size > 200_000) dayCache.clear();
    dayCache.set(key, d);
  }
  return d;
}

export function parseDay(day: string): { year: number; month: number; day: number } {
  const [y, m, d] = day.split('-').map(Number);
  return { year: y!, month: m!, day: d! };
}

/** YYYY-MM-DD plus n days (calendar arithmetic, no zone involved) */
export function addDays(day: string, n: number): string {
  const { year, month, day: d } = parseDay(day);
  return new Date(Date.UTC(year, month - 1, d + n)).toISOString().slice(0, 10);
}

/** 0 = Monday … 6 = Sunday */
export function weekdayOf(day: string): number {
  const { year, month, day: d } = parseDay(day);
  return (new Date(Date.UTC(year, month - 1, d)).getUTCDay() + 6) % 7;
}

// Local midnights are asked for again and again (every ingest batch's reconciliation, every period
// of every query) and each costs two Intl lookups: remember them (pure, so safe to cache).
const midnightCache = new Map<string, number>();

export function dayStartInstant(day: string, tz: string): number {
  const key = `${tz}|${day}`;
  const hit = midnightCache.get(key);
  if (hit !== undefined) return hit;
  const { year, month, day: d } = parseDay(day);
  const t = localTimeToInstant(year, month, d, tz);
  if (midnightCache.size > 50_000) midnightCache.clear();
  midnightCache.set(key, t);
  return t;
}

/** Monday (local) of the week that contains `ms` */
export function weekStartDay(ms: number, tz: string): string {
  const day = localDay(ms, tz);
  return addDays(day, -weekdayOf(day));
}

export interface Period {
  /** first local day, inclusive */
  from: string;
  /** day after the last, exclusive */
  to: string;
  /** instants of the local midnights */
  startMs: number;
  endMs: number;
}

export function periodOfDays(from: string, to: string, tz: string): Period {
  return { from, to, startMs: dayStartInstant(from, tz), endMs: dayStartInstant(to, tz) };
}

/** the whole local week (Mon–Sun) that contains `ms` */
export function weekOf(ms: number, tz: string): Period {
  const from = weekStartDay(ms, tz);
  return periodOfDays(from, addDays(from, 7), tz);
}

/** the week that ended most recently before `ms` (Monday's digest reports the week before) */
export function lastCompleteWeek(ms: number, tz: string): Period {
  const current = weekStartDay(ms, tz);
  const from = addDays(current, -7);
  return periodOfDays(from, current, tz);
}

export function shiftWeeks(p: Period, n: number, tz: string): Period {
  return periodOfDays(addDays(p.from, 7 * n), addDays(p.to, 7 * n), tz);
}

/** YYYY-MM of the local month containing `ms` */
export function monthKey(ms: number, tz: string): string {
  return localDay(ms, tz).slice(0, 7);
}

export function monthPeriod(month: string, tz: string): Period {
  const [y, m] = month.split('-').map(Number);
  const from = `${y}-${pad(m!)}-01`;
  const next = m === 12 ? `${y! + 1}-01-01` : `${y}-${pad(m! + 1)}-01`;
  return periodOfDays(from, next, tz);
}

export function daysBetween(from: string, to: string): number {
  const a = parseDay(from);
  const b = parseDay(to);
  return Math.round((Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / 86_400_000);
}
