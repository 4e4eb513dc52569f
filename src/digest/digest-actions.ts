// The digest's buttons: *Request budget increase* opens the budget request modal for the team;
// *See sessions* answers privately with the team's recent agent sessions.
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { Deps } from '../deps.js';
import { openRequestModal } from '../budgets/index.js';
import { resolveCaller } from '../slack/caller.js';
import { ActionIds } from '../slack/ids.js';
import { sessionsForDigestButton } from './digest-sessions.js';

function teamIdOf(action: ButtonAction): number | undefined {
  const id = Number(action.value);
  return Number.isInteger(id) && id > 0 ? id : undefined;
}

export function registerDigestActions(app: App, deps: Deps): void {
  app.action<BlockAction<ButtonAction>>(ActionIds.digestRequestIncrease, async ({ ack, body, action, client }) => {
    await ack();
    await openRequestModal(client, body.trigger_id, deps, teamIdOf(action), { userId: body.user.id, channelId: body.channel?.id });
  });

  app.action<BlockAction<ButtonAction>>(ActionIds.digestSeeSessions, async ({ ack, body, action, client, respond }) => {
    await ack();
    const userId = body.user.id;
    const caller = await resolveCaller({ deps, userId, isAdmin: deps.config.admins.includes(userId), client });
    const message = sessionsForDigestButton(deps, caller, teamIdOf(action), deps.clock.now());
    await respond({ response_type: 'ephemeral', replace_original: false, text: message.text, blocks: message.blocks as never });
  });
}
