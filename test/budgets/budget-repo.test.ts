import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditRepo } from '../../src/db/repos/audit-repo.js';
import { budgetRepo, thresholdKey } from '../../src/db/repos/budget-repo.js';
import { orgRepo } from '../../src/db/repos/org-repo.js';
import { outboxRepo } from '../../src/db/repos/outbox-repo.js';
import { openTempDb, type TempDb } from '../helpers/temp-db.js';

let tmp: TempDb;
let teamId: number;
beforeEach(() => {
  tmp = openTempDb();
  teamId = orgRepo(tmp.db).createTeam('platform', 'C1', 1).id;
});
afterEach(() => tmp.cleanup());

describe('budgetRepo', () => {
  it('settle is one conditional update: the first ending wins, later ones change nothing', () => {
    const repo = budgetRepo(tmp.db);
    const r = repo.createRequest({ teamId, requester: 'U1', amountUsd: 500, reason: 'x', month: '2026-11', now: 1000 });
    expect(r).toMatchObject({ id: 1, status: 'pending', month: '2026-11', created_at: 1000 });
    expect(repo.settle({ id: r.id, status: 'denied', by: 'U2', at: 2000, note: 'no' })).toBe(true);
    expect(repo.settle({ id: r.id, status: 'approved', by: 'U3', at: 3000, approvedAmountUsd: 500 })).toBe(false);
    expect(repo.settle({ id: r.id, status: 'expired', by: null, at: 4000 })).toBe(false);
    expect(repo.byId(r.id)).toMatchObject({ status: 'denied', decided_by: 'U2', decided_at: 2000, approved_amount_usd: null, decision_note: 'no' });
    expect(repo.pending()).toEqual([]);
  });

  it('marks the reminder once, and never on a settled request', () => {
    const repo = budgetRepo(tmp.db);
    const a = repo.createRequest({ teamId, requester: 'U1', amountUsd: 1, reason: 'x', month: '2026-11', now: 1 });
    const b = repo.createRequest({ teamId, requester: 'U1', amountUsd: 1, reason: 'x', month: '2026-11', now: 1 });
    expect(repo.markReminded(a.id, 10)).toBe(true);
    expect(repo.markReminded(a.id, 20)).toBe(false);
    expect(repo.byId(a.id)!.reminded_at).toBe(10);
    repo.settle({ id: b.id, status: 'cancelled', by: 'U1', at: 5 });
    expect(repo.markReminded(b.id, 10)).toBe(false);
  });

  it('sums the increases of one month only, and finds requests by their message', () => {
    const repo = budgetRepo(tmp.db);
    const r = repo.createRequest({ teamId, requester: 'U1', amountUsd: 500, reason: 'x', month: '2026-11', now: 1 });
    repo.addIncrease({ teamId, month: '2026-11', amountUsd: 300, requestId: r.id, now: 2 });
    repo.addIncrease({ teamId, month: '2026-11', amountUsd: 150.5, requestId: null, now: 3 });
    repo.addIncrease({ teamId, month: '2026-12', amountUsd: 1000, requestId: null, now: 4 });
    expect(repo.increasesTotal(teamId, '2026-11')).toBe(450.5);
    expect(repo.increasesTotal(teamId, '2026-10')).toBe(0);
    expect(repo.increases(teamId, '2026-11').map((i) => i.amount_usd)).toEqual([300, 150.5]);
    expect(repo.byThread('C9', '1.2')).toBeUndefined();
    expect(repo.withoutMessage(0)).toEqual([r.id]);
    repo.setMessage(r.id, 'C9', '1.2');
    expect(repo.byThread('C9', '1.2')?.id).toBe(r.id);
    expect(repo.withoutMessage(0)).toEqual([]);
  });

  it('reads the alerted thresholds of exactly one team and month from the outbox keys', () => {
    const outbox = outboxRepo(tmp.db);
    const add = (key: string) => outbox.enqueue({ key, kind: 'budget-threshold', payload: {}, now: 1 });
    add(thresholdKey(1, '2026-11', 50));
    add(thresholdKey(1, '2026-11', 100));
    add(thresholdKey(12, '2026-11', 80));
    add(thresholdKey(1, '2026-10', 80));
    add('budget-threshold:1:2026-1');
    const repo = budgetRepo(tmp.db);
    expect(repo.alertedThresholds(1, '2026-11').sort((a, b) => a - b)).toEqual([50, 100]);
    expect(repo.alertedThresholds(12, '2026-11')).toEqual([80]);
    expect(repo.alertedThresholds(1, '2026-12')).toEqual([]);
  });
});

describe('auditRepo', () => {
  it('records entries with JSON details and lists a team’s newest first', () => {
    const audit = auditRepo(tmp.db);
    audit.record({ actor: 'U1', action: 'budget.set', teamId, subject: 'monthly_budget', details: { fromUsd: null, toUsd: 5000 }, at: 100 });
    audit.record({ actor: 'aispend', action: 'budget.remind', teamId, subject: 'request:1', at: 200 });
    audit.record({ actor: 'U2', action: 'team.create', teamId: null, at: 300 });
    audit.record({ actor: 'U2', action: 'team.note', teamId, details: 'moved to #platform-eng', at: 50 });
    expect(audit.forTeam(teamId).slice(0, 2)).toEqual([
      { id: 2, at: 200, actor: 'aispend', action: 'budget.remind', team_id: teamId, subject: 'request:1', details: {} },
      { id: 1, at: 100, actor: 'U1', action: 'budget.set', team_id: teamId, subject: 'monthly_budget', details: { fromUsd: null, toUsd: 5000 } },
    ]);
    expect(audit.forTeam(teamId, 3)[2]).toMatchObject({ id: 4, details: { text: 'moved to #platform-eng' } });
    expect(audit.forTeam(teamId, 1).map((e) => e.id)).toEqual([2]);
    expect(audit.countFor(teamId, 'budget.set')).toBe(1);
  });
});
