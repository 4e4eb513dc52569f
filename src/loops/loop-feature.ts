// Loop alerts: catch agent sessions that keep spending without producing commits (issues 6 and 13).
// Sessions are evaluated in the background after every ingest batch that touches them, and every
// minute while active; alerts wait until their data has settled (LOOP_SETTLE_SECONDS).
import type { Feature } from '../feature.js';
import { evaluateSessions, loopJob } from './loop-job.js';
import { registerLoopActions } from './loop-actions.js';
import { adminLoopHandler } from './admin-loop-command.js';
import { sessionsSubcommand } from './sessions-command.js';
import { kickOutbox } from '../slack/outbox.js';

export const loopFeature: Feature = {
  name: 'loops',
  init(deps) {
    deps.afterIngest.push(async (effects) => {
      if (effects.sessionIds.length === 0) return;
      const changed = await evaluateSessions(deps, effects.sessionIds, deps.clock.now());
      // recorded in the outbox before this returns; the outbox sends them on its own time
      if (changed > 0) kickOutbox(deps);
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
