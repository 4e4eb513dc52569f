// Every action_id and callback_id, defined once. Buttons carry ids in `value`.
export const ActionIds = {
  // loop alerts
  loopAcknowledge: 'loop_ack',
  loopSnooze: 'loop_snooze_1h',
  loopExpected: 'loop_expected',
  loopExpectConfirm: 'loop_expect_confirm',
  loopExpectDecline: 'loop_expect_decline',
  loopSessions: 'loop_sessions',
  // digest
  digestRequestIncrease: 'digest_request_increase',
  digestSeeSessions: 'digest_see_sessions',
  // budgets and approvals
  budgetRequestIncrease: 'budget_request_increase',
  approvalApprove: 'approval_approve',
  approvalApproveOther: 'approval_approve_other',
  approvalDeny: 'approval_deny',
  approvalCancel: 'approval_cancel',
  // app home
  homeRefresh: 'home_refresh',
} as const;

export const CallbackIds = {
  budgetRequestModal: 'budget_request_modal',
  approveAmountModal: 'approval_amount_modal',
  denyReasonModal: 'approval_deny_modal',
} as const;
