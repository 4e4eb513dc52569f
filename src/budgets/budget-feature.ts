// Budgets and approvals: monthly team budgets, 50/80/100% alerts, increase requests decided by the
// team's approvers (buttons, modals or thread replies), reminders, expiry and the audit trail.
import type { Feature } from '../feature.js';
import { budgetJob } from '../jobs/budget-job.js';
import { registerApprovalActions } from '../slack/actions/approval-actions.js';
import { adminBudgetHandler } from '../slack/commands/admin/budget.js';
import { budgetCommand } from '../slack/commands/budget.js';
import { requestCommand } from '../slack/commands/request.js';
import { registerApprovalReplies } from '../slack/events/approval-replies.js';
import { registerBudgetViews } from '../slack/views/budget-modals.js';
import { kickOutbox } from '../slack/outbox.js';
import { queueThresholds } from './thresholds.js';

export const budgetFeature: Feature = {
  name: 'budgets',
  subcommands: () => [budgetCommand(), requestCommand()],
  adminHandlers: () => [adminBudgetHandler()],
  listeners(app, deps) {
    registerApprovalActions(app, deps);
    registerBudgetViews(app, deps);
    registerApprovalReplies(app, deps);
  },
  jobs: (deps) => [budgetJob(deps)],
  init(deps) {
    // the teams whose spend just changed (in the background, after the ingest answered); the job
    // re-checks every team as a safety net. The alert is sent by the outbox, never awaited here.
    deps.afterIngest.push((effects) => {
      if (effects.teamIds.length === 0) return;
      if (queueThresholds(deps, deps.clock.now(), effects.teamIds) > 0) kickOutbox(deps);
    });
  },
};
