// What the ingest phases' server runs with: the product's config (an ingest token, the org's zone),
// a silent logger, and a clock just after the generated year. No Slack client: after-ingest hooks
// record their messages in the outbox and do not send them.
import { fixedClock } from '../../src/clock.js';
import { testConfig } from '../../src/config.js';
import type { Db } from '../../src/db/open.js';
import type { Deps } from '../../src/deps.js';
import { features } from '../../src/features.js';
import { silentLogger } from '../../src/logger.js';
import { benchNow } from '../generate.js';

export const BENCH_TOKEN = 'bench-ingest-token-0123456789abcdef';

export function ingestDeps(db: Db, o: { tz: string; endDay: string }): Deps {
  const config = testConfig({ AISPEND_INGEST_TOKEN: BENCH_TOKEN, AISPEND_TIMEZONE: o.tz, LOG_LEVEL: 'silent' });
  return { db, config, logger: silentLogger, clock: fixedClock(benchNow(o.endDay, o.tz) + 12 * 3_600_000), afterIngest: [] };
}

/** every feature's routes, after every feature's init (the after-ingest hooks), as app.ts wires them */
export function ingestRoutes(deps: Deps) {
  for (const f of features) f.init?.(deps);
  return features.flatMap((f) => f.routes?.(deps) ?? []);
}
