import { describe, expect, it } from 'vitest';
import {
  budgetUsed,
  effectiveBudget,
  expiresAt,
  lifecycleDue,
  parseThreadReply,
  shiftMonth,
  thresholdToAlert,
  validateRequest,
} from '../../src/budgets/budget-policy.js';

const MAX = 10_000;

describe('effectiveBudget', () => {
  it('adds the month’s approved increases to the monthly budget', () => {
    expect(effectiveBudget(5000, 0)).toBe(5000);
    expect(effectiveBudget(5000, 750.5)).toBe(5750.5);
    expect(effectiveBudget(1000.1, 0.2)).toBe(1000.3);
  });
  it('is null with no budget and no increase; increases alone make a budget', () => {
    expect(effectiveBudget(null, 0)).toBeNull();
    expect(effectiveBudget(null, 300)).toBe(300);
  });
  it('budgetUsed is a share, null without a positive budget', () => {
    expect(budgetUsed(400, 1000)).toBe(0.4);
    expect(budgetUsed(400, null)).toBeNull();
    expect(budgetUsed(400, 0)).toBeNull();
  });
});

describe('thresholdToAlert', () => {
  it('alerts at exactly 50, 80 and 100%', () => {
    expect(thresholdToAlert(499.99, 1000, [])).toBeUndefined();
    expect(thresholdToAlert(500, 1000, [])).toBe(50);
    expect(thresholdToAlert(800, 1000, [50])).toBe(80);
    expect(thresholdToAlert(1000, 1000, [50, 80])).toBe(100);
  });
  it('counts 80.00 of 100.00 as 80% despite floating point', () => {
    expect(thresholdToAlert(0.1 + 0.7, 1, [50])).toBe(80);
  });
  it('never repeats a level', () => {
    expect(thresholdToAlert(600, 1000, [50])).toBeUndefined();
    expect(thresholdToAlert(1500, 1000, [50, 80, 100])).toBeUndefined();
  });
  it('sends only the highest crossed level, and a higher alert covers the lower ones', () => {
    expect(thresholdToAlert(1100, 1000, [])).toBe(100);
    // after the 100% alert, 50% and 80% never fire (e.g. once an increase lowers the share)
    expect(thresholdToAlert(850, 2000, [100])).toBeUndefined();
    expect(thresholdToAlert(1700, 2000, [100])).toBeUndefined();
    expect(thresholdToAlert(900, 1000, [])).toBe(80);
  });
  it('has nothing to say without a budget', () => {
    expect(thresholdToAlert(1e6, null, [])).toBeUndefined();
    expect(thresholdToAlert(10, 0, [])).toBeUndefined();
  });
});

describe('validateRequest', () => {
  it('accepts a positive amount within the cap and a reason, tidying whitespace', () => {
    expect(validateRequest({ amountUsd: 500, reason: '  finish   the migration ' }, MAX)).toEqual({
      ok: true,
      amountUsd: 500,
      reason: 'finish the migration',
    });
    expect(validateRequest({ amountUsd: MAX, reason: 'x' }, MAX).ok).toBe(true);
  });
  it('refuses zero, negative, missing and over-cap amounts with a field message', () => {
    const zero = validateRequest({ amountUsd: 0, reason: 'x' }, MAX);
    expect(zero).toEqual({ ok: false, issues: { amount: 'The amount must be more than $0.' } });
    expect(validateRequest({ amountUsd: -5, reason: 'x' }, MAX)).toMatchObject({ ok: false, issues: { amount: expect.any(String) } });
    expect(validateRequest({ amountUsd: undefined, reason: 'x' }, MAX)).toMatchObject({
      ok: false,
      issues: { amount: 'Give an amount in dollars, such as 500, $500 or 1.5k.' },
    });
    expect(validateRequest({ amountUsd: MAX + 0.01, reason: 'x' }, MAX)).toEqual({
      ok: false,
      issues: { amount: 'The amount must be at most $10,000 (BUDGET_MAX_REQUEST_USD).' },
    });
  });
  it('requires a reason of at most 500 characters, reporting both fields at once', () => {
    expect(validateRequest({ amountUsd: 0, reason: '   ' }, MAX)).toEqual({
      ok: false,
      issues: { amount: 'The amount must be more than $0.', reason: 'Say why the team needs more: a reason is required.' },
    });
    expect(validateRequest({ amountUsd: 1, reason: 'a'.repeat(500) }, MAX).ok).toBe(true);
    expect(validateRequest({ amountUsd: 1, reason: 'a'.repeat(501) }, MAX)).toEqual({
      ok: false,
      issues: { reason: 'Keep the reason under 500 characters (it has 501).' },
    });
  });
});

