// Budgets and approvals: monthly team budgets, 50/80/100% alerts, increase requests decided by the
// team's approvers (buttons, modals or thread replies), reminders, expiry and the audit trail.
import type { Feature } from '../feature.js';
import { budgetJob } from './budget-job.js';
import { registerApprovalActions } from './approval-actions.js';
import { adminBudgetHandler } from './admin-budget-command.js';
import { budgetCommand } from './budget-command.js';
import { requestCommand } from './request-command.js';
import { registerApprovalReplies } from './approval-replies.js';
import { registerBudgetViews } from './budget-modals.js';
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
