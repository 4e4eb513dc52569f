// Buttons of a loop alert (Acknowledge, Snooze 1 h, Expected (long task)) and of an owner's request
// to excuse a session (Confirm, Decline). The listener acks at once, hands the press to the loops
// service (src/loops/presses.ts: who may do what, and the change), then answers: the pressed message
// replaced and/or a private note through response_url or, for a press on the App Home (a request
// waiting there), the Home published again with the note on top. Other copies go through the
// outbox, kicked and not awaited.
import type { App, BlockAction, ButtonAction, RespondArguments } from '@slack/bolt';
import type { Deps } from '../deps.js';
import { pressLoopButton, type PressAnswer, type PressButton } from './presses.js';
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
      // a press on the App Home (Confirm / Decline of a request waiting there) has no message and no
      // response_url: the Home is published again, without the request, with what happened on top
      const fromHome = body.container?.type === 'view' && body.view?.type === 'home';
      const answerPresser = async (answer: PressAnswer) => {
        if (fromHome) {
          if (!deps.refreshHome) return log.warn('loop button pressed on the App Home, but no feature shows one');
          await deps.refreshHome(body.user.id, answer.note ?? answer.done).catch((e: unknown) => log.warn('could not refresh the App Home', { err: e }));
          return;
        }
        if (!body.response_url) return log.warn('loop button pressed where there is no message to answer in');
        if (answer.replace) await respond(answer.replace).catch((e: unknown) => log.warn('could not replace the pressed message', { err: e }));
        if (answer.note) await respond(privately(answer.note)).catch((e: unknown) => log.warn('could not answer privately', { err: e }));
      };
      let answer: PressAnswer;
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
        await answerPresser({ note: 'Sorry, that did not work, and nothing was changed. Please try again in a moment.' });
        return;
      }
      kickOutbox(deps);
      await answerPresser(answer);
    });
  }
}