describe('lifecycleDue', () => {
  const s = { reminderHours: 24, expiryDays: 7 };
  const created = Date.parse('2026-11-02T09:00:00Z');
  it('reminds once after the reminder delay', () => {
    expect(lifecycleDue({ created_at: created, reminded_at: null }, created + 24 * 3_600_000 - 1, s)).toBeUndefined();
    expect(lifecycleDue({ created_at: created, reminded_at: null }, created + 24 * 3_600_000, s)).toBe('remind');
    expect(lifecycleDue({ created_at: created, reminded_at: created + 86_400_000 }, created + 3 * 86_400_000, s)).toBeUndefined();
  });
  it('expires after the expiry delay, even if the reminder never went out', () => {
    expect(expiresAt({ created_at: created }, s)).toBe(created + 7 * 86_400_000);
    expect(lifecycleDue({ created_at: created, reminded_at: null }, created + 7 * 86_400_000, s)).toBe('expire');
    expect(lifecycleDue({ created_at: created, reminded_at: 1 }, created + 7 * 86_400_000 - 1, s)).toBeUndefined();
  });
});

describe('parseThreadReply', () => {
  it('reads approve, approve with an amount, and a note', () => {
    expect(parseThreadReply('approve', MAX)).toEqual({ kind: 'approve' });
    expect(parseThreadReply('Approved!', MAX)).toEqual({ kind: 'approve' });
    expect(parseThreadReply('approve 300', MAX)).toEqual({ kind: 'approve', amountUsd: 300 });
    expect(parseThreadReply('approve $1.5k', MAX)).toEqual({ kind: 'approve', amountUsd: 1500 });
    expect(parseThreadReply('approve $1,200.50 for the rest of the sprint', MAX)).toEqual({
      kind: 'approve',
      amountUsd: 1200.5,
      note: 'for the rest of the sprint',
    });
    expect(parseThreadReply('approve, good call', MAX)).toEqual({ kind: 'approve', note: 'good call' });
  });
  it('ignores a leading mention of the bot', () => {
    expect(parseThreadReply('<@UBOT> approve 300', MAX)).toEqual({ kind: 'approve', amountUsd: 300 });
  });
  it('reads deny with a reason and insists on one', () => {
    expect(parseThreadReply('deny loops burned most of it', MAX)).toEqual({ kind: 'deny', reason: 'loops burned most of it' });
    expect(parseThreadReply('deny', MAX)).toEqual({ kind: 'invalid', message: 'To deny, give a reason: `deny <reason>`.' });
  });
  it('never approves the full amount when the amount is unreadable or out of range', () => {
    expect(parseThreadReply('approve -5', MAX)).toMatchObject({ kind: 'invalid' });
    expect(parseThreadReply('approve 3oo', MAX)).toMatchObject({ kind: 'invalid' });
    expect(parseThreadReply('approve 0', MAX)).toEqual({ kind: 'invalid', message: 'The amount must be more than $0.' });
    expect(parseThreadReply('approve 20k', MAX)).toMatchObject({ kind: 'invalid' });
  });
  it('leaves ordinary conversation alone', () => {
    expect(parseThreadReply('I would approve this if the loops were fixed', MAX)).toBeUndefined();
    expect(parseThreadReply('approvers, please look', MAX)).toBeUndefined();
    expect(parseThreadReply('', MAX)).toBeUndefined();
  });
});

describe('shiftMonth', () => {
  it('crosses year boundaries', () => {
    expect(shiftMonth('2026-11', -1)).toBe('2026-10');
    expect(shiftMonth('2026-01', -1)).toBe('2025-12');
    expect(shiftMonth('2026-12', 1)).toBe('2027-01');
    expect(shiftMonth('2026-03', -14)).toBe('2025-01');
  });
});
