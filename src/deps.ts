import type { webApi } from '@slack/bolt';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Db } from './db/open.js';
import type { Logger } from './logger.js';

/** What every listener, route and job is given. No module singletons. */
export interface Deps {
  db: Db;
  config: Config;
  logger: Logger;
  clock: Clock;
  /** Web API client (points at SLACK_API_URL). Absent in the offline demo and some unit tests. */
  slack?: webApi.WebClient;
  /** Hooks that run after an ingest batch commits (loop alerts, budget thresholds). */
  afterIngest: AfterIngestHook[];
}

export interface IngestEffects {
  /** agent sessions whose numbers changed */
  sessionIds: string[];
  /** teams whose spend changed (null: unattributed) */
  teamIds: Array<number | null>;
}

export type AfterIngestHook = (effects: IngestEffects) => Promise<void> | void;
