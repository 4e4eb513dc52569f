// Upgrading a database written before issue 12: rows gain their billing source, rollups are rebuilt
// with it, the old per-local-day adjustments go, and the first start recomputes them per UTC day.
import { afterEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { testConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/open.js';
import { migrations } from '../../src/db/migrations/index.js';
import { orgRepo } from '../../src/db/repos/org-repo.js';
import { usageFeature } from '../../src/ingest/usage-feature.js';
import { silentLogger } from '../../src/logger.js';
import { tempDbPath } from '../helpers/temp-db.js';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((f) => f()));

const COLS = 'idem_key, source, ts, day, provider, model, person_id, team_id, session_id, cost_usd, cost_source, counted, requests';

describe('migration 011 (billing truth) on an existing database', () => {
  it('labels rows, rebuilds rollups and recomputes adjustments per UTC day at the next start', () => {
    const t = tempDbPath();
    cleanups.push(t.cleanup);
    const old = openDatabase(t.path, migrations.filter((m) => m.version <= 10));
    // the repositories speak the current schema: the old one is written with plain SQL
    const team = Number(old.prepare("INSERT INTO teams (name, channel_id, created_at) VALUES ('platform', 'C1', 0)").run().lastInsertRowid);
    const ins = old.prepare(`INSERT INTO usage_records (${COLS}) VALUES (?, ?, ?, ?, ?, ?, NULL, ?, NULL, ?, 'reported', ?, 1)`);
    const at = Date.parse('2026-11-20T09:00:00Z');
    ins.run('e1', 'otlp_event', at, '2026-11-20', 'anthropic', 'claude-sonnet-4-5-20250929', team, 30, 1);
    ins.run('e2', 'otlp_event', at, '2026-11-20', 'anthropic', 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', team, 20, 1);
    ins.run('e3', 'otlp_event', at, '2026-11-20', 'anthropic', 'claude-sonnet-4-5@20250929', team, 5, 1);
    ins.run('g1', 'generic', at, '2026-11-20', 'openai', 'gpt-5', team, 7, 1);
    ins.run('m1', 'otlp_metric', at, '2026-11-20', 'anthropic', 'claude-sonnet-4-5-20250929', team, 30, 0);
    // an adjustment of the old rule: the bill was netted against all Anthropic-maker usage (50 + 5)
    ins.run('billing_gap:anthropic:2026-11-20:0', 'billing_gap', at, '2026-11-20', 'anthropic', '(billing adjustment)', null, 45, 1);
    old
      .prepare(
        `INSERT INTO billing_buckets (source, bucket_start, bucket_end, dims, provider, model, workspace_id, team_id, cost_usd, cost_source, updated_at)
         VALUES ('anthropic_cost', ?, ?, '["w",0]', 'anthropic', NULL, NULL, NULL, 100, 'reported', 0)`,
      )
      .run(Date.parse('2026-11-20T00:00:00Z'), Date.parse('2026-11-21T00:00:00Z'));
    old.close();

    const db = openDatabase(t.path);
    cleanups.push(() => db.close());
    const sources = db.prepare('SELECT idem_key, billing_source FROM usage_records ORDER BY idem_key').all();
    expect(sources).toEqual([
      { idem_key: 'e1', billing_source: 'anthropic_api' },
      { idem_key: 'e2', billing_source: 'bedrock' },
      { idem_key: 'e3', billing_source: 'vertex' },
      { idem_key: 'g1', billing_source: 'openai_api' },
      { idem_key: 'm1', billing_source: 'anthropic_api' },
    ]);
    expect(db.prepare('SELECT billing_source, cost_usd FROM usage_daily_team ORDER BY billing_source').all()).toEqual([
      { billing_source: 'anthropic_api', cost_usd: 30 },
      { billing_source: 'bedrock', cost_usd: 20 },
      { billing_source: 'openai_api', cost_usd: 7 },
      { billing_source: 'vertex', cost_usd: 5 },
    ]);
    expect(orgRepo(db).setting('reconcile_all')).toBe('1');

    usageFeature.init!({ db, config: testConfig(), logger: silentLogger, clock: fixedClock(at), afterIngest: [] });
    expect(orgRepo(db).setting('reconcile_all')).toBe('0');
    // the $100 bill is now compared with the Anthropic API telemetry only ($30): a $70 adjustment,
    // unattributed (the default workspace is mapped to no team)
    expect(db.prepare("SELECT team_id, bill_day, ROUND(cost_usd, 9) AS cost_usd FROM usage_records WHERE source = 'billing_gap'").all()).toEqual([
      { team_id: null, bill_day: '2026-11-20', cost_usd: 70 },
    ]);
    // $30 API + $20 Bedrock + $5 Vertex + $7 OpenAI + $70 adjustment
    expect((db.prepare('SELECT SUM(cost_usd) AS c FROM usage_daily_team').get() as { c: number }).c).toBeCloseTo(132, 9);
  });
});
