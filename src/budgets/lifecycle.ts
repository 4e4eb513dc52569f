// Pending requests over time: one reminder in the thread after BUDGET_REMINDER_HOURS, expiry after
// BUDGET_EXPIRY_DAYS. Each step is a conditional update with its audit row and message in one
// transaction, so a job that runs twice (or on two instances) reminds and expires once.
import type { Deps } from '../deps.js';
import { auditRepo } from '../db/repos/audit-repo.js';
import { budgetRepo, type BudgetRequest } from '../db/repos/budget-repo.js';
import { orgRepo } from '../db/repos/org-repo.js';
import { expiresAt, lifecycleDue } from './budget-policy.js';
import { reminderText } from './approval-blocks.js';
import { outboxRepo } from '../db/repos/outbox-repo.js';
import { enqueue, type OutboxPayload } from '../slack/outbox.js';
import { expire } from './decisions.js';
import { approvalKey } from './requests.js';

function remind(deps: Deps, r: BudgetRequest, now: number): boolean {
  const parentKey = approvalKey(r.id);
  const parent = outboxRepo(deps.db).byKey(parentKey);
  const posted = parent ? (JSON.parse(parent.payload) as OutboxPayload) : undefined;
  const approvers = orgRepo(deps.db).approvers(r.team_id).filter((a) => a !== r.requester_slack_id);
  return deps.db.transaction(() => {
    if (!budgetRepo(deps.db).markReminded(r.id, now)) return false;
    auditRepo(deps.db).record({
      actor: 'aispend',
      action: 'budget.remind',
      teamId: r.team_id,
      subject: `request:${r.id}`,
      details: { approvers },
      at: now,
    });
    if (posted?.op === 'post') {
      enqueue(deps, {
        key: `${parentKey}:reminder`,
        kind: 'approval',
        after: parentKey,
        payload: {
          op: 'post',
          channel: posted.channel,
          thread: { parentKey },
          text: reminderText({
            requester: r.requester_slack_id,
            amountUsd: r.amount_usd,
            approvers,
            expiresAt: expiresAt(r, deps.config.budget),
            tz: deps.config.timezone,
            hours: deps.config.budget.reminderHours,
          }),
        },
      });
    }
    return true;
  })();
}

/** Reminds and expires what is due. Returns the counts. Synchronous: the caller drains the outbox. */
export function advancePending(deps: Deps, now: number): { reminded: number; expired: number } {
  let reminded = 0;
  let expired = 0;
  for (const r of budgetRepo(deps.db).pending()) {
    const due = lifecycleDue(r, now, deps.config.budget);
    if (due === 'expire' && expire(deps, r, now)) expired += 1;
    else if (due === 'remind' && remind(deps, r, now)) reminded += 1;
  }
  if (reminded || expired) deps.logger.info('budget requests advanced', { reminded, expired });
  return { reminded, expired };
}
