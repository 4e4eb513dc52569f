// Loop alert messages: the alert itself (team channel and owner DM), escalation replies in its thread,
// and the notes shown to whoever presses its buttons. Pure functions of plain data, phone-readable.
import { RULE_LABELS, streakOf, type AlertStatus, type LoopRule } from '../../domain/loop-rules.js';
import { ActionIds } from '../ids.js';
import { clip, duration, escapeMrkdwn, usd, userRef } from './format.js';

export interface LoopAlertView {
  alertId: number;
  rule: LoopRule;
  status: AlertStatus;
  level: number;
  reason: string;
  sessionId: string;
  repo: string | null;
  project: string | null;
  owner: { slackUserId: string | null; email: string | null; name: string | null };
  teamName: string | null;
  startedAt: number;
  /** when the session last did something (capped at asOf) */
  activeUntil: number;
  lastCommitAt: number | null;
  costUsd: number;
  costSinceCommit: number;
  /** a commit landed after the latest alert level: the streak reset */
  commitResetAt: number | null;
  actedBy: string | null;
  actedAt: number | null;
  snoozedUntil: number | null;
  asOf: number;
}

/** The session and alert rows as the builder needs them. */
export function loopAlertView(
  session: {
    session_id: string;
    repo: string | null;
    project: string | null;
    started_at: number;
    last_activity_at: number;
    cost_usd: number;
    last_commit_at: number | null;
    cost_at_last_commit: number;
    lines_added: number;
    lines_removed: number;
    lines_at_last_commit: number;
    owner_slack_id: string | null;
    owner_email: string | null;
    owner_name: string | null;
  },
  alert: {
    id: number;
    rule: LoopRule;
    status: AlertStatus;
    level: number;
    reason: string;
    updated_at: number;
    acted_by: string | null;
    acted_at: number | null;
    snoozed_until: number | null;
  },
  teamName: string | null,
  now: number,
): LoopAlertView {
  const streak = streakOf(
    {
      startedAt: session.started_at,
      lastActivityAt: session.last_activity_at,
      costUsd: session.cost_usd,
      lastCommitAt: session.last_commit_at,
      costAtLastCommit: session.cost_at_last_commit,
      linesAdded: session.lines_added,
      linesRemoved: session.lines_removed,
      linesAtLastCommit: session.lines_at_last_commit,
    },
    now,
  );
  const resetAt = session.last_commit_at !== null && session.last_commit_at > alert.updated_at ? session.last_commit_at : null;
  return {
    alertId: alert.id,
    rule: alert.rule,
    status: alert.status,
    level: alert.level,
    reason: alert.reason,
    sessionId: session.session_id,
    repo: session.repo,
    project: session.project,
    owner: { slackUserId: session.owner_slack_id, email: session.owner_email, name: session.owner_name },
    teamName,
    startedAt: session.started_at,
    activeUntil: Math.min(now, Math.max(session.last_activity_at, session.started_at)),
    lastCommitAt: session.last_commit_at,
    costUsd: session.cost_usd,
    costSinceCommit: streak.costSinceCommit,
    commitResetAt: resetAt,
    actedBy: alert.acted_by,
    actedAt: alert.acted_at,
    snoozedUntil: alert.snoozed_until,
    asOf: now,
  };
}

/** A time Slack shows in each reader's own zone; the fallback is UTC. */
export function slackTime(ms: number): string {
  const sec = Math.floor(ms / 1000);
  const fallback = new Date(ms).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
  return `<!date^${sec}^{date_short_pretty} {time}|${fallback}>`;
}

export function shortSession(id: string): string {
  return id.length > 12 ? `${id.slice(0, 8)}…` : id;
}

function ownerText(v: LoopAlertView): string {
  return userRef(v.owner.slackUserId, v.owner.email ?? v.owner.name ?? 'an unknown user');
}

function where(v: LoopAlertView): string {
  const parts = [v.repo, v.project && v.project !== v.repo ? v.project : null].filter((x): x is string => !!x);
  return parts.length ? ` in ${parts.map((p) => `*${escapeMrkdwn(p)}*`).join(' / ')}` : '';
}

function statusLine(v: LoopAlertView): string | undefined {
  const who = v.actedBy ? `<@${v.actedBy}>` : 'someone';
  const when = v.actedAt !== null ? ` at ${slackTime(v.actedAt)}` : '';
  switch (v.status) {
    case 'acknowledged':
      return `:white_check_mark: Acknowledged by ${who}${when}. No more alerts for this rule on this session.`;
    case 'snoozed':
      return `:zzz: Snoozed by ${who}${when}, until ${v.snoozedUntil !== null ? slackTime(v.snoozedUntil) : 'later'}.`;
    case 'expected':
      return `:hourglass_flowing_sand: Marked *expected (long task)* by ${who}${when}. No more alerts for this session.`;
    case 'open':
      return undefined;
  }
}

function buttons(alertId: number, status: AlertStatus): unknown[] {
  const value = String(alertId);
  const ack = {
    type: 'button',
    action_id: ActionIds.loopAcknowledge,
    text: { type: 'plain_text', text: 'Acknowledge' },
    style: 'primary',
    value,
  };
  const snooze = { type: 'button', action_id: ActionIds.loopSnooze, text: { type: 'plain_text', text: 'Snooze 1 h' }, value };
  const expected = {
    type: 'button',
    action_id: ActionIds.loopExpected,
    text: { type: 'plain_text', text: 'Expected (long task)' },
    value,
  };
  return status === 'snoozed' ? [ack, expected] : [ack, snooze, expected];
}

