import type { Deps } from '../deps.js';
import type { ScheduledJob } from '../feature.js';
import { drainOutbox } from './outbox.js';

/** Sends due outbox messages every 10 seconds, and once at start (catch-up after a restart). */
export function outboxJob(deps: Deps): ScheduledJob {
  return {
    name: 'outbox',
    cron: '*/10 * * * * *',
    runOnStart: true,
    run: async () => {
      await drainOutbox(deps);
    },
  };
}
