// The settle rule on its own: what waits, what is acted on, when a wait starts again.
import { describe, expect, it } from 'vitest';
import type { AlertAction, RuleResult } from '../../src/loops/loop-rules.js';
import { dueAt, settle, watchKey, type Watch } from '../../src/loops/settle.js';

const T = Date.parse('2026-11-23T10:00:00Z');
const S = 90_000;
const result: RuleResult = { rule: 'no_commit_burn', fired: true, reason: 'r', costSinceCommit: 12, minutesSinceCommit: 31 };
const raise = (rule: 'no_commit_burn' | 'burn_without_change' | 'repeating_failure'): AlertAction => ({ kind: 'raise', rule, result: { ...result, rule }, nextAlertCost: 24 });
const escalate: AlertAction = { kind: 'escalate', alertId: 7, rule: 'no_commit_burn', result, level: 2, nextAlertCost: 48, previousCost: 12, why: 'worse' };
const reset: AlertAction = { kind: 'commit_reset', alertId: 7, rule: 'no_commit_burn', commitAt: T };

describe('dueAt', () => {
  it('is the settle time after the newer of the newest event and the moment it was first seen', () => {
    expect(dueAt({ what: 'x', streakSince: 0, firstSeenAt: T + 3_000, restsOn: T }, S)).toBe(T + 3_000 + S);
    // a backlog: old events seen now settle from now
    expect(dueAt({ what: 'x', streakSince: 0, firstSeenAt: T + 3_600_000, restsOn: T }, S)).toBe(T + 3_600_000 + S);
    // a clock ahead: waits at most one more settle time
    expect(dueAt({ what: 'x', streakSince: 0, firstSeenAt: T, restsOn: T + 86_400_000 }, S)).toBe(T + 2 * S);
  });
});

describe('settle', () => {
  const base = { streakSince: T - 40 * 60_000, lastActivityAt: T, now: T, settleMs: S };

  it('starts a wait the first time, acts once the data has settled, and forgets the wait', () => {
    const first = settle({ ...base, actions: [raise('no_commit_burn')], watches: [] });
    expect(first.act).toEqual([]);
    expect(first.save).toEqual([{ what: 'raise:burn', streakSince: base.streakSince, firstSeenAt: T, restsOn: T }]);
    const watches = first.save;
    expect(settle({ ...base, now: T + S - 1, actions: [raise('no_commit_burn')], watches })).toEqual({ act: [], save: [], drop: [] });
    const due = settle({ ...base, now: T + S, actions: [raise('no_commit_burn')], watches });
    expect(due.act).toHaveLength(1);
    expect(due.drop).toEqual(['raise:burn']);
  });

  it('starts again when a commit reset the streak the judgement rested on', () => {
    const watches: Watch[] = [{ what: 'raise:burn', streakSince: base.streakSince, firstSeenAt: T, restsOn: T }];
    const d = settle({ ...base, now: T + S, streakSince: T + 20_000, actions: [raise('no_commit_burn')], watches });
    expect(d.act).toEqual([]);
    expect(d.save).toEqual([{ what: 'raise:burn', streakSince: T + 20_000, firstSeenAt: T + S, restsOn: T }]);
  });

  it('forgets a wait the rules no longer call for (the commit arrived)', () => {
    const watches: Watch[] = [{ what: 'raise:burn', streakSince: base.streakSince, firstSeenAt: T, restsOn: T }];
    expect(settle({ ...base, now: T + 20_000, actions: [], watches })).toEqual({ act: [], save: [], drop: ['raise:burn'] });
  });

  it('keeps one wait for both burn rules: a late lines metric does not restart it', () => {
    const watches = settle({ ...base, actions: [raise('burn_without_change')], watches: [] }).save;
    const d = settle({ ...base, now: T + S, actions: [raise('no_commit_burn')], watches });
    expect(d.act.map((a) => (a.kind === 'raise' ? a.rule : a.kind))).toEqual(['no_commit_burn']);
  });

  it('holds escalations like raises, and never holds a commit refresh', () => {
    expect(watchKey(escalate as Exclude<AlertAction, { kind: 'commit_reset' }>)).toBe('escalate:7');
    const d = settle({ ...base, actions: [escalate, reset, raise('repeating_failure')], watches: [] });
    expect(d.act).toEqual([reset]);
    expect(d.save.map((w) => w.what)).toEqual(['escalate:7', 'raise:repeating_failure']);
  });

  it('with a settle time of 0 acts at once and keeps nothing', () => {
    expect(settle({ ...base, settleMs: 0, actions: [raise('no_commit_burn')], watches: [] })).toMatchObject({ save: [], drop: [] });
    expect(settle({ ...base, settleMs: 0, actions: [raise('no_commit_burn')], watches: [] }).act).toHaveLength(1);
  });
});
