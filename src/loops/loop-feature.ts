// Loop alerts: catch agent sessions that keep spending without producing commits (issue 6).
// Evaluated after every ingest batch that touches a session and every minute for active sessions.
import type { Feature } from '../feature.js';
import { evaluateSessions, loopJob } from '../jobs/loop-job.js';
import { registerLoopActions } from '../slack/actions/loop-actions.js';
import { adminLoopHandler } from '../slack/commands/admin/loop.js';
import { sessionsSubcommand } from '../slack/commands/sessions.js';
import { drainOutbox } from '../slack/outbox.js';

export const loopFeature: Feature = {
  name: 'loops',
  init(deps) {
    deps.afterIngest.push(async (effects) => {
      if (effects.sessionIds.length === 0) return;
      const changed = await evaluateSessions(deps, effects.sessionIds, deps.clock.now());
      // alerts are recorded (outbox) before this returns; sending them must not hold up the ingest
      // answer, and the outbox job retries whatever this first attempt does not deliver
      if (changed > 0) {
        void drainOutbox(deps).catch((e: unknown) => deps.logger.warn('loop alert send deferred', { err: e }));
      }
    });
  },
  listeners(app, deps) {
    registerLoopActions(app, deps);
  },
  subcommands() {
    return [sessionsSubcommand()];
  },
  adminHandlers(deps) {
    return [adminLoopHandler(deps)];
  },
  jobs(deps) {
    return [loopJob(deps)];
  },
};
