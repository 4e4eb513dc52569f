// Buttons of budget approvals: Approve, Approve another amount…, Deny, Cancel request, and the
// 100% alert's Request increase. Every listener acks first; refusals are answered privately.
import type { App, BlockAction, ButtonAction, RespondFn } from '@slack/bolt';
import type { Deps } from '../deps.js';
import { cancel, decide } from './decisions.js';
import { drainOutbox } from '../slack/outbox.js';
import { ActionIds } from '../slack/ids.js';
import { openDecisionModal, openRequestModal } from './budget-modals.js';

async function tellPrivately(respond: RespondFn, text: string): Promise<void> {
  await respond({ response_type: 'ephemeral', replace_original: false, text });
}

function requestIdOf(action: ButtonAction): number {
  const id = Number(action.value);
  return Number.isInteger(id) && id > 0 ? id : 0;
}

export function registerApprovalActions(app: App, deps: Deps): void {
  app.action<BlockAction<ButtonAction>>(ActionIds.approvalApprove, async ({ ack, action, body, respond }) => {
    await ack();
    const result = decide(deps, { requestId: requestIdOf(action), actor: body.user.id, outcome: 'approve' });
    if (!result.ok) {
      await tellPrivately(respond, result.message);
      return;
    }
    await drainOutbox(deps);
  });

  app.action<BlockAction<ButtonAction>>(ActionIds.approvalApproveOther, async ({ ack, action, body, respond, client }) => {
    await ack();
    const refusal = await openDecisionModal(client, body.trigger_id, deps, {
      requestId: requestIdOf(action),
      actor: body.user.id,
      kind: 'amount',
    });
    if (refusal) await tellPrivately(respond, refusal);
  });

  app.action<BlockAction<ButtonAction>>(ActionIds.approvalDeny, async ({ ack, action, body, respond, client }) => {
    await ack();
    const refusal = await openDecisionModal(client, body.trigger_id, deps, {
      requestId: requestIdOf(action),
      actor: body.user.id,
      kind: 'deny',
    });
    if (refusal) await tellPrivately(respond, refusal);
  });

  app.action<BlockAction<ButtonAction>>(ActionIds.approvalCancel, async ({ ack, action, body, respond }) => {
    await ack();
    const result = cancel(deps, { requestId: requestIdOf(action), actor: body.user.id });
    if (!result.ok) {
      await tellPrivately(respond, result.message);
      return;
    }
    await tellPrivately(respond, `Request #${result.request.id} is cancelled. The approvers' message shows it.`);
    await drainOutbox(deps);
  });

  app.action<BlockAction<ButtonAction>>(ActionIds.budgetRequestIncrease, async ({ ack, action, body, client }) => {
    await ack();
    const teamId = Number(action.value);
    await openRequestModal(client, body.trigger_id, deps, Number.isInteger(teamId) && teamId > 0 ? teamId : undefined, {
      userId: body.user.id,
      channelId: body.channel?.id,
    });
  });
}
