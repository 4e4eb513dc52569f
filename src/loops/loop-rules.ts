// Loop detection: pure rules over one agent session (no I/O; time is a parameter), the policy that
// turns rule results into alerts (raise once, escalate only when worse, respect acknowledge/snooze/
// expected), and the thresholds suggestion for the admin report.

import type { AlertStatus, LoopRule, LoopSession } from '../db/repos/loop-repo.js';

export type { AlertStatus, LoopRule };
export const LOOP_RULES: readonly LoopRule[] = ['no_commit_burn', 'repeating_failure', 'burn_without_change'];

export const RULE_LABELS: Record<LoopRule, string> = {
  no_commit_burn: 'No-commit burn',
  repeating_failure: 'Repeating failure',
  burn_without_change: 'Burn without change',
};

export function isLoopRule(s: string): s is LoopRule {
  return (LOOP_RULES as readonly string[]).includes(s);
}

/** What the rules need of an agent_sessions row. */
export interface SessionSnapshot {
  startedAt: number;
  lastActivityAt: number;
  costUsd: number;
  lastCommitAt: number | null;
  costAtLastCommit: number;
  linesAdded: number;
  linesRemoved: number;
  /** lines_added + lines_removed when the last commit was recorded */
  linesAtLastCommit: number;
}

/** the columns of an agent_sessions row the rules read */
export type SessionSnapshotRow = Pick<
  LoopSession,
  'started_at' | 'last_activity_at' | 'cost_usd' | 'last_commit_at' | 'cost_at_last_commit' | 'lines_added' | 'lines_removed' | 'lines_at_last_commit'
>;

export function snapshotOf(s: SessionSnapshotRow): SessionSnapshot {
  return {
    startedAt: s.started_at,
    lastActivityAt: s.last_activity_at,
    costUsd: s.cost_usd,
    lastCommitAt: s.last_commit_at,
    costAtLastCommit: s.cost_at_last_commit,
    linesAdded: s.lines_added,
    linesRemoved: s.lines_removed,
    linesAtLastCommit: s.lines_at_last_commit,
  };
}

export interface LoopThresholds {
  minCostUsd: number;
  minMinutes: number;
  /** how many failures in a row of the same tool with the same error make a loop */
  repeatFailures: number;
}

export interface ToolResultSample {
  ts: number;
  toolName: string;
  success: boolean;
  /** short hash of the normalized error text (null when the tool reported none) */
  errorSig: string | null;
}

export interface RuleResult {
  rule: LoopRule;
  fired: boolean;
  /** one sentence saying why it fired, or why not */
  reason: string;
  costSinceCommit: number;
  minutesSinceCommit: number;
}

export interface RuleInput {
  session: SessionSnapshot;
  thresholds: LoopThresholds;
  /** the session's most recent tool results, newest first */
  toolResults: ToolResultSample[];
  now: number;
}

export interface Streak {
  /** the last commit, or the start when there was none */
  since: number;
  costSinceCommit: number;
  /** minutes from `since` to the session's latest activity (capped at now) */
  minutesSinceCommit: number;
  linesSinceCommit: number;
}

// Floating sums of many small costs drift (9.999999…): compare at a micro-dollar.
const micro = (x: number) => Math.round(x * 1e6) / 1e6;

const money = (v: number) => `$${v.toFixed(2)}`;
const mins = (v: number) => `${Math.floor(v)} min`;

/**
 * The current no-commit streak. Time runs to the session's latest activity rather than to now, so a
 * session that stopped working is not blamed for the time it sat idle before being closed.
 */
export function streakOf(s: SessionSnapshot, now: number): Streak {
  const since = s.lastCommitAt ?? s.startedAt;
  const end = Math.min(now, Math.max(s.lastActivityAt, since));
  return {
    since,
    costSinceCommit: Math.max(0, micro(s.costUsd - s.costAtLastCommit)),
    minutesSinceCommit: Math.max(0, (end - since) / 60_000),
    linesSinceCommit: Math.max(0, s.linesAdded + s.linesRemoved - s.linesAtLastCommit),
  };
}

function sinceWords(s: SessionSnapshot): string {
  return s.lastCommitAt === null ? 'since the session started' : 'since its last commit';
}

