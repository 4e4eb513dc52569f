// Loop alert messages: the alert itself (team channel and owner DM), escalation replies in its thread,
// the owner's request to mark a session an expected long task (and its decision), and the notes shown
// to whoever presses the buttons. Pure functions of plain data, phone-readable.
import { RULE_LABELS, snapshotOf, streakOf, type AlertStatus, type LoopRule } from './loop-rules.js';
import { ActionIds } from '../slack/ids.js';
import { clip, duration, escapeMrkdwn, usd, userRef } from '../slack/format.js';

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
  /** the owner's latest request to have the session marked an expected long task */
  expectRequest: ExpectRequestView | null;
  /** who did what to this alert (and to its session), oldest first */
  history: LoopStep[];
  asOf: number;
}

export interface ExpectRequestView {
  id: number;
  status: 'pending' | 'approved' | 'declined';
  requestedBy: string;
  requestedAt: number;
  /** who was asked to decide */
  approvers: string[];
  decidedBy: string | null;
  decidedAt: number | null;
}

export type LoopStepAction = 'acknowledge' | 'snooze' | 'expected_request' | 'expected' | 'expected_decline';

export interface LoopStep {
  actor: string;
  action: LoopStepAction;
  at: number;
  /** snooze: until when */
  until?: number | null;
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
  extras: { expectRequest?: ExpectRequestView | null; history?: LoopStep[] } = {},
): LoopAlertView {
  const streak = streakOf(snapshotOf(session), now);
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
    expectRequest: extras.expectRequest ?? null,
    history: extras.history ?? [],
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

const mention = (id: string | null | undefined) => (id ? `<@${id}>` : 'someone');

/** "<@A> or <@B>", "<@A>, <@B> or <@C>" */
export function mentionList(ids: string[]): string {
  const refs = ids.map((id) => `<@${id}>`);
  return refs.length <= 1 ? (refs[0] ?? '') : `${refs.slice(0, -1).join(', ')} or ${refs.at(-1)!}`;
}

function statusLine(v: LoopAlertView): string | undefined {
  const who = mention(v.actedBy);
  const when = v.actedAt !== null ? ` at ${slackTime(v.actedAt)}` : '';
  switch (v.status) {
    case 'acknowledged':
      return `:white_check_mark: Acknowledged by ${who}${when}. No more alerts for this rule on this session; it still counts as waste.`;
    case 'snoozed':
      return `:zzz: Snoozed by ${who}${when}, until ${v.snoozedUntil !== null ? slackTime(v.snoozedUntil) : 'later'}.`;
    case 'expected': {
      const asked = v.expectRequest?.status === 'approved' ? ` (asked by ${mention(v.expectRequest.requestedBy)})` : '';
      return `:hourglass_flowing_sand: Marked *expected (long task)* by ${who}${when}${asked}. No more alerts for this session, and it no longer counts as waste.`;
    }
    case 'open':
      return undefined;
  }
}

/** the owner's request, while it waits or after it was declined */
function requestLine(v: LoopAlertView): string | undefined {
  const r = v.expectRequest;
  if (!r || v.status === 'expected') return undefined;
  if (r.status === 'pending') {
    const deciders = r.approvers.length ? mentionList(r.approvers) : 'an admin';
    return (
      `:raising_hand: ${mention(r.requestedBy)} asked at ${slackTime(r.requestedAt)} to mark this session an *expected long task*; ` +
      `${deciders} can confirm it. Until then it counts as waste.`
    );
  }
  if (r.status === 'declined') {
    const when = r.decidedAt !== null ? ` at ${slackTime(r.decidedAt)}` : '';
    return `:no_entry_sign: ${mention(r.decidedBy)} declined${when} to mark this session an expected long task: it counts as waste.`;
  }
  return undefined;
}

function stepText(s: LoopStep): string {
  const who = mention(s.actor);
  const when = slackTime(s.at);
  switch (s.action) {
    case 'acknowledge':
      return `${who} acknowledged · ${when}`;
    case 'snooze':
      return `${who} snoozed${s.until ? ` until ${slackTime(s.until)}` : ''} · ${when}`;
    case 'expected_request':
      return `${who} asked to mark it an expected long task · ${when}`;
    case 'expected':
      return `${who} marked it an expected long task · ${when}`;
    case 'expected_decline':
      return `${who} declined it as an expected long task · ${when}`;
  }
}

/** the last steps, oldest first: with one step the status line already says it */
function historyText(v: LoopAlertView): string | undefined {
  if (v.history.length < 2) return undefined;
  const shown = v.history.slice(-6);
  const more = v.history.length - shown.length;
  return `*History:* ${more > 0 ? `${more} earlier step${more === 1 ? '' : 's'}, then ` : ''}${shown.map(stepText).join('; ')}.`;
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
  // an acknowledged alert still counts as waste: an approver can still excuse it
  if (status === 'acknowledged') return [expected];
  return status === 'snoozed' ? [ack, expected] : [ack, snooze, expected];
}

function headline(v: LoopAlertView, audience: 'channel' | 'owner'): string {
  if (audience === 'owner') return `:rotating_light: *Your agent session may be looping*${where(v)}`;
  return `:rotating_light: *Possible agent loop:* ${ownerText(v)}'s session${where(v)}`;
}

/** The alert (channel post or owner DM). Buttons stay until the session is marked expected. */
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
  const request = requestLine(v);
  if (request) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: request } });
  if (v.status !== 'expected') {
    blocks.push({ type: 'actions', block_id: `loop_alert_${v.alertId}`, elements: buttons(v.alertId, v.status) });
  }
  const context = [
    `Figures as of ${slackTime(v.asOf)}${v.teamName ? ` · team ${escapeMrkdwn(v.teamName)}` : ''}. ` +
      'All looping sessions: `/aispend sessions looping`.',
  ];
  if (audience === 'owner' && v.status !== 'expected' && !v.expectRequest) {
    context.push("*Expected (long task)* asks your team's approvers to confirm; until one does, the session counts as waste.");
  }
  const history = historyText(v);
  if (history) context.unshift(history);
  blocks.push({ type: 'context', elements: context.map((text) => ({ type: 'mrkdwn', text: clip(text, 3000) })) });
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

