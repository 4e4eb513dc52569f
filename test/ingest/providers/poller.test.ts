import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/clock.js';
import { testConfig } from '../../../src/config.js';
import { pollerStateRepo } from '../../../src/db/repos/poller-state-repo.js';
import type { Deps } from '../../../src/deps.js';
import { usageFeature } from '../../../src/ingest/usage-feature.js';
import { createLogger } from '../../../src/logger.js';
import { retryAfterMs } from '../../../src/ingest/providers/http.js';
import { pollProviders } from '../../../src/ingest/providers/pollers.js';
import { openTempDb, type TempDb } from '../../helpers/temp-db.js';
import { ANTHROPIC_KEY, FakeProvider, emptyPage, fixture, paged } from './fake-provider.js';

const USAGE = '/v1/organizations/usage_report/messages';
let api: FakeProvider;
let tmp: TempDb;
let deps: Deps;
const logs: string[] = [];

beforeAll(async () => {
  api = await new FakeProvider().start();
  api.on(USAGE, paged([fixture('anthropic/usage-page-1.json'), fixture('anthropic/usage-page-2.json')]));
  api.on('/v1/organizations/cost_report', () => ({ body: emptyPage }));
  api.on('/v1/organizations/usage_report/claude_code', () => ({ body: emptyPage }));
  tmp = openTempDb();
  deps = {
    db: tmp.db,
    config: testConfig({ ANTHROPIC_ADMIN_API_KEY: ANTHROPIC_KEY, ANTHROPIC_API_URL: api.url, POLL_LOOKBACK_DAYS: '3' }),
    logger: createLogger({ level: 'debug', write: (l) => logs.push(l) }),
    clock: fixedClock(Date.parse('2026-11-23T10:30:00Z')),
    afterIngest: [],
  };
});
afterAll(async () => {
  tmp.cleanup();
  await api.stop();
});

describe('polling engine', () => {
  it('starts the window again when a saved page token is refused after a restart', async () => {
    pollerStateRepo(tmp.db).set('anthropic_usage', { run: { from: Date.parse('2026-11-20T00:00:00Z'), to: Date.parse('2026-11-21T00:00:00Z'), page: 'page_expired' } }, 0);
    const [usage] = await pollProviders(deps, deps.clock.now(), { sleep: async () => undefined });
    expect(usage).toMatchObject({ name: 'anthropic_usage', pages: 2, buckets: 2 });
    expect(api.requestsTo(USAGE).map((r) => r.query.get('page'))).toEqual(['page_expired', null, 'page_MjAyNi0xMS0yMFQxMDowMDowMFo=']);
    expect(pollerStateRepo(tmp.db).get('anthropic_usage')).toEqual({ doneUntil: Date.parse('2026-11-21T00:00:00Z') });
    expect(logs.join('\n')).toContain('saved page token refused');
  });

  it('re-fetches the lookback window on the next run', async () => {
    await pollProviders(deps, deps.clock.now(), { sleep: async () => undefined });
    const last = api.requestsTo(USAGE).at(-2)!;
    // doneUntil 2026-11-21T00:00Z minus POLL_LOOKBACK_DAYS=3, up to the last complete hour
    expect(last.query.get('starting_at')).toBe('2026-11-18T00:00:00Z');
    expect(last.query.get('ending_at')).toBe('2026-11-23T10:00:00Z');
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterMs('7')).toBe(7_000);
    expect(retryAfterMs('Mon, 23 Nov 2026 10:00:30 GMT', Date.parse('2026-11-23T10:00:00Z'))).toBe(30_000);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(null)).toBeUndefined();
  });

  it('schedules the pollers with POLL_CRON only when an admin key is set', () => {
    expect(usageFeature.jobs!(deps).map((j) => [j.name, j.cron, j.runOnStart])).toEqual([
      ['usage-event-minutes-prune', '17 3 * * *', undefined],
      ['provider-pollers', '7 * * * *', true],
    ]);
    expect(usageFeature.jobs!({ ...deps, config: testConfig() }).map((j) => j.name)).toEqual(['usage-event-minutes-prune']);
  });
});