/** Cost since the last commit (or the start) ≥ the cost threshold, over at least the minutes threshold. */
export function noCommitBurn(input: RuleInput): RuleResult {
  const { session, thresholds: t, now } = input;
  const k = streakOf(session, now);
  const base = { rule: 'no_commit_burn' as const, costSinceCommit: k.costSinceCommit, minutesSinceCommit: k.minutesSinceCommit };
  const where = sinceWords(session);
  if (k.costSinceCommit < t.minCostUsd) {
    return { ...base, fired: false, reason: `${money(k.costSinceCommit)} spent ${where}, under the ${money(t.minCostUsd)} threshold.` };
  }
  if (k.minutesSinceCommit < t.minMinutes) {
    return {
      ...base,
      fired: false,
      reason: `${money(k.costSinceCommit)} spent ${where}, but over only ${mins(k.minutesSinceCommit)} (threshold ${mins(t.minMinutes)}).`,
    };
  }
  return {
    ...base,
    fired: true,
    reason: `${money(k.costSinceCommit)} spent over ${mins(k.minutesSinceCommit)} ${where} with no commit (thresholds ${money(t.minCostUsd)} and ${mins(t.minMinutes)}).`,
  };
}

/** The last N tool results are all failures of the same tool with the same error. */
export function repeatingFailure(input: RuleInput): RuleResult {
  const { session, thresholds: t, toolResults, now } = input;
  const k = streakOf(session, now);
  const base = { rule: 'repeating_failure' as const, costSinceCommit: k.costSinceCommit, minutesSinceCommit: k.minutesSinceCommit };
  const n = t.repeatFailures;
  const last = toolResults.slice(0, n);
  if (last.length < n) {
    return { ...base, fired: false, reason: `Only ${last.length} tool result(s) so far; ${n} failures in a row make a loop.` };
  }
  const first = last[0]!;
  const same = last.every((r) => !r.success && r.toolName === first.toolName && r.errorSig === first.errorSig);
  if (!same) {
    const streak = countSameFailures(toolResults);
    return { ...base, fired: false, reason: `The latest ${streak} tool result(s) are the same failure; ${n} in a row make a loop.` };
  }
  // errorSig is a hash of the error text: compared, never shown
  const what = first.errorSig ? 'the same error' : 'no error reported';
  return { ...base, fired: true, reason: `${first.toolName} failed ${n} times in a row (${what}).` };
}

function countSameFailures(results: ToolResultSample[]): number {
  const first = results[0];
  if (!first || first.success) return 0;
  let i = 0;
  while (i < results.length) {
    const r = results[i]!;
    if (r.success || r.toolName !== first.toolName || r.errorSig !== first.errorSig) break;
    i++;
  }
  return i;
}

/** Cost since the last commit ≥ the cost threshold with zero lines changed, over at least the minutes window. */
export function burnWithoutChange(input: RuleInput): RuleResult {
  const { session, thresholds: t, now } = input;
  const k = streakOf(session, now);
  const base = { rule: 'burn_without_change' as const, costSinceCommit: k.costSinceCommit, minutesSinceCommit: k.minutesSinceCommit };
  const where = sinceWords(session);
  if (k.linesSinceCommit > 0) {
    return { ...base, fired: false, reason: `${k.linesSinceCommit} line(s) of code changed ${where}.` };
  }
  if (k.costSinceCommit < t.minCostUsd) {
    return { ...base, fired: false, reason: `No lines changed ${where}, but only ${money(k.costSinceCommit)} spent (threshold ${money(t.minCostUsd)}).` };
  }
  if (k.minutesSinceCommit < t.minMinutes) {
    return {
      ...base,
      fired: false,
      reason: `No lines changed ${where}, but over only ${mins(k.minutesSinceCommit)} (threshold ${mins(t.minMinutes)}).`,
    };
  }
  return {
    ...base,
    fired: true,
    reason: `${money(k.costSinceCommit)} spent over ${mins(k.minutesSinceCommit)} ${where} without changing a single line of code.`,
  };
}

export function evaluateLoopRules(input: RuleInput): RuleResult[] {
  return [noCommitBurn(input), repeatingFailure(input), burnWithoutChange(input)];
}

// ---------------------------------------------------------------------------------------------
// Alert policy


export interface ExistingAlert {
  id: number;
  rule: LoopRule;
  status: AlertStatus;
  level: number;
  /** cost since the last commit when the latest level was sent */
  costAtAlert: number;
  nextAlertCost: number;
  snoozedUntil: number | null;
  /** when the latest level was sent (presses do not move it) */
  updatedAt: number;
}

export type AlertAction =
  | { kind: 'raise'; rule: LoopRule; result: RuleResult; nextAlertCost: number }
  | {
      kind: 'escalate';
      alertId: number;
      rule: LoopRule;
      result: RuleResult;
      level: number;
      nextAlertCost: number;
      previousCost: number;
      why: 'worse' | 'snooze_ended';
    }
  /** a commit landed after the alert was sent: refresh its message to show the streak reset */
  | { kind: 'commit_reset'; alertId: number; rule: LoopRule; commitAt: number };

export interface PlanInput {
  /** agent_sessions.expected: someone marked it a long task; nothing more is raised */
  expected: boolean;
  results: RuleResult[];
  alerts: ExistingAlert[];
  lastCommitAt: number | null;
  now: number;
  minCostUsd: number;
  escalationFactor: number;
}

