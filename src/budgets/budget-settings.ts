// A team's monthly budget, set by an admin: one audited change, then the threshold alerts a lower
// budget may already call for (queued, sent by the outbox).
import type { Deps } from '../deps.js';
import { auditRepo } from '../db/repos/audit-repo.js';
import { orgRepo, type Team } from '../db/repos/org-repo.js';
import { checkThresholds } from './thresholds.js';

/** sets (or, with null, removes) the monthly budget; returns what it was */
export async function setMonthlyBudget(deps: Deps, actor: string, team: Team, amountUsd: number | null): Promise<number | null> {
  const now = deps.clock.now();
  const before = team.monthly_budget_usd;
  deps.db.transaction(() => {
    orgRepo(deps.db).setBudget(team.id, amountUsd);
    auditRepo(deps.db).record({ actor, action: 'budget.set', teamId: team.id, subject: 'monthly_budget', details: { fromUsd: before, toUsd: amountUsd }, at: now });
  })();
  // a lower budget may already be crossed: alert now rather than at the next job run
  await checkThresholds(deps, now, [team.id]);
  return before;
}
