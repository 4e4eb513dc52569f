import type { Deps } from '../deps.js';
import type { ScheduledJob } from '../feature.js';
import { advancePending } from './lifecycle.js';
import { recordPendingMessages } from './requests.js';
import { queueThresholds } from './thresholds.js';
import { kickOutbox } from '../slack/outbox.js';

/**
 * Every 5 minutes (and once at start): remind and expire pending budget requests, and check every
 * budgeted team's thresholds as a safety net for the after-ingest hook (spend that arrived while
 * the bot was down, a budget lowered by an admin, a month that just began). Messages are left to the
 * outbox, not awaited: a hanging Slack must not hold the job (cron skips a run while one is going).
 */
export function runBudgetJob(deps: Deps, now: number): Promise<void> {
  recordPendingMessages(deps, now);
  advancePending(deps, now);
  queueThresholds(deps, now);
  kickOutbox(deps);
  return Promise.resolve();
}

export function budgetJob(deps: Deps): ScheduledJob {
  return {
    name: 'budgets',
    cron: '*/5 * * * *',
    runOnStart: true,
    run: (now) => runBudgetJob(deps, now),
  };
}
