import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/clock.js';
import { testConfig } from '../../../src/config.js';
import type { Deps, IngestEffects } from '../../../src/deps.js';
import { afterIngestIdle } from '../../../src/ingest/after-ingest.js';
import { ingestBatch } from '../../../src/ingest/usage/usage-batch.js';
import { silentLogger } from '../../../src/logger.js';
import { openTempDb, type TempDb } from '../../helpers/temp-db.js';

let tmp: TempDb;
let deps: Deps;
const hooks: IngestEffects[] = [];

beforeAll(() => {
  tmp = openTempDb();
  deps = { db: tmp.db, config: testConfig(), logger: silentLogger, clock: fixedClock(Date.parse('2026-11-23T10:00:00Z')), afterIngest: [(e) => void hooks.push(e)] };
});
afterAll(() => tmp.cleanup());

const row = (key: string, sessionId: string) => ({
  idemKey: key,
  source: 'generic',
  ts: Date.parse('2026-11-20T09:00:00Z'),
  day: '2026-11-20',
  provider: 'openai',
  billingSource: 'openai_api',
  model: 'gpt-4o',
  personId: null,
  teamId: null,
  sessionId,
  inputTokens: 1,
  outputTokens: 1,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  requests: 1,
  costUsd: 1,
  costSource: 'reported' as const,
  counted: true,
  fitAltCostUsd: null,
});

describe('ingestBatch (group commit)', () => {
  it('writes requests that arrive together in one group, runs the hooks once in the background, and isolates a failure', async () => {
    const ok1 = ingestBatch(deps, (b) => {
      b.session({ sessionId: 's1', source: 'generic', at: 0, attribution: { personId: null, teamId: null, teamSource: null, plan: null } });
      return b.addUsage(row('a', 's1'));
    });
    const bad = ingestBatch(deps, (b) => {
      b.addUsage(row('b', 's1'));
      throw new Error('boom');
    });
    const ok2 = ingestBatch(deps, (b) => b.addUsage(row('a', 's1')));
    const results = await Promise.allSettled([ok1, bad, ok2]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([true, 'boom', false]);
    const keys = tmp.db.prepare('SELECT idem_key FROM usage_records ORDER BY idem_key').all();
    expect(keys).toEqual([{ idem_key: 'a' }]);
    const total = tmp.db.prepare('SELECT SUM(cost_usd) AS c FROM usage_daily_team').get();
    expect(total).toEqual({ c: 1 });
    expect(tmp.db.prepare("SELECT cost_usd, api_requests FROM agent_sessions WHERE session_id = 's1'").get()).toEqual({ cost_usd: 1, api_requests: 1 });
    // recorded with the writes (nothing of the failed request), run once the answers are out
    expect(tmp.db.prepare('SELECT kind, ref FROM after_ingest_queue ORDER BY kind').all()).toEqual([
      { kind: 'session', ref: 's1' },
      { kind: 'team', ref: '' },
    ]);
    await afterIngestIdle(deps);
    expect(hooks).toEqual([{ sessionIds: ['s1'], teamIds: [null] }]);
    expect(tmp.db.prepare('SELECT COUNT(*) AS n FROM after_ingest_queue').get()).toEqual({ n: 0 });
  });
});