/** The next alert is due when the cost since the last commit reaches this (never below a threshold step). */
export function nextAlertCost(costSinceCommit: number, minCostUsd: number, factor: number): number {
  return micro(Math.max(costSinceCommit, minCostUsd) * factor);
}

/**
 * What to send for one session. One alert per session per rule. Burn without change is the precise
 * form of no-commit burn (same streak, zero lines): the two share one alert, so a session is not
 * told twice about the same burn; its escalations follow whichever of the two still holds.
 * Repeating failure is independent.
 */
export function planLoopAlerts(p: PlanInput): AlertAction[] {
  if (p.expected) return [];
  const actions: AlertAction[] = [];
  const result = (rule: LoopRule) => p.results.find((r) => r.rule === rule);
  const alertOf = (rule: LoopRule) => p.alerts.find((a) => a.rule === rule);
  const escalating = new Set<number>();

  const consider = (existing: ExistingAlert | undefined, rule: LoopRule, fired: RuleResult | undefined) => {
    if (!fired) return;
    if (!existing) {
      actions.push({ kind: 'raise', rule, result: fired, nextAlertCost: nextAlertCost(fired.costSinceCommit, p.minCostUsd, p.escalationFactor) });
      return;
    }
    const snoozeEnded = existing.status === 'snoozed' && (existing.snoozedUntil ?? 0) <= p.now;
    const worse = existing.status === 'open' && fired.costSinceCommit >= existing.nextAlertCost;
    if (!snoozeEnded && !worse) return;
    escalating.add(existing.id);
    actions.push({
      kind: 'escalate',
      alertId: existing.id,
      rule: existing.rule,
      result: fired,
      level: existing.level + 1,
      nextAlertCost: nextAlertCost(fired.costSinceCommit, p.minCostUsd, p.escalationFactor),
      previousCost: existing.costAtAlert,
      why: worse ? 'worse' : 'snooze_ended',
    });
  };

  const firedOf = (rule: LoopRule) => {
    const r = result(rule);
    return r?.fired ? r : undefined;
  };

  consider(alertOf('repeating_failure'), 'repeating_failure', firedOf('repeating_failure'));

  const burnOwner = alertOf('burn_without_change') ?? alertOf('no_commit_burn');
  if (burnOwner) {
    const own = firedOf(burnOwner.rule);
    const other = firedOf(burnOwner.rule === 'burn_without_change' ? 'no_commit_burn' : 'burn_without_change');
    consider(burnOwner, burnOwner.rule, own ?? other);
  } else {
    const bwc = firedOf('burn_without_change');
    if (bwc) consider(undefined, 'burn_without_change', bwc);
    else consider(undefined, 'no_commit_burn', firedOf('no_commit_burn'));
  }

  for (const a of p.alerts) {
    if (escalating.has(a.id)) continue;
    if (a.status !== 'open' && a.status !== 'snoozed') continue;
    if (p.lastCommitAt !== null && p.lastCommitAt > a.updatedAt) {
      actions.push({ kind: 'commit_reset', alertId: a.id, rule: a.rule, commitAt: p.lastCommitAt });
    }
  }
  return actions;
}

// ---------------------------------------------------------------------------------------------
// Thresholds report

export interface ExpectedSample {
  costUsd: number;
  minutes: number;
}

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[idx]!;
}

export function median(values: number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export interface ThresholdSuggestion {
  costUsd: number;
  minutes: number;
  /** why, in one sentence */
  basis: string;
}

/**
 * When long tasks keep being marked expected (at least 3 sessions, and at least a third of the alerted
 * sessions), suggest
 * thresholds above most of them: the 75th percentile of their cost (rounded up to $5) and duration
 * (rounded up to 15 min), never below the current thresholds. Otherwise no suggestion.
 */
export function suggestThresholds(
  current: { minCostUsd: number; minMinutes: number },
  alertedSessions: number,
  expected: ExpectedSample[],
): ThresholdSuggestion | undefined {
  if (expected.length < 3 || expected.length * 3 < alertedSessions) return undefined;
  const costs = expected.map((e) => e.costUsd).sort((a, b) => a - b);
  const minutes = expected.map((e) => e.minutes).sort((a, b) => a - b);
  const cost = Math.max(current.minCostUsd, Math.ceil(percentile(costs, 0.75) / 5) * 5);
  const min = Math.max(current.minMinutes, Math.ceil(percentile(minutes, 0.75) / 15) * 15);
  if (cost === current.minCostUsd && min === current.minMinutes) return undefined;
  return {
    costUsd: cost,
    minutes: min,
    basis: `${expected.length} of ${alertedSessions} alerted sessions were long tasks marked expected; these are the 75th percentile of their cost and duration, rounded up.`,
  };
}
