// Buttons of a loop alert: Acknowledge, Snooze 1 h, Expected (long task). Only the session owner,
// the team's approvers and admins may press them; anyone else gets a private note and nothing changes.
// The pressed message is replaced through response_url; the other copy (channel post or owner DM)
// is updated through the outbox.
import type { App, BlockAction, ButtonAction, RespondArguments } from '@slack/bolt';
import type { Deps } from '../../deps.js';
import { auditRepo } from '../../db/repos/audit-repo.js';
import { loopRepo, type LoopAlertRow, type LoopSession } from '../../db/repos/loop-repo.js';
import { orgRepo } from '../../db/repos/org-repo.js';
import { outboxRepo } from '../../db/repos/outbox-repo.js';
import { LOOP_KIND, loopKeys } from '../../jobs/loop-job.js';
import { alreadyDoneNote, loopAlertMessage, loopAlertView, notAllowedNote, type LoopButton } from '../blocks/loop-alert.js';
import { ActionIds } from '../ids.js';
import { drainOutbox, enqueue, type OutboxResult } from '../outbox.js';

export const SNOOZE_MS = 60 * 60 * 1000;

export interface LoopPress {
  button: LoopButton;
  /** the button's value: the loop_alerts id */
  value: string | undefined;
  userId: string;
  /** where the pressed message is */
  channelId?: string;
  messageTs?: string;
  respond(message: RespondArguments): Promise<unknown>;
}

/** Who may act on an alert: the session owner, the team's approvers, admins. */
export function mayAct(deps: Deps, userId: string, alert: LoopAlertRow, session: LoopSession | undefined): boolean {
  if (deps.config.admins.includes(userId)) return true;
  if (session?.owner_slack_id === userId) return true;
  return alert.team_id !== null && orgRepo(deps.db).approvers(alert.team_id).includes(userId);
}

const privately = (text: string): RespondArguments => ({ response_type: 'ephemeral', replace_original: false, text });

function isMessage(result: string | null, channelId: string | undefined, ts: string | undefined): boolean {
  if (!result || !channelId || !ts) return false;
  const r = JSON.parse(result) as OutboxResult;
  return r.channel === channelId && r.ts === ts;
}

export async function handleLoopPress(deps: Deps, press: LoopPress): Promise<void> {
  const now = deps.clock.now();
  const repo = loopRepo(deps.db);
  const log = deps.logger.child({ action: press.button, user: press.userId });
  const id = Number(press.value);
  const alert = Number.isSafeInteger(id) ? repo.alertById(id) : undefined;
  if (!alert) {
    await press.respond(privately('This loop alert no longer exists. Nothing was changed.'));
    return;
  }
  const session = repo.session(alert.session_id);
  if (!mayAct(deps, press.userId, alert, session)) {
    log.info('loop alert button refused', { alert: alert.id });
    await press.respond(
      privately(notAllowedNote({ slackUserId: session?.owner_slack_id ?? null, email: session?.owner_email ?? null })),
    );
    return;
  }
  if (alert.status === 'acknowledged' || alert.status === 'expected') {
    await press.respond(privately(alreadyDoneNote(alert.status, alert.acted_by)));
    return;
  }

  const outbox = outboxRepo(deps.db);
  const teamName = alert.team_id !== null ? (orgRepo(deps.db).teamById(alert.team_id)?.name ?? null) : null;
  const pressed = deps.db.transaction((): RespondArguments | undefined => {
    // read again inside the transaction: of two presses at once, the second sees the first
    const current = repo.alertById(alert.id)!;
    if (current.status === 'acknowledged' || current.status === 'expected') {
      return privately(alreadyDoneNote(current.status, current.acted_by));
    }
    let pressed: RespondArguments | undefined;
    let touched: number[];
    if (press.button === 'acknowledge') {
      repo.actOnAlert(alert.id, 'acknowledged', press.userId, now, null);
      touched = [alert.id];
    } else if (press.button === 'snooze') {
      repo.actOnAlert(alert.id, 'snoozed', press.userId, now, now + SNOOZE_MS);
      touched = [alert.id];
    } else {
      // the whole session is a long task: every alert of it stops, and none is raised again
      repo.markSessionExpected(alert.session_id);
      touched = repo.expectSessionAlerts(alert.session_id, press.userId, now);
    }
    auditRepo(deps.db).record({
      actor: press.userId,
      action: `loop.${press.button}`,
      teamId: alert.team_id,
      subject: `loop_alert:${alert.id}`,
      details: { session_id: alert.session_id, rule: alert.rule },
      at: now,
    });
    const fresh = repo.session(alert.session_id);
    if (!fresh) return undefined;
    for (const aid of touched) {
      const row = repo.alertById(aid)!;
      const view = loopAlertView(fresh, row, teamName, now);
      const keys = loopKeys(row.session_id, row.rule);
      for (const [key, audience] of [
        [keys.channel, 'channel'],
        [keys.dm, 'owner'],
      ] as const) {
        const copy = outbox.byKey(key);
        if (!copy || copy.status === 'dead') continue;
        const message = loopAlertMessage(view, audience);
        if (aid === alert.id && isMessage(copy.result, press.channelId, press.messageTs)) {
          pressed = { replace_original: true, ...message };
          continue;
        }
        enqueue(deps, {
          key: `${key}:act:${press.button}:${now}`,
          kind: LOOP_KIND,
          payload: { op: 'update', target: { key }, ...message },
          after: key,
        });
      }
      if (aid === alert.id && !pressed) {
        // a copy the outbox does not know (or not sent yet): still show the change where it was pressed
        pressed = { replace_original: true, ...loopAlertMessage(view, 'channel') };
      }
    }
    return pressed;
  })();
  log.info('loop alert updated', { alert: alert.id, status: press.button });
  if (pressed) {
    await press.respond(pressed).catch((e: unknown) => log.warn('could not replace the pressed loop alert', { err: e }));
  }
  await drainOutbox(deps);
}

export function registerLoopActions(app: App, deps: Deps): void {
  const buttons: Array<[string, LoopButton]> = [
    [ActionIds.loopAcknowledge, 'acknowledge'],
    [ActionIds.loopSnooze, 'snooze'],
    [ActionIds.loopExpected, 'expected'],
  ];
  for (const [actionId, button] of buttons) {
    app.action<BlockAction<ButtonAction>>(actionId, async ({ ack, body, action, respond }) => {
      await ack();
      await handleLoopPress(deps, {
        button,
        value: action.value,
        userId: body.user.id,
        channelId: body.channel?.id ?? body.container?.channel_id,
        messageTs: body.message?.ts ?? body.container?.message_ts,
        respond,
      });
    });
  }
}
