// Buttons of a loop alert (Acknowledge, Snooze 1 h, Expected (long task)) and of an owner's request
// to excuse a session (Confirm, Decline). The listener acks at once, hands the press to the loops
// service (src/loops/presses.ts: who may do what, and the change), then answers: the pressed message
// replaced and/or a private note through response_url. Other copies go through the outbox, kicked
// and not awaited.
import type { App, BlockAction, ButtonAction, RespondArguments } from '@slack/bolt';
import type { Deps } from '../deps.js';
import { pressLoopButton, type PressButton } from './presses.js';
import { kickOutbox } from '../slack/outbox.js';
import { ActionIds } from '../slack/ids.js';

const privately = (text: string): RespondArguments => ({ response_type: 'ephemeral', replace_original: false, text });

export function registerLoopActions(app: App, deps: Deps): void {
  const buttons: Array<[string, PressButton]> = [
    [ActionIds.loopAcknowledge, 'acknowledge'],
    [ActionIds.loopSnooze, 'snooze'],
    [ActionIds.loopExpected, 'expected'],
    [ActionIds.loopExpectConfirm, 'confirm'],
    [ActionIds.loopExpectDecline, 'decline'],
  ];
  for (const [actionId, button] of buttons) {
    app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, body, action, respond }) => {
      await ack();
      const log = deps.logger.child({ action: button, user: body.user.id });
      let answer;
      try {
        answer = pressLoopButton(deps, {
          button,
          value: action.value,
          userId: body.user.id,
          channelId: body.channel?.id ?? body.container?.channel_id,
          messageTs: body.message?.ts ?? body.container?.message_ts,
        });
      } catch (e) {
        log.error('loop button failed', { err: e });
        await respond(privately('Sorry, that did not work, and nothing was changed. Please try again in a moment.')).catch(() => undefined);
        return;
      }
      kickOutbox(deps);
      if (answer.replace) await respond(answer.replace).catch((e: unknown) => log.warn('could not replace the pressed message', { err: e }));
      if (answer.note) await respond(privately(answer.note)).catch((e: unknown) => log.warn('could not answer privately', { err: e }));
    });
  }
}
