// Budget rules, without I/O: the month's effective budget, which threshold alert is due, what a
// valid increase request is, when a pending request is reminded or expires, and what an approver's
// thread reply means.
import { parseAmount } from '../domain/amounts.js';

/** alert levels, in percent of the month's effective budget */
export const THRESHOLDS = [50, 80, 100] as const;
export type Threshold = (typeof THRESHOLDS)[number];

export const MAX_REASON_CHARS = 500;

/**
 * The month's budget: the team's monthly budget plus the increases approved for that month.
 * null when the team has no budget and nothing was approved (no budget to measure against).
 */
export function effectiveBudget(baseUsd: number | null, approvedIncreasesUsd: number): number | null {
  if (baseUsd === null && approvedIncreasesUsd <= 0) return null;
  return round2((baseUsd ?? 0) + approvedIncreasesUsd);
}

/** share of the budget spent (0.5 = 50%); null without a positive budget */
export function budgetUsed(spentUsd: number, budgetUsd: number | null): number | null {
  if (budgetUsd === null || budgetUsd <= 0) return null;
  return spentUsd / budgetUsd;
}

/**
 * The threshold alert to send now, if any. Only the highest crossed level is sent, and a level
 * counts as done once it or any higher level was alerted this month: a team that jumps from 40% to
 * 110% in one batch gets the 100% alert only, and the 50% and 80% alerts never follow later.
 */
export function thresholdToAlert(
  spentUsd: number,
  budgetUsd: number | null,
  alerted: readonly number[],
): Threshold | undefined {
  const used = budgetUsed(spentUsd, budgetUsd);
  if (used === null) return undefined;
  const highestAlerted = alerted.reduce((m, p) => Math.max(m, p), 0);
  let due: Threshold | undefined;
  for (const p of THRESHOLDS) {
    // compare in cents so that $80.00 of $100.00 counts as 80%
    if (Math.round(spentUsd * 100) * 100 >= Math.round(budgetUsd! * 100) * p && p > highestAlerted) due = p;
  }
  return due;
}

export interface RequestInput {
  amountUsd: number | undefined;
  reason: string | undefined;
}

export interface RequestIssues {
  amount?: string;
  reason?: string;
}

export type RequestValidation =
  | { ok: true; amountUsd: number; reason: string }
  | { ok: false; issues: RequestIssues };

export function validateAmount(amountUsd: number | undefined, maxUsd: number): string | undefined {
  if (amountUsd === undefined || !Number.isFinite(amountUsd)) return 'Give an amount in dollars, such as 500, $500 or 1.5k.';
  if (amountUsd <= 0) return 'The amount must be more than $0.';
  if (amountUsd > maxUsd) return `The amount must be at most $${formatPlain(maxUsd)} (BUDGET_MAX_REQUEST_USD).`;
  return undefined;
}

/** amount > 0 and ≤ the cap; a reason is required and at most 500 characters */
export function validateRequest(input: RequestInput, maxUsd: number): RequestValidation {
  const issues: RequestIssues = {};
  const amountIssue = validateAmount(input.amountUsd, maxUsd);
  if (amountIssue) issues.amount = amountIssue;
  const reason = (input.reason ?? '').replace(/\s+/g, ' ').trim();
  if (!reason) issues.reason = 'Say why the team needs more: a reason is required.';
  else if (reason.length > MAX_REASON_CHARS) issues.reason = `Keep the reason under ${MAX_REASON_CHARS} characters (it has ${reason.length}).`;
  if (issues.amount || issues.reason) return { ok: false, issues };
  return { ok: true, amountUsd: round2(input.amountUsd!), reason };
}

export interface PendingTimes {
  created_at: number;
  reminded_at: number | null;
}

export interface LifecycleSettings {
  reminderHours: number;
  expiryDays: number;
}

export function expiresAt(r: Pick<PendingTimes, 'created_at'>, s: LifecycleSettings): number {
  return r.created_at + s.expiryDays * 86_400_000;
}

/** what a pending request needs now: expiry wins over a reminder that is due at the same time */
export function lifecycleDue(r: PendingTimes, now: number, s: LifecycleSettings): 'expire' | 'remind' | undefined {
  if (now >= expiresAt(r, s)) return 'expire';
  if (r.reminded_at === null && now >= r.created_at + s.reminderHours * 3_600_000) return 'remind';
  return undefined;
}

export type ThreadReply =
  | { kind: 'approve'; amountUsd?: number; note?: string }
  | { kind: 'deny'; reason: string }
  | { kind: 'invalid'; message: string };

/**
 * An approver's reply in a request's thread: `approve`, `approve 300`, `approve $1.5k for the
 * migration`, `deny <reason>`. Leading mentions (of the bot) are ignored. Anything else is ordinary
 * conversation and yields undefined.
 */
export function parseThreadReply(text: string, maxUsd: number): ThreadReply | undefined {
  const t = text
    .replace(/^(\s*<@[A-Z0-9]+(?:\|[^>]*)?>[\s,:]*)+/, '')
    .replace(/\s+/g, ' ')
    .trim();
  const m = /^(approve|approved|deny|denied)\b[.!:,]?\s*(.*)$/i.exec(t);
  if (!m) return undefined;
  const verb = m[1]!.toLowerCase();
  const rest = m[2]!.trim();
  if (verb.startsWith('deny') || verb === 'denied') {
    if (!rest) return { kind: 'invalid', message: 'To deny, give a reason: `deny <reason>`.' };
    if (rest.length > MAX_REASON_CHARS) {
      return { kind: 'invalid', message: `Keep the reason under ${MAX_REASON_CHARS} characters.` };
    }
    return { kind: 'deny', reason: rest };
  }
  if (!rest) return { kind: 'approve' };
  const [first = '', ...more] = rest.split(' ');
  const amount = parseAmount(first.replace(/[.,!]$/, ''));
  if (amount === undefined) {
    // a number we cannot read must not silently approve the full amount
    if (/^[-+$.0-9]/.test(first)) {
      return { kind: 'invalid', message: `I couldn't read "${first.slice(0, 20)}" as an amount. Try \`approve 300\` or \`approve $1.5k\`.` };
    }
    return { kind: 'approve', note: rest.slice(0, MAX_REASON_CHARS) };
  }
  const issue = validateAmount(amount, maxUsd);
  if (issue) return { kind: 'invalid', message: issue };
  const note = more.join(' ').trim();
  return note ? { kind: 'approve', amountUsd: amount, note: note.slice(0, MAX_REASON_CHARS) } : { kind: 'approve', amountUsd: amount };
}

/** '2026-11' shifted by n months */
export function shiftMonth(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number);
  const idx = y! * 12 + (m! - 1) + n;
  return `${Math.floor(idx / 12)}-${String((idx % 12) + 1).padStart(2, '0')}`;
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}

function formatPlain(v: number): string {
  return new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 }).format(v);
}
