// A person's Claude plan. Claude Code used under a subscription (Team, Enterprise, Max) is not
// billed per token: its telemetry is labelled `subscription`, shown at its API list-price
// equivalent and never compared with the API bill. The Analytics API tells us per day (its
// customer_type); an admin can say so for people it does not cover, and that wins.
import type { Deps } from '../../deps.js';
import { orgRepo } from '../../db/repos/org-repo.js';
import { usageRepo } from '../../db/repos/usage-repo.js';
import { BILLING } from '../../domain/billing-source.js';
import { utcDayOf } from '../../domain/reconciliation.js';
import { reconcileDays, relabelled } from './reconcile.js';

export type PlanChoice = 'subscription' | 'api' | 'auto';

export interface PlanChange {
  /** counted telemetry that changed billing source */
  relabelledUsd: number;
  rows: number;
}

/**
 * Sets (or, with 'auto', clears) the admin's word on a person's plan. 'subscription' and 'api'
 * relabel all the person's Claude Code telemetry to match and recompute the bills of the days it
 * touched. Call inside a transaction.
 */
export function setClaudePlan(deps: Pick<Deps, 'db' | 'config'>, personId: number, choice: PlanChoice): PlanChange {
  const org = orgRepo(deps.db);
  if (choice === 'auto') {
    org.setClaudePlan(personId, null, null);
    return { relabelledUsd: 0, rows: 0 };
  }
  org.setClaudePlan(personId, choice, 'admin');
  const [from, to] = choice === 'subscription' ? [BILLING.anthropicApi, BILLING.subscription] : [BILLING.subscription, BILLING.anthropicApi];
  const usage = usageRepo(deps.db);
  const writer = usage.writer();
  const days = new Map<string, [string, string]>();
  let relabelledUsd = 0;
  const rows = usage.personTelemetryOf(personId, from);
  for (const r of rows) {
    writer.replace(relabelled(r, to));
    if (r.counted === 1) relabelledUsd += r.cost_usd;
    const d = utcDayOf(r.ts);
    days.set(d, ['anthropic', d]);
  }
  writer.flush();
  if (days.size > 0) reconcileDays({ db: deps.db, timezone: deps.config.timezone, writer }, days.values());
  return { relabelledUsd, rows: rows.length };
}
