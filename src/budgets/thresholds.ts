// Threshold alerts at 50/80/100% of a team's month budget, each at most once per team per month.
// The outbox key budget-threshold:<team>:<month>:<pct> is the record that a level was alerted
// (it survives restarts); only the highest crossed level is sent, and it covers the lower ones.
import type { Deps } from '../deps.js';
import { auditRepo } from '../db/repos/audit-repo.js';
import { budgetRepo, thresholdKey } from '../db/repos/budget-repo.js';
import { orgRepo, type Team } from '../db/repos/org-repo.js';
import { thresholdToAlert } from './budget-policy.js';
import { thresholdAlertMessage } from './budget-blocks.js';
import { drainOutbox, enqueue } from '../slack/outbox.js';
import { budgetStatus } from './budget-numbers.js';

/** Queues the due alert of one team, if any. Returns the level queued. Synchronous (no Slack call). */
export function queueThresholdAlert(deps: Deps, team: Team, now: number): number | undefined {
  if (team.monthly_budget_usd === null) {
    // increases alone can make a budget, but a team without a monthly budget is not being governed
    return undefined;
  }
  const status = budgetStatus(deps, team, now);
  const repo = budgetRepo(deps.db);
  const first = thresholdToAlert(status.spentUsd, status.budgetUsd, repo.alertedThresholds(team.id, status.month));
  if (first === undefined) return undefined;
  if (!team.channel_id) {
    deps.logger.warn('budget threshold crossed but the team has no channel', { teamId: team.id, pct: first });
    return undefined;
  }
  const channel = team.channel_id;
  return deps.db.transaction(() => {
    // read again inside the transaction: concurrent ingests must not both alert
    const pct = thresholdToAlert(status.spentUsd, status.budgetUsd, repo.alertedThresholds(team.id, status.month));
    if (pct === undefined) return undefined;
    const message = thresholdAlertMessage({
      teamId: team.id,
      teamName: team.name,
      month: status.month,
      pct,
      spentUsd: status.spentUsd,
      budgetUsd: status.budgetUsd!,
      forecastUsd: status.forecastUsd,
    });
    enqueue(deps, {
      key: thresholdKey(team.id, status.month, pct),
      kind: 'budget-threshold',
      payload: { op: 'post', channel, text: message.text, blocks: message.blocks },
    });
    auditRepo(deps.db).record({
      actor: 'aispend',
      action: 'budget.threshold',
      teamId: team.id,
      subject: `threshold:${pct}`,
      details: { pct, month: status.month, spentUsd: round2(status.spentUsd), budgetUsd: status.budgetUsd },
      at: now,
    });
    return pct;
  })();
}

/** Checks the given teams (all teams with a budget when omitted) and sends what is due. */
export async function checkThresholds(deps: Deps, now: number, teamIds?: Array<number | null>): Promise<number> {
  const queued = queueThresholds(deps, now, teamIds);
  if (queued > 0) await drainOutbox(deps);
  return queued;
}

/**
 * Queues the due alerts of the given teams (all teams with a budget when omitted) in the outbox and
 * returns how many. No Slack call: for the after-ingest run and the job, which leave sending to the outbox.
 */
export function queueThresholds(deps: Deps, now: number, teamIds?: Array<number | null>): number {
  const org = orgRepo(deps.db);
  const teams =
    teamIds === undefined
      ? org.teams().filter((t) => t.monthly_budget_usd !== null)
      : [...new Set(teamIds.filter((id): id is number => typeof id === 'number' && id > 0))]
          .map((id) => org.teamById(id))
          .filter((t): t is Team => t !== undefined);
  let queued = 0;
  for (const team of teams) if (queueThresholdAlert(deps, team, now) !== undefined) queued += 1;
  return queued;
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}
