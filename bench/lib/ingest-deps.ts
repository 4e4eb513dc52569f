// What the ingest phases' server runs with: the product's config (an ingest token, the org's zone),
// a silent logger, and a clock just after the generated year. No Slack client by default: after-ingest
// hooks record their messages in the outbox and do not send them. The outage phase gives it a Slack
// (its fake one, `slackApiUrl`) and settings of its own (`env`).
import { webApi } from '@slack/bolt';
import { fixedClock } from '../../src/clock.js';
import { testConfig } from '../../src/config.js';
import type { Db } from '../../src/db/open.js';
import type { Deps } from '../../src/deps.js';
import { features } from '../../src/features.js';
import { silentLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/metrics.js';
import { slackClientOptions, slackSenderClient } from '../../src/slack/client.js';
import { benchNow } from '../generate.js';

export const BENCH_TOKEN = 'bench-ingest-token-0123456789abcdef';

export interface IngestServerOptions {
  tz: string;
  endDay: string;
  /** a Slack Web API to send to, with the clients app.ts builds */
  slackApiUrl?: string;
  /** more settings (variables as in .env) */
  env?: Record<string, string>;
}

export function ingestDeps(db: Db, o: IngestServerOptions): Deps {
  const slackEnv = o.slackApiUrl ? { SLACK_API_URL: o.slackApiUrl, SLACK_BOT_TOKEN: 'xoxb-bench-token' } : {};
  const config = testConfig({ AISPEND_INGEST_TOKEN: BENCH_TOKEN, AISPEND_TIMEZONE: o.tz, LOG_LEVEL: 'silent', ...slackEnv, ...o.env });
  const deps: Deps = {
    db,
    config,
    logger: silentLogger,
    clock: fixedClock(benchNow(o.endDay, o.tz) + 12 * 3_600_000),
    afterIngest: [],
    // as app.ts: every request and record is counted for /metrics
    metrics: createMetrics(),
  };
  if (o.slackApiUrl) {
    deps.slack = new webApi.WebClient(config.slack.botToken, slackClientOptions(config));
    deps.slackSender = slackSenderClient(config);
  }
  return deps;
}

/** every feature's routes, after every feature's init (the after-ingest hooks), as app.ts wires them */
export function ingestRoutes(deps: Deps) {
  for (const f of features) f.init?.(deps);
  return features.flatMap((f) => f.routes?.(deps) ?? []);
}
