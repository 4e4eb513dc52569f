import type { webApi } from '@slack/bolt';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Db } from './db/open.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';

/** What every listener, route and job is given. No module singletons. */
export interface Deps {
  db: Db;
  config: Config;
  logger: Logger;
  clock: Clock;
  /** Web API client (points at SLACK_API_URL). Absent in the offline demo and some unit tests. */
  slack?: webApi.WebClient;
  /**
   * The client the outbox sends with: the same Slack, without the client's own retries, so one send
   * is one request and an unanswered one can be checked before it is sent again. Defaults to `slack`.
   */
  slackSender?: webApi.WebClient;
  /**
   * Hooks that run in the background after ingest batches commit (loop alerts, budget thresholds),
   * with the sessions and teams they touched (src/ingest/after-ingest.ts). They write, and leave
   * Slack to the outbox (kickOutbox): they must not wait on Slack.
   */
  afterIngest: AfterIngestHook[];
  /**
   * Publishes a user's App Home tab again, with an optional one-time notice on top. Set by the feature
   * that shows the Home (queries) in its init; another feature's listener calls it after a press on the
   * Home, which has no message to answer in. Absent when no feature shows a Home.
   */
  refreshHome?: (userId: string, notice?: string) => Promise<void>;
  /** Prometheus metrics (GET /metrics). Absent in the demo and some unit tests: recording is then skipped. */
  metrics?: Metrics;
}

export interface IngestEffects {
  /** agent sessions whose numbers changed */
  sessionIds: string[];
  /** teams whose spend changed (null: unattributed) */
  teamIds: Array<number | null>;
}

export type AfterIngestHook = (effects: IngestEffects) => Promise<void> | void;
