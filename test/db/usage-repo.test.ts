import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { billingRepo } from '../../src/db/repos/billing-repo.js';
import { sessionRepo } from '../../src/db/repos/session-repo.js';
import { unpricedModels, usageRepo, type UsageRowInput } from '../../src/db/repos/usage-repo.js';
import { openTempDb, type TempDb } from '../helpers/temp-db.js';

let t: TempDb;
beforeEach(() => {
  t = openTempDb();
});
afterEach(() => t.cleanup());

function row(over: Partial<UsageRowInput> = {}): UsageRowInput {
  return {
    idemKey: 'k1',
    source: 'generic',
    ts: Date.parse('2026-11-20T09:00:00Z'),
    day: '2026-11-20',
    provider: 'anthropic',
    model: 'claude-sonnet-4-5',
    billingSource: 'anthropic_api',
    personId: 7,
    teamId: 3,
    sessionId: null,
    inputTokens: 100,
    outputTokens: 10,
    cacheReadTokens: 1000,
    cacheWriteTokens: 50,
    requests: 1,
    costUsd: 1,
    costSource: 'computed',
    counted: true,
    fitAltCostUsd: null,
    ...over,
  };
}

const team = () => t.db.prepare('SELECT * FROM usage_daily_team ORDER BY team_id, model').all();
const person = () => t.db.prepare('SELECT person_id, team_id, cost_usd, requests FROM usage_daily_person ORDER BY person_id').all();

function write(f: (w: ReturnType<ReturnType<typeof usageRepo>['writer']>) => void) {
  t.db.transaction(() => {
    const w = usageRepo(t.db).writer();
    f(w);
    w.flush();
  })();
}

describe('usageRepo writer', () => {
  it('inserts once per idempotency key and keeps both rollups in step, fit columns included', () => {
    let results: boolean[] = [];
    write((w) => {
      results = [w.insert(row()), w.insert(row()), w.insert(row({ idemKey: 'k2', costUsd: 2, fitAltCostUsd: 0.4 }))];
    });
    expect(results).toEqual([true, false, true]);
    expect(team()).toEqual([
      {
        day: '2026-11-20',
        team_id: 3,
        provider: 'anthropic',
        model: 'claude-sonnet-4-5',
        billing_source: 'anthropic_api',
        cost_usd: 3,
        input_tokens: 200,
        output_tokens: 20,
        cache_read_tokens: 2000,
        cache_write_tokens: 100,
        requests: 2,
        fit_cost_usd: 2,
        fit_alt_cost_usd: 0.4,
        fit_requests: 1,
      },
    ]);
    expect(person()).toEqual([{ person_id: 7, team_id: 3, cost_usd: 3, requests: 2 }]);
  });

  it('keeps uncounted rows out of the rollups, and unattributed usage under team 0 without a person row', () => {
    write((w) => {
      w.insert(row({ counted: false }));
      w.insert(row({ idemKey: 'k2', teamId: null, personId: null, costUsd: 5 }));
    });
    expect(team()).toMatchObject([{ team_id: 0, cost_usd: 5 }]);
    expect(person()).toEqual([]);
  });

  it('replaces a corrected row: the old contribution is subtracted, the new one added', () => {
    write((w) => w.insert(row({ costUsd: 4 })));
    write((w) => w.replace(row({ costUsd: 1.5, teamId: 9 })));
    // the emptied rollup row of team 3 is dropped
    expect(team()).toMatchObject([{ team_id: 9, cost_usd: 1.5, requests: 1 }]);
    write((w) => expect(w.remove('k1')).toBe(true));
    expect(team()).toEqual([]);
    expect(person()).toEqual([]);
    expect(usageRepo(t.db).byIdemKey('k1')).toBeUndefined();
  });

  it('uncounts a session’s metric rows (counting rule a) from rollups and the session', () => {
    sessionRepo(t.db).ensure({ sessionId: 's1', source: 'claude-code', at: 0, personId: 7, teamId: 3 });
    write((w) => {
      w.insert(row({ idemKey: 'm1', source: 'otlp_metric', sessionId: 's1', costUsd: 0.7, requests: 0 }));
      w.insert(row({ idemKey: 'e1', source: 'otlp_event', sessionId: 's1', costUsd: 0.2 }));
    });
    expect(sessionRepo(t.db).bySession('s1')!.cost_usd).toBeCloseTo(0.9, 12);
    let flipped = 0;
    write((w) => {
      flipped = w.uncountSessionMetrics('s1');
    });
    expect(flipped).toBe(1);
    expect(sessionRepo(t.db).bySession('s1')!.cost_usd).toBeCloseTo(0.2, 12);
    expect((team()[0] as { cost_usd: number }).cost_usd).toBeCloseTo(0.2, 12);
    expect(usageRepo(t.db).byIdemKey('m1')!.counted).toBe(0);
  });

  it('lists unpriced models from usage and from bills, with rows, tokens and first/last seen', () => {
    write((w) => {
      w.insert(row({ idemKey: 'u1', model: 'mystery-1', costUsd: 0, costSource: 'unpriced', ts: 1_000 }));
      w.insert(row({ idemKey: 'u2', model: 'mystery-1', costUsd: 0, costSource: 'unpriced', ts: 5_000 }));
    });
    billingRepo(t.db).upsert(
      {
        source: 'openai_usage',
        bucketStart: 3_000,
        bucketEnd: 4_000,
        dims: '[]',
        provider: 'openai',
        model: 'gpt-unknown',
        teamId: null,
        inputTokens: 10,
        outputTokens: 1,
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
        requests: 1,
        costUsd: 0,
        costSource: 'unpriced',
      },
      0,
    );
    expect(unpricedModels(t.db)).toEqual([
      { provider: 'anthropic', model: 'mystery-1', rows: 2, tokens: 2 * 1160, first_seen: 1_000, last_seen: 5_000 },
      { provider: 'openai', model: 'gpt-unknown', rows: 1, tokens: 11, first_seen: 3_000, last_seen: 3_000 },
    ]);
  });
});

