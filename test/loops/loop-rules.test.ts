import { describe, expect, it } from 'vitest';
import {
  burnWithoutChange,
  evaluateLoopRules,
  nextAlertCost,
  noCommitBurn,
  planLoopAlerts,
  repeatingFailure,
  streakOf,
  suggestThresholds,
  type ExistingAlert,
  type LoopThresholds,
  type SessionSnapshot,
  type ToolResultSample,
} from '../../src/loops/loop-rules.js';

const T0 = Date.parse('2026-11-23T09:00:00Z');
const MIN = 60_000;
const thresholds: LoopThresholds = { minCostUsd: 10, minMinutes: 30, repeatFailures: 5 };

/** A scripted session: the clock moves, the agent spends, changes lines, runs tools and commits. */
function timeline() {
  let now = T0;
  const s: SessionSnapshot = {
    startedAt: T0,
    lastActivityAt: T0,
    costUsd: 0,
    lastCommitAt: null,
    costAtLastCommit: 0,
    linesAdded: 0,
    linesRemoved: 0,
    linesAtLastCommit: 0,
  };
  const tools: ToolResultSample[] = [];
  const api = {
    s,
    get now() {
      return now;
    },
    /** `min` minutes pass while the agent works, spending `usd` */
    work(min: number, usd: number, lines = 0) {
      now += min * MIN;
      s.lastActivityAt = now;
      s.costUsd += usd;
      s.linesAdded += lines;
      return api;
    },
    /** `min` minutes pass with no activity */
    idle(min: number) {
      now += min * MIN;
      return api;
    },
    commit() {
      s.lastCommitAt = now;
      s.costAtLastCommit = s.costUsd;
      s.linesAtLastCommit = s.linesAdded + s.linesRemoved;
      return api;
    },
    tool(toolName: string, success: boolean, errorSig: string | null = success ? null : 'sig-a') {
      tools.unshift({ ts: now, toolName, success, errorSig });
      return api;
    },
    input(t: LoopThresholds = thresholds) {
      return { session: s, thresholds: t, toolResults: tools, now };
    },
  };
  return api;
}

describe('no-commit burn', () => {
  it('fires once both the cost and the time since the start reach the thresholds', () => {
    const tl = timeline().work(10, 4, 12).work(10, 3).work(10, 3);
    const r = noCommitBurn(tl.input());
    expect(r).toEqual({
      rule: 'no_commit_burn',
      fired: true,
      reason: '$10.00 spent over 30 min since the session started with no commit (thresholds $10.00 and 30 min).',
      costSinceCommit: 10,
      minutesSinceCommit: 30,
    });
  });

  it('does not fire one cent under the cost threshold, however long it runs', () => {
    const tl = timeline().work(45, 9.99);
    const r = noCommitBurn(tl.input());
    expect(r.fired).toBe(false);
    expect(r.reason).toBe('$9.99 spent since the session started, under the $10.00 threshold.');
  });

  it('does not fire a minute under the time threshold, however much it spends', () => {
    const tl = timeline().work(29, 50);
    const r = noCommitBurn(tl.input());
    expect(r.fired).toBe(false);
    expect(r.minutesSinceCommit).toBe(29);
    expect(r.reason).toBe('$50.00 spent since the session started, but over only 29 min (threshold 30 min).');
  });

  it('is not fooled by float drift: many small costs summing to the threshold fire it', () => {
    const tl = timeline();
    for (let i = 0; i < 100; i++) tl.work(0.3, 0.1);
    expect(tl.s.costUsd).not.toBe(10); // 9.99999999999998
    expect(noCommitBurn(tl.input()).fired).toBe(true);
  });

  it('resets on a commit: the streak counts from the commit, in cost and in time', () => {
    const tl = timeline().work(40, 25).commit().work(20, 9);
    const r = noCommitBurn(tl.input());
    expect(r.fired).toBe(false);
    expect(r.costSinceCommit).toBe(9);
    expect(r.minutesSinceCommit).toBe(20);
    tl.work(10, 1);
    const again = noCommitBurn(tl.input());
    expect(again.fired).toBe(true);
    expect(again.reason).toBe('$10.00 spent over 30 min since its last commit with no commit (thresholds $10.00 and 30 min).');
  });

  it("measures time to the session's latest activity, not to now: an idle session is not blamed for its idle time", () => {
    const tl = timeline().work(5, 15).idle(40);
    const r = noCommitBurn(tl.input());
    expect(r.minutesSinceCommit).toBe(5);
    expect(r.fired).toBe(false);
  });

  it("uses the team's thresholds it is given", () => {
    const tl = timeline().work(60, 20);
    expect(noCommitBurn(tl.input({ minCostUsd: 25, minMinutes: 30, repeatFailures: 5 })).fired).toBe(false);
    expect(noCommitBurn(tl.input({ minCostUsd: 20, minMinutes: 60, repeatFailures: 5 })).fired).toBe(true);
  });
});

