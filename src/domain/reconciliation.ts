// Counting rules b and c (src/domain/counting.ts) as pure functions over one UTC day: which bill
// lines and which telemetry describe the same calls, what each group counts, and on which hours,
// hence which local days, the part of a bill that telemetry does not explain is placed.
import { dayStartInstant, localDay } from './time.js';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
export const HOURS = 24;

/** UTC date YYYY-MM-DD of an instant */
export function utcDayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** the instant a UTC day starts */
export function utcDayStart(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

export interface BillLine {
  /** the team the line's scope is mapped to; 0 when unmapped */
  team: number;
  /** the scope the line names (`workspace:wrkspc_…`, `project:proj_…`, `key:apikey_…`, or `default`) */
  scope: string;
  costUsd: number;
}

export type GroupRule = 'bill' | 'telemetry';

export interface ReconcileGroup {
  /** 0: the unmapped scopes, with the telemetry of every team the bill does not name */
  team: number;
  scopes: string[];
  billedUsd: number;
  /** what telemetry (and analytics adjustments) counted for these calls */
  observedUsd: number;
  /** max(bill, telemetry) */
  countedUsd: number;
  /** what the billing adjustment adds: countedUsd − observedUsd */
  gapUsd: number;
  /** which side decided the count */
  rule: GroupRule;
  /** teams whose telemetry was compared with this group (for the reconcile report) */
  observedTeams: number[];
  /** of the bill's excess over its own telemetry, what telemetry no bill line names explained */
  explainedByUnmatchedUsd: number;
}

/** max(0, billed − observed), with float dust below a millionth of a cent treated as zero */
export function shortfall(billed: number, observed: number): number {
  const g = billed - observed;
  return g > 1e-9 ? g : 0;
}

/**
 * One UTC day of one provider: bill lines grouped by mapped team, each group against the telemetry
 * of the same calls. A team's telemetry belongs with its own group when the day's bill names the
 * team, and otherwise with the unmapped lines (its calls were billed under a scope nobody mapped).
 * Telemetry that even the unmapped lines do not explain was billed under some scope whose telemetry
 * fell short (the admin key sees the whole organisation's bill): it explains those shortfalls, in
 * proportion to them, before any billing adjustment is added, so it is not counted twice.
 */
export function reconcileGroups(lines: readonly BillLine[], observedByTeam: ReadonlyMap<number, number>): ReconcileGroup[] {
  const groups = new Map<number, ReconcileGroup>();
  const group = (team: number) => {
    let g = groups.get(team);
    if (!g) {
      g = { team, scopes: [], billedUsd: 0, observedUsd: 0, countedUsd: 0, gapUsd: 0, rule: 'bill', observedTeams: [], explainedByUnmatchedUsd: 0 };
      groups.set(team, g);
    }
    return g;
  };
  for (const l of lines) {
    const g = group(l.team);
    g.billedUsd += l.costUsd;
    if (!g.scopes.includes(l.scope)) g.scopes.push(l.scope);
  }
  // the unmapped group exists whenever a bill does, so telemetry always has somewhere to go
  group(0);
  for (const [team, cost] of observedByTeam) {
    const g = team !== 0 && groups.has(team) ? groups.get(team)! : groups.get(0)!;
    g.observedUsd += cost;
    if (!g.observedTeams.includes(team)) g.observedTeams.push(team);
  }
  const out = [...groups.values()].filter((g) => g.billedUsd !== 0 || g.observedUsd !== 0);
  for (const g of out) {
    g.gapUsd = shortfall(g.billedUsd, g.observedUsd);
    g.scopes.sort();
    g.observedTeams.sort((a, b) => a - b);
  }
  const unmatched = groups.get(0)!;
  const leftover = shortfall(unmatched.observedUsd, unmatched.billedUsd);
  const shortfalls = out.reduce((s, g) => s + (g.team === 0 ? 0 : g.gapUsd), 0);
  if (leftover > 0 && shortfalls > 0) {
    const used = Math.min(leftover, shortfalls);
    for (const g of out) {
      if (g.team === 0 || g.gapUsd === 0) continue;
      g.explainedByUnmatchedUsd = (used * g.gapUsd) / shortfalls;
      g.gapUsd = shortfall(g.gapUsd, g.explainedByUnmatchedUsd);
    }
  }
  for (const g of out) {
    g.countedUsd = g.observedUsd + g.gapUsd;
    g.rule = g.gapUsd > 0 ? 'bill' : 'telemetry';
  }
  return out.sort((a, b) => a.team - b.team);
}

/**
 * Spreads a group's gap over the 24 hours of its UTC day: onto the hours where the bill exceeds
 * what telemetry saw (the unexplained calls happened then), else in proportion to the bill's own
 * hours, else evenly when the bill gives no hours (a daily cost report without a usage report).
 * The parts always sum to the gap.
 */
export function spreadOverHours(gap: number, billHours: readonly number[], observedHours: readonly number[]): number[] {
  const out = new Array<number>(HOURS).fill(0);
  if (gap <= 0) return out;
  const billTotal = billHours.reduce((s, v) => s + v, 0);
  let weights = billHours.map((b, h) => shortfall(b, observedHours[h] ?? 0));
  let total = weights.reduce((s, v) => s + v, 0);
  if (total <= 0 && billTotal > 0) {
    weights = [...billHours];
    total = billTotal;
  }
  if (total <= 0) {
    weights = new Array<number>(HOURS).fill(1);
    total = HOURS;
  }
  for (let h = 0; h < HOURS; h++) out[h] = (gap * weights[h]!) / total;
  return out;
}

export interface LocalShare {
  /** local day in the configured zone */
  day: string;
  amount: number;
  /** the first instant of the UTC day that falls on this local day (the row's timestamp) */
  ts: number;
}

/**
 * Places per-hour amounts of a UTC day on local days. An hour that straddles a local midnight (zones
 * with a :30 or :45 offset) is split by the minutes on each side.
 */
export function localDayShares(utcDay: string, hourAmounts: readonly number[], tz: string): LocalShare[] {
  const start = utcDayStart(utcDay);
  const shares = new Map<string, LocalShare>();
  const add = (day: string, amount: number, ts: number) => {
    const s = shares.get(day);
    if (s) {
      s.amount += amount;
      if (ts < s.ts) s.ts = ts;
    } else shares.set(day, { day, amount, ts });
  };
  for (let h = 0; h < HOURS; h++) {
    const amount = hourAmounts[h] ?? 0;
    if (amount === 0) continue;
    const from = start + h * HOUR_MS;
    const to = from + HOUR_MS;
    const first = localDay(from, tz);
    const last = localDay(to - 1, tz);
    if (first === last) {
      add(first, amount, from);
      continue;
    }
    const midnight = dayStartInstant(last, tz);
    const before = (midnight - from) / HOUR_MS;
    add(first, amount * before, from);
    add(last, amount * (1 - before), midnight);
  }
  return [...shares.values()].sort((a, b) => (a.day < b.day ? -1 : 1));
}