describe('sessionRepo', () => {
  it('recordCommit resets the streak on an existing session and creates nothing otherwise', () => {
    const s = sessionRepo(t.db);
    expect(s.recordCommit('nope', 1_000)).toBe(false);
    expect(s.bySession('nope')).toBeUndefined();
    s.ensure({ sessionId: 's1', source: 'claude-code', at: 0, personId: null, teamId: null });
    write((w) => w.insert(row({ sessionId: 's1', costUsd: 2.5 })));
    s.applyCounters('s1', { firstAt: 0, lastAt: 500, commits: 0, lastCommitAt: 0, pullRequests: 0, linesAdded: 30, linesRemoved: 2, toolFailures: 0, prompts: 0, activeSeconds: 0 });
    expect(s.recordCommit('s1', 2_000, 2)).toBe(true);
    expect(s.bySession('s1')).toMatchObject({ commits: 2, last_commit_at: 2_000, cost_at_last_commit: 2.5, lines_at_last_commit: 32 });
    // an older commit arriving late only adds to the count
    write((w) => w.insert(row({ idemKey: 'k2', sessionId: 's1', costUsd: 1 })));
    expect(s.recordCommit('s1', 1_500)).toBe(true);
    expect(s.bySession('s1')).toMatchObject({ commits: 3, last_commit_at: 2_000, cost_at_last_commit: 2.5 });
  });

  it('lists recent sessions by team, person and activity, and closes them', () => {
    const s = sessionRepo(t.db);
    s.ensure({ sessionId: 'a', source: 'claude-code', at: 1_000, personId: 1, teamId: 3 });
    s.ensure({ sessionId: 'b', source: 'claude-code', at: 2_000, personId: 1, teamId: null });
    s.ensure({ sessionId: 'c', source: 'claude-code', at: 3_000, personId: 2, teamId: 3 });
    expect(s.recentForTeam(3, 0, 10).map((x) => x.session_id)).toEqual(['c', 'a']);
    expect(s.recentForTeam(null, 0, 10).map((x) => x.session_id)).toEqual(['b']);
    expect(s.recentForPerson(1, 1_500, 10).map((x) => x.session_id)).toEqual(['b']);
    expect(s.close('a', 9_000)).toBe(true);
    expect(s.close('a', 9_500)).toBe(false);
    expect(s.activeSince(0).map((x) => x.session_id)).toEqual(['c', 'b']);
    // new activity after the close reopens it
    s.applyCounters('a', { firstAt: 9_100, lastAt: 9_100, commits: 0, lastCommitAt: 0, pullRequests: 0, linesAdded: 0, linesRemoved: 0, toolFailures: 0, prompts: 1, activeSeconds: 0 });
    expect(s.bySession('a')).toMatchObject({ status: 'active', closed_at: null, prompts: 1, last_activity_at: 9_100 });
  });

  it('claims a telemetry key once (retention forgets claims: test/operations/retention.test.ts)', () => {
    const s = sessionRepo(t.db);
    expect(s.claimOnce('otlp_metric', 'k', 1_000)).toBe(true);
    expect(s.claimOnce('otlp_metric', 'k', 2_000)).toBe(false);
    expect(s.claimOnce('otlp_metric', 'k2', 5_000)).toBe(true);
    expect(s.claimOnce('otlp_metric', 'k2', 6_000)).toBe(false);
  });
});