describe('repeating failure', () => {
  it('fires when the last 5 tool results are the same tool failing the same way', () => {
    const tl = timeline().work(1, 0.2).tool('Read', true);
    for (let i = 0; i < 5; i++) tl.work(1, 0.1).tool('Bash', false, 'e1f2');
    const r = repeatingFailure(tl.input());
    expect(r.fired).toBe(true);
    expect(r.reason).toBe('Bash failed 5 times in a row (the same error).');
    expect(r.costSinceCommit).toBeCloseTo(0.7, 9);
  });

  it('does not fire at 4 in a row', () => {
    const tl = timeline();
    for (let i = 0; i < 4; i++) tl.work(1, 0.1).tool('Bash', false, 'e1f2');
    const r = repeatingFailure(tl.input());
    expect(r.fired).toBe(false);
    expect(r.reason).toBe('Only 4 tool result(s) so far; 5 failures in a row make a loop.');
    tl.tool('Read', true);
    for (let i = 0; i < 4; i++) tl.tool('Bash', false, 'e1f2');
    expect(repeatingFailure(tl.input()).reason).toBe('The latest 4 tool result(s) are the same failure; 5 in a row make a loop.');
  });

  it('does not fire when the errors differ, the tool differs, or one call succeeded in between', () => {
    const diffErr = timeline();
    for (const sig of ['a', 'a', 'b', 'a', 'a']) diffErr.tool('Bash', false, sig);
    expect(repeatingFailure(diffErr.input()).fired).toBe(false);
    const diffTool = timeline();
    for (const name of ['Bash', 'Bash', 'Edit', 'Bash', 'Bash']) diffTool.tool(name, false, 'a');
    expect(repeatingFailure(diffTool.input()).fired).toBe(false);
    const success = timeline();
    for (const ok of [false, false, true, false, false]) success.tool('Bash', ok, ok ? null : 'a');
    expect(repeatingFailure(success.input()).fired).toBe(false);
  });

  it('honours the configured count', () => {
    const tl = timeline();
    for (let i = 0; i < 3; i++) tl.tool('Bash', false, null);
    const r = repeatingFailure(tl.input({ ...thresholds, repeatFailures: 3 }));
    expect(r.fired).toBe(true);
    expect(r.reason).toBe('Bash failed 3 times in a row (no error reported).');
  });
});

describe('burn without change', () => {
  it('fires on spend over the window with zero lines changed since the start', () => {
    const tl = timeline().work(30, 12);
    const r = burnWithoutChange(tl.input());
    expect(r).toEqual({
      rule: 'burn_without_change',
      fired: true,
      reason: '$12.00 spent over 30 min since the session started without changing a single line of code.',
      costSinceCommit: 12,
      minutesSinceCommit: 30,
    });
  });

  it('does not fire when a single line changed, just under the cost, or just under the window', () => {
    expect(burnWithoutChange(timeline().work(30, 12, 1).input()).reason).toBe('1 line(s) of code changed since the session started.');
    expect(burnWithoutChange(timeline().work(30, 9.99).input()).fired).toBe(false);
    const short = burnWithoutChange(timeline().work(29.9, 12).input());
    expect(short.fired).toBe(false);
    expect(short.reason).toBe('No lines changed since the session started, but over only 29 min (threshold 30 min).');
  });

  it('counts lines from the last commit: lines committed before do not hide a later burn', () => {
    const tl = timeline().work(10, 2, 300).commit().work(35, 11);
    expect(burnWithoutChange(tl.input()).fired).toBe(true);
    tl.work(1, 0.1, 4);
    expect(burnWithoutChange(tl.input()).fired).toBe(false);
  });
});

