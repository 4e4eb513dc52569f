import type { Deps, IngestEffects } from '../deps.js';

/**
 * Runs the after-ingest hooks (loop alerts, budget thresholds) once a batch has committed.
 * A hook failure is logged and never turns an accepted batch into an error for the sender.
 */
export async function runAfterIngest(deps: Deps, effects: IngestEffects): Promise<void> {
  if (effects.sessionIds.length === 0 && effects.teamIds.length === 0) return;
  for (const hook of deps.afterIngest) {
    try {
      await hook(effects);
    } catch (e) {
      deps.logger.error('after-ingest hook failed', { err: e });
    }
  }
}
