// A team's loop-alert thresholds, set by an admin (null: back to LOOP_MIN_COST_USD / LOOP_MIN_MINUTES).
import type { Deps } from '../deps.js';
import { auditRepo } from '../db/repos/audit-repo.js';
import { orgRepo, type Team } from '../db/repos/org-repo.js';

export function setLoopThresholds(deps: Pick<Deps, 'db' | 'clock'>, actor: string, team: Team, costUsd: number | null, minutes: number | null): void {
  const now = deps.clock.now();
  deps.db.transaction(() => {
    orgRepo(deps.db).setLoopThresholds(team.id, costUsd, minutes);
    auditRepo(deps.db).record({ actor, action: 'loop.thresholds', teamId: team.id, subject: 'team', details: { cost_usd: costUsd, minutes }, at: now });
  })();
}
