// The Web API client settings: Bolt's client (listeners, jobs) and the outbox's sender share them.
import { webApi } from '@slack/bolt';
import type { Config } from '../config.js';

export function slackClientOptions(config: Config): webApi.WebClientOptions {
  return {
    slackApiUrl: config.slack.apiUrl,
    // the outbox retries with its own backoff; listener calls fail fast instead of blocking for minutes
    retryConfig: { retries: 2, factor: 2, minTimeout: 100, maxTimeout: 1_000 },
    rejectRateLimitedCalls: true,
    timeout: 15_000,
  };
}

/**
 * The outbox's client: no retries of its own. A post that times out may have been posted; the
 * outbox marks it uncertain and looks for it before sending again, which a hidden client-side
 * retry would defeat.
 */
export function slackSenderClient(config: Config): webApi.WebClient {
  return new webApi.WebClient(config.slack.botToken, { ...slackClientOptions(config), retryConfig: { retries: 0 } });
}