/** What the request asks and the decision, for the approvers' message and the owner's note. */
export interface ExpectRequestMessageView {
  request: ExpectRequestView;
  sessionId: string;
  rule: LoopRule;
  costSinceCommit: number;
  costUsd: number;
  runningMs: number;
  /** 'thread': under the channel alert; 'dm': sent to each approver on its own */
  where: 'thread' | 'dm';
  teamName: string | null;
}

/**
 * The deciders' buttons on an owner's request: *Confirm: long task* and *Decline*, valued with the
 * request's id. The same wherever the request is shown (its thread reply, DMs, the App Home), so one
 * listener decides them all.
 */
export function expectDecisionActions(requestId: number): { type: 'actions'; block_id: string; elements: unknown[] } {
  const value = String(requestId);
  return {
    type: 'actions',
    block_id: `loop_expect_${requestId}`,
    elements: [
      { type: 'button', action_id: ActionIds.loopExpectConfirm, text: { type: 'plain_text', text: 'Confirm: long task' }, style: 'primary', value },
      { type: 'button', action_id: ActionIds.loopExpectDecline, text: { type: 'plain_text', text: 'Decline' }, value },
    ],
  };
}

/** The owner's request, to the approvers: in the alert's thread (naming them) or in their DMs. */
export function expectRequestMessage(v: ExpectRequestMessageView): { text: string; blocks: unknown[] } {
  const r = v.request;
  const session = `\`${escapeMrkdwn(shortSession(v.sessionId))}\``;
  const deciders = r.approvers.length ? mentionList(r.approvers) : 'an aispend admin';
  const facts =
    `${usd(v.costSinceCommit)} since the last commit · ${usd(v.costUsd)} in total · running ${duration(v.runningMs)} · ` +
    `${RULE_LABELS[v.rule]}${v.teamName ? ` · team ${escapeMrkdwn(v.teamName)}` : ''}`;
  if (r.status !== 'pending') {
    const by = mention(r.decidedBy);
    const when = r.decidedAt !== null ? ` at ${slackTime(r.decidedAt)}` : '';
    const line =
      r.status === 'approved'
        ? `:white_check_mark: ${by} confirmed${when}: session ${session} is an expected long task (asked by ${mention(r.requestedBy)}). It no longer counts as waste, and its alerts stop.`
        : `:no_entry_sign: ${by} declined${when} to mark session ${session} an expected long task (asked by ${mention(r.requestedBy)}). It counts as waste, and its alerts continue.`;
    return {
      text: r.status === 'approved' ? `Confirmed as an expected long task: session ${shortSession(v.sessionId)}` : `Declined: session ${shortSession(v.sessionId)} still counts as waste`,
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: line } },
        { type: 'context', elements: [{ type: 'mrkdwn', text: facts }] },
      ],
    };
  }
  const ask =
    `:raising_hand: ${mention(r.requestedBy)} asks to mark session ${session} an *expected long task*: it would leave the ` +
    `team's waste figure and its alerts would stop. ${deciders}, can you confirm?`;
  return {
    text: `${r.approvers.length ? r.approvers.map((a) => `<@${a}>`).join(' ') + ': ' : ''}confirm session ${shortSession(v.sessionId)} as an expected long task?`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: clip(ask, 3000) } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: facts }] },
      expectDecisionActions(r.id),
      {
        type: 'context',
        elements: [{ type: 'mrkdwn', text: "Any of the team's approvers or an aispend admin can decide; the session's owner cannot excuse their own session." }],
      },
    ],
  };
}

/** The owner's note once their request is decided. */
export function expectDecisionNote(v: ExpectRequestMessageView): { text: string } {
  const r = v.request;
  const session = `\`${escapeMrkdwn(shortSession(v.sessionId))}\``;
  return {
    text:
      r.status === 'approved'
        ? `:white_check_mark: ${mention(r.decidedBy)} confirmed your session ${session} as an expected long task: it no longer counts as waste, and its alerts stop.`
        : `:no_entry_sign: ${mention(r.decidedBy)} declined to mark your session ${session} an expected long task: it counts as waste, and its alerts continue.`,
  };
}

/** What a decider's Confirm or Decline did, for a decider who pressed it away from the request (the App Home). */
export function decisionDoneNote(status: 'approved' | 'declined', v: { sessionId: string; owner: { slackUserId: string | null; email: string | null } }): string {
  const session = `\`${escapeMrkdwn(shortSession(v.sessionId))}\``;
  const owner = userRef(v.owner.slackUserId, v.owner.email ?? 'its owner');
  const told = v.owner.slackUserId ? ` ${owner} is told.` : '';
  return status === 'approved'
    ? `:white_check_mark: You confirmed session ${session} of ${owner} as an expected long task: it no longer counts as waste, and its alerts stop.${told}`
    : `:no_entry_sign: You declined to mark session ${session} of ${owner} an expected long task: it counts as waste, and its alerts continue.${told}`;
}
