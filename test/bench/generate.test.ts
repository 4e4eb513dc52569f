import { afterEach, describe, expect, it } from 'vitest';
import { generate, DEFAULT_END_DAY, type GenerateOptions } from '../../bench/generate.js';
import { openDatabase, type Db } from '../../src/db/open.js';

const opened: Db[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) db.close();
});

function run(opts: Partial<GenerateOptions> = {}) {
  const db = openDatabase(':memory:');
  opened.push(db);
  const r = generate(db, { seed: 7, scale: 0.004, tz: 'UTC', endDay: DEFAULT_END_DAY, days: 35, ...opts });
  return { db, r };
}

const one = <T>(db: Db, sql: string) => db.prepare(sql).get() as T;

describe('bench data generator', () => {
  it('gives the same checksum and the same database for the same seed', () => {
    const a = run();
    const b = run();
    expect(a.r.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(b.r.checksum).toBe(a.r.checksum);
    expect(b.r.counts).toEqual(a.r.counts);
    const digest = (db: Db) =>
      JSON.stringify(db.prepare('SELECT team_id, day, provider, model, cost_usd, requests FROM usage_daily_team ORDER BY team_id, day, provider, model').all());
    expect(digest(b.db)).toBe(digest(a.db));
  });

  it('gives a different checksum for a different seed', () => {
    expect(run({ seed: 8 }).r.checksum).not.toBe(run().r.checksum);
  });

  it('writes every kind of data the product reads', () => {
    const { db, r } = run();
    expect(r.counts.people).toBe(8);
    expect(r.counts.teams).toBe(2);
    const sources = db.prepare('SELECT source, COUNT(*) AS n, SUM(counted) AS counted FROM usage_records GROUP BY source ORDER BY source').all() as Array<{ source: string; n: number; counted: number }>;
    expect(sources.map((s) => s.source)).toEqual(['billing_gap', 'generic', 'otlp_event', 'otlp_metric']);
    // the events team's metric rows are kept uncounted (counting rule a): events are counted instead
    const metric = sources.find((s) => s.source === 'otlp_metric')!;
    expect(metric.counted).toBeGreaterThan(0);
    expect(metric.counted).toBeLessThan(metric.n);
    expect(r.counts.usage_records).toBe(sources.reduce((a, s) => a + s.n, 0));
    for (const table of ['agent_sessions', 'commits', 'stories', 'sprints', 'billing_buckets']) {
      expect(one<{ n: number }>(db, `SELECT COUNT(*) AS n FROM ${table}`).n, table).toBeGreaterThan(0);
    }
    expect(one<{ n: number }>(db, 'SELECT COUNT(*) AS n FROM teams WHERE monthly_budget_usd >= 500').n).toBe(2);
  });

  it.each(['UTC', 'America/New_York'])('keeps rollups and session totals equal to the usage rows (%s)', (tz) => {
    const { db } = run({ tz, days: 60, endDay: '2026-11-15' });
    const team = db
      .prepare(
        `SELECT r.team_id, r.day, r.provider, r.model, r.cost_usd AS rolled, r.requests AS rolledRequests, r.output_tokens AS rolledOutput,
           r.fit_alt_cost_usd AS rolledFit, u.cost, u.requests, u.output, u.fit
         FROM usage_daily_team r LEFT JOIN (
           SELECT COALESCE(team_id, 0) AS team_id, day, provider, COALESCE(model, '') AS model, SUM(cost_usd) AS cost, SUM(requests) AS requests,
             SUM(output_tokens) AS output, COALESCE(SUM(fit_alt_cost_usd), 0) AS fit
           FROM usage_records WHERE counted = 1 GROUP BY 1, 2, 3, 4
         ) u USING (team_id, day, provider, model)`,
      )
      .all() as Array<Record<string, number>>;
    expect(team.length).toBeGreaterThan(10);
    for (const row of team) {
      expect(row.rolled).toBeCloseTo(row.cost!, 6);
      expect(row.rolledRequests).toBe(row.requests);
      expect(row.rolledOutput).toBe(row.output);
      expect(row.rolledFit).toBeCloseTo(row.fit!, 6);
    }
    // and nothing counted is missing from the rollup
    const totals = one<{ rolled: number; raw: number }>(
      db,
      'SELECT (SELECT SUM(cost_usd) FROM usage_daily_team) AS rolled, (SELECT SUM(cost_usd) FROM usage_records WHERE counted = 1) AS raw',
    );
    expect(totals.rolled).toBeCloseTo(totals.raw, 6);
    const person = one<{ rolled: number; raw: number }>(
      db,
      'SELECT (SELECT SUM(cost_usd) FROM usage_daily_person) AS rolled, (SELECT SUM(cost_usd) FROM usage_records WHERE counted = 1 AND person_id IS NOT NULL) AS raw',
    );
    expect(person.rolled).toBeCloseTo(person.raw, 6);
    const sessions = db
      .prepare(
        `SELECT s.session_id, s.cost_usd, s.api_requests, COALESCE(u.cost, 0) AS cost, COALESCE(u.requests, 0) AS requests
         FROM agent_sessions s LEFT JOIN (
           SELECT session_id, SUM(cost_usd) AS cost, SUM(requests) AS requests FROM usage_records WHERE counted = 1 GROUP BY session_id
         ) u USING (session_id)`,
      )
      .all() as Array<{ cost_usd: number; api_requests: number; cost: number; requests: number }>;
    expect(sessions.length).toBeGreaterThan(50);
    for (const s of sessions) {
      expect(s.cost_usd).toBeCloseTo(s.cost, 6);
      expect(s.api_requests).toBe(s.requests);
    }
  });
});