function headline(v: LoopAlertView, audience: 'channel' | 'owner'): string {
  if (audience === 'owner') return `:rotating_light: *Your agent session may be looping*${where(v)}`;
  return `:rotating_light: *Possible agent loop:* ${ownerText(v)}'s session${where(v)}`;
}

/** The alert (channel post or owner DM). Buttons stay while it is open or snoozed. */
export function loopAlertMessage(v: LoopAlertView, audience: 'channel' | 'owner' = 'channel'): { text: string; blocks: unknown[] } {
  const noCommit =
    v.lastCommitAt === null ? `no commit since it started ${slackTime(v.startedAt)}` : `last commit ${slackTime(v.lastCommitAt)}`;
  const blocks: unknown[] = [
    { type: 'section', text: { type: 'mrkdwn', text: clip(headline(v, audience), 3000) } },
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*Since last commit*\n${usd(v.costSinceCommit)}` },
        { type: 'mrkdwn', text: `*Session total*\n${usd(v.costUsd)}` },
        { type: 'mrkdwn', text: `*Running*\n${duration(v.activeUntil - v.startedAt)}` },
        { type: 'mrkdwn', text: `*Commits*\n${noCommit}` },
        { type: 'mrkdwn', text: `*Owner*\n${ownerText(v)}` },
        { type: 'mrkdwn', text: `*Session*\n\`${escapeMrkdwn(clip(v.sessionId, 80))}\`` },
      ],
    },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: clip(`*${RULE_LABELS[v.rule]}*${v.level > 1 ? ` (level ${v.level})` : ''}: ${escapeMrkdwn(v.reason)}`, 3000),
      },
    },
  ];
  if (v.commitResetAt !== null) {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: `:white_check_mark: A commit landed ${slackTime(v.commitResetAt)}: the no-commit streak reset.` },
    });
  }
  const status = statusLine(v);
  if (status) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: status } });
  if (v.status === 'open' || v.status === 'snoozed') {
    blocks.push({ type: 'actions', block_id: `loop_alert_${v.alertId}`, elements: buttons(v.alertId, v.status) });
  }
  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text:
          `Figures as of ${slackTime(v.asOf)}${v.teamName ? ` · team ${escapeMrkdwn(v.teamName)}` : ''}. ` +
          'All looping sessions: `/aispend sessions looping`.',
      },
    ],
  });
  const who = v.owner.slackUserId ? `<@${v.owner.slackUserId}>` : (v.owner.email ?? 'someone');
  const text =
    (audience === 'owner' ? 'Your agent session may be looping: ' : `Possible agent loop: ${who}'s session `) +
    `${shortSession(v.sessionId)} spent ${usd(v.costSinceCommit)} ` +
    `${v.lastCommitAt === null ? 'since it started' : 'since its last commit'} (${RULE_LABELS[v.rule]}).`;
  return { text, blocks };
}

/** A re-alert, posted in the alert's thread (or DM'd when the team has no channel). */
export function loopEscalationMessage(
  v: LoopAlertView,
  previousCost: number,
  why: 'worse' | 'snooze_ended',
): { text: string; blocks: unknown[] } {
  const lead =
    why === 'worse'
      ? `:arrow_double_up: *Getting worse:* ${usd(v.costSinceCommit)} since the last commit now, up from ${usd(previousCost)} at the last alert.`
      : `:alarm_clock: *Snooze over, still going:* ${usd(v.costSinceCommit)} since the last commit (${usd(previousCost)} at the last alert).`;
  const detail = `${RULE_LABELS[v.rule]} (level ${v.level}): ${escapeMrkdwn(v.reason)} Running ${duration(v.activeUntil - v.startedAt)}, ${usd(v.costUsd)} in total.`;
  return {
    text: `${shortSession(v.sessionId)}: ${usd(v.costSinceCommit)} since the last commit (level ${v.level}).`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: clip(`${lead}\n${detail}`, 3000) } },
      {
        type: 'context',
        elements: [{ type: 'mrkdwn', text: `Session \`${escapeMrkdwn(clip(v.sessionId, 80))}\` · owner ${ownerText(v)}` }],
      },
    ],
  };
}

export type LoopButton = 'acknowledge' | 'snooze' | 'expected';

/** What the presser is told privately when they may not act. */
export function notAllowedNote(owner: { slackUserId: string | null; email: string | null }): string {
  const who = owner.slackUserId ? `<@${owner.slackUserId}>` : 'the session owner';
  return `Only ${who}, the team's approvers or aispend admins can act on this loop alert. Nothing was changed.`;
}

/** The private note when an alert was already closed by someone. */
export function alreadyDoneNote(status: AlertStatus, actedBy: string | null): string {
  const who = actedBy ? ` by <@${actedBy}>` : '';
  if (status === 'acknowledged') return `This alert was already acknowledged${who}. Nothing was changed.`;
  if (status === 'expected') return `This session was already marked expected${who}. Nothing was changed.`;
  return 'Nothing was changed.';
}