describe('evaluateLoopRules', () => {
  it('returns the three rules in order with a reason each', () => {
    const rs = evaluateLoopRules(timeline().work(30, 12).input());
    expect(rs.map((r) => [r.rule, r.fired])).toEqual([
      ['no_commit_burn', true],
      ['repeating_failure', false],
      ['burn_without_change', true],
    ]);
    expect(rs.every((r) => r.reason.length > 10)).toBe(true);
  });

  it('streakOf never goes negative when a commit is recorded ahead of the activity', () => {
    const s: SessionSnapshot = { ...timeline().s, lastCommitAt: T0 + 10 * MIN, costAtLastCommit: 3, costUsd: 3 };
    expect(streakOf(s, T0)).toEqual({ since: T0 + 10 * MIN, costSinceCommit: 0, minutesSinceCommit: 0, linesSinceCommit: 0 });
  });
});

describe('planLoopAlerts', () => {
  const base = { expected: false, lastCommitAt: null, minCostUsd: 10, escalationFactor: 2 };
  const alert = (over: Partial<ExistingAlert>): ExistingAlert => ({
    id: 7,
    rule: 'no_commit_burn',
    status: 'open',
    level: 1,
    costAtAlert: 12,
    nextAlertCost: 24,
    snoozedUntil: null,
    updatedAt: T0 + 40 * MIN,
    ...over,
  });
  const fired = (costSinceCommit: number, lines = 1) => {
    const tl = timeline().work(60, costSinceCommit, lines);
    return { results: evaluateLoopRules(tl.input()), now: tl.now };
  };

  it('raises a new alert with the next step at twice the cost', () => {
    const { results, now } = fired(12);
    expect(planLoopAlerts({ ...base, results, alerts: [], now })).toEqual([
      { kind: 'raise', rule: 'no_commit_burn', result: results[0], nextAlertCost: 24 },
    ]);
  });

  it('stays quiet while open and not yet twice as bad, and escalates exactly at the step', () => {
    const under = fired(23.99);
    expect(planLoopAlerts({ ...base, results: under.results, alerts: [alert({})], now: under.now })).toEqual([]);
    const at = fired(24);
    const plan = planLoopAlerts({ ...base, results: at.results, alerts: [alert({})], now: at.now });
    expect(plan).toEqual([
      { kind: 'escalate', alertId: 7, rule: 'no_commit_burn', result: at.results[0], level: 2, nextAlertCost: 48, previousCost: 12, why: 'worse' },
    ]);
  });

  it('honours another escalation factor', () => {
    const { results, now } = fired(18);
    const plan = planLoopAlerts({ ...base, escalationFactor: 1.5, results, alerts: [alert({ nextAlertCost: 18 })], now });
    expect(plan[0]).toMatchObject({ kind: 'escalate', level: 2, nextAlertCost: 27 });
  });

  it('stays quiet when acknowledged, even when much worse', () => {
    const { results, now } = fired(500);
    expect(planLoopAlerts({ ...base, results, alerts: [alert({ status: 'acknowledged' })], now })).toEqual([]);
  });

  it('stays quiet while snoozed, even when worse, and reminds in the thread once the snooze is over', () => {
    const { results, now } = fired(30);
    const snoozed = alert({ status: 'snoozed', snoozedUntil: now + 1 });
    expect(planLoopAlerts({ ...base, results, alerts: [snoozed], now })).toEqual([]);
    const over = planLoopAlerts({ ...base, results, alerts: [{ ...snoozed, snoozedUntil: now }], now });
    expect(over).toEqual([
      { kind: 'escalate', alertId: 7, rule: 'no_commit_burn', result: results[0], level: 2, nextAlertCost: 60, previousCost: 12, why: 'snooze_ended' },
    ]);
  });

  it('raises nothing at all for a session marked expected', () => {
    const tl = timeline().work(60, 100);
    for (let i = 0; i < 5; i++) tl.tool('Bash', false);
    expect(planLoopAlerts({ ...base, expected: true, results: evaluateLoopRules(tl.input()), alerts: [], now: tl.now })).toEqual([]);
  });

  it('tells a burn with zero lines changed once, as burn without change, not twice', () => {
    const { results, now } = fired(12, 0);
    expect(results.filter((r) => r.fired).map((r) => r.rule)).toEqual(['no_commit_burn', 'burn_without_change']);
    const plan = planLoopAlerts({ ...base, results, alerts: [], now });
    expect(plan.map((a) => [a.kind, a.rule])).toEqual([['raise', 'burn_without_change']]);
    // later evaluations: the burn alert exists, so no-commit burn is not raised beside it
    const later = planLoopAlerts({ ...base, results, alerts: [alert({ rule: 'burn_without_change' })], now });
    expect(later).toEqual([]);
  });

  it('escalates a burn-without-change alert on cost even after lines start changing', () => {
    const { results, now } = fired(24, 10);
    const plan = planLoopAlerts({ ...base, results, alerts: [alert({ rule: 'burn_without_change' })], now });
    expect(plan).toEqual([
      { kind: 'escalate', alertId: 7, rule: 'burn_without_change', result: results[0], level: 2, nextAlertCost: 48, previousCost: 12, why: 'worse' },
    ]);
  });

  it('raises repeating failure independently of an open burn alert', () => {
    const tl = timeline().work(60, 15, 3);
    for (let i = 0; i < 5; i++) tl.tool('Bash', false);
    const results = evaluateLoopRules(tl.input());
    const plan = planLoopAlerts({ ...base, results, alerts: [alert({})], now: tl.now });
    expect(plan).toEqual([{ kind: 'raise', rule: 'repeating_failure', result: results[1], nextAlertCost: 30 }]);
  });

  it('notes a commit that landed after the alert, once per commit time', () => {
    const { results, now } = fired(0.5);
    const open = alert({ updatedAt: T0 + 40 * MIN });
    const commitAt = T0 + 50 * MIN;
    expect(planLoopAlerts({ ...base, lastCommitAt: commitAt, results, alerts: [open], now })).toEqual([
      { kind: 'commit_reset', alertId: 7, rule: 'no_commit_burn', commitAt },
    ]);
    expect(planLoopAlerts({ ...base, lastCommitAt: T0 + 30 * MIN, results, alerts: [open], now })).toEqual([]);
    expect(planLoopAlerts({ ...base, lastCommitAt: commitAt, results, alerts: [{ ...open, status: 'acknowledged' }], now })).toEqual([]);
  });

  it('nextAlertCost never steps from below the cost threshold', () => {
    expect(nextAlertCost(0.4, 10, 2)).toBe(20);
    expect(nextAlertCost(13, 10, 2)).toBe(26);
  });
});

describe('suggestThresholds', () => {
  const current = { minCostUsd: 10, minMinutes: 30 };
  const samples = (xs: Array<[number, number]>) => xs.map(([costUsd, minutes]) => ({ costUsd, minutes }));

  it('suggests nothing with fewer than 3 expected sessions, or when they are under a third', () => {
    expect(suggestThresholds(current, 2, samples([[40, 120], [50, 150]]))).toBeUndefined();
    expect(suggestThresholds(current, 10, samples([[40, 120], [50, 150], [45, 100]]))).toBeUndefined();
  });

  it('suggests the 75th percentile rounded up to $5 and 15 min', () => {
    const s = suggestThresholds(current, 5, samples([[22, 50], [31, 95], [38, 130], [41.5, 142]]));
    expect(s).toEqual({
      costUsd: 40,
      minutes: 135,
      basis: '4 of 5 alerted sessions were long tasks marked expected; these are the 75th percentile of their cost and duration, rounded up.',
    });
  });

  it('never suggests lowering a threshold', () => {
    const s = suggestThresholds({ minCostUsd: 60, minMinutes: 30 }, 3, samples([[20, 90], [25, 100], [30, 110]]));
    expect(s).toMatchObject({ costUsd: 60, minutes: 120 });
  });
});
