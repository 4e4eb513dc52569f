// What the buttons of a loop alert, and of an owner's request to excuse a session, do and who may
// press them. The person whose waste it is must not be the one who excuses it:
// - the session's owner (whatever other role they hold) may Acknowledge and Snooze; their Expected
//   (long task) asks the team's approvers (or, with none, the admins) in a thread reply under the
//   alert, with buttons for them;
// - a team approver or an admin (AISPEND_ADMINS) may Acknowledge and Snooze too, and their Expected,
//   or their Confirm on a request, takes the session out of the waste figure and stops its alerts;
//   Decline leaves it in;
// - anyone else is told privately who may, and nothing changes.
// Each step is one transaction: the state change, its audit entry and the messages reporting it
// (outbox). The pressed message itself is replaced at once through response_url.
import type { RespondArguments } from '@slack/bolt';
import type { Deps } from '../deps.js';
import { auditRepo } from '../db/repos/audit-repo.js';
import { loopRepo, type ExpectRequestRow, type LoopAlertRow, type LoopSession } from '../db/repos/loop-repo.js';
import { orgRepo } from '../db/repos/org-repo.js';
import { outboxRepo } from '../db/repos/outbox-repo.js';
import { snapshotOf, streakOf } from './loop-rules.js';
import {
  alreadyDoneNote,
  decisionDoneNote,
  expectDecisionNote,
  expectRequestMessage,
  mentionList,
  notAllowedNote,
  slackTime,
  type ExpectRequestMessageView,
  type LoopButton,
} from './loop-alert-blocks.js';
import { enqueue, type OutboxPayload, type OutboxResult } from '../slack/outbox.js';
import { LOOP_KIND, alertSubject, loopKeys, refreshCopies, requestView } from './alert-messages.js';

export const SNOOZE_MS = 60 * 60 * 1000;

export type LoopRole = 'owner' | 'approver' | 'admin' | 'outsider';

/** The owner first: an owner who is also an approver or an admin still cannot excuse their own session. */
export function roleOf(deps: Pick<Deps, 'db' | 'config'>, userId: string, teamId: number | null, ownerSlackId: string | null): LoopRole {
  if (ownerSlackId === userId) return 'owner';
  if (deps.config.admins.includes(userId)) return 'admin';
  if (teamId !== null && orgRepo(deps.db).approvers(teamId).includes(userId)) return 'approver';
  return 'outsider';
}

/** Who is asked to confirm an owner's request: the team's approvers, else the admins; never the owner. */
export function decidersFor(deps: Pick<Deps, 'db' | 'config'>, teamId: number | null, ownerSlackId: string | null): string[] {
  const approvers = teamId !== null ? orgRepo(deps.db).approvers(teamId).filter((a) => a !== ownerSlackId) : [];
  return approvers.length > 0 ? approvers : deps.config.admins.filter((a) => a !== ownerSlackId);
}

export type PressButton = LoopButton | 'confirm' | 'decline';

export interface Press {
  button: PressButton;
  /** the button's value: a loop_alerts id, or a loop_expect_requests id for confirm and decline */
  value: string | undefined;
  userId: string;
  /** where the pressed message is */
  channelId?: string;
  messageTs?: string;
}

/** What the presser sees: the pressed message replaced, and/or a private note. */
export interface PressAnswer {
  replace?: RespondArguments;
  note?: string;
  /** what the press did, in a line, for a presser with no message in front of them (the App Home) */
  done?: string;
}

const nothing = (note: string): PressAnswer => ({ note });

export const requestKey = (requestId: number) => `loop-expect:${requestId}`;
export const requestDmKey = (requestId: number, user: string) => `loop-expect:${requestId}:dm:${user}`;

function idOf(value: string | undefined): number | undefined {
  const id = Number(value);
  return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

function teamNameOf(deps: Deps, teamId: number | null): string | null {
  return teamId !== null ? (orgRepo(deps.db).teamById(teamId)?.name ?? null) : null;
}

export function pressLoopButton(deps: Deps, press: Press): PressAnswer {
  return press.button === 'confirm' || press.button === 'decline' ? pressRequest(deps, press) : pressAlert(deps, press);
}

function pressAlert(deps: Deps, press: Press): PressAnswer {
  const repo = loopRepo(deps.db);
  const log = deps.logger.child({ action: press.button, user: press.userId });
  const id = idOf(press.value);
  const alert = id !== undefined ? repo.alertById(id) : undefined;
  if (!alert) return nothing('This loop alert no longer exists. Nothing was changed.');
  const session = repo.session(alert.session_id);
  if (!session) return nothing('The session of this loop alert no longer exists. Nothing was changed.');
  const role = roleOf(deps, press.userId, alert.team_id, session.owner_slack_id);
  if (role === 'outsider') {
    log.info('loop alert button refused', { alert: alert.id });
    return nothing(notAllowedNote({ slackUserId: session.owner_slack_id, email: session.owner_email }));
  }
  if (alert.status === 'expected') return nothing(alreadyDoneNote('expected', alert.acted_by));
  if (press.button === 'expected') {
    return role === 'owner' ? requestExpected(deps, press, session, alert) : markExpected(deps, press, session, alert);
  }
  if (alert.status === 'acknowledged') return nothing(alreadyDoneNote('acknowledged', alert.acted_by));

  const now = deps.clock.now();
  const button = press.button;
  const answer = deps.db.transaction((): PressAnswer => {
    // read again inside the transaction: of two presses at once, the second sees the first
    const current = repo.alertById(alert.id)!;
    if (current.status === 'acknowledged' || current.status === 'expected') return nothing(alreadyDoneNote(current.status, current.acted_by));
    const until = button === 'snooze' ? now + SNOOZE_MS : null;
    repo.actOnAlert(alert.id, button === 'snooze' ? 'snoozed' : 'acknowledged', press.userId, now, until);
    auditRepo(deps.db).record({
      actor: press.userId,
      action: `loop.${button}`,
      teamId: alert.team_id,
      subject: alertSubject(alert.id),
      details: { session_id: alert.session_id, rule: alert.rule, role, ...(until !== null ? { until } : {}) },
      at: now,
    });
    const replace = refreshCopies(deps, {
      session,
      alertIds: [alert.id],
      teamName: teamNameOf(deps, alert.team_id),
      now,
      step: `act:${button}:${now}`,
      pressed: { alertId: alert.id, channelId: press.channelId, messageTs: press.messageTs },
    });
    return { replace };
  })();
  log.info('loop alert updated', { alert: alert.id, role });
  return answer;
}

function requestMessageView(deps: Deps, r: ExpectRequestRow, session: LoopSession, alert: LoopAlertRow, now: number, where: 'thread' | 'dm'): ExpectRequestMessageView {
  const streak = streakOf(snapshotOf(session), now);
  return {
    request: requestView(r),
    sessionId: session.session_id,
    rule: alert.rule,
    costSinceCommit: streak.costSinceCommit,
    costUsd: session.cost_usd,
    runningMs: Math.max(0, Math.min(now, session.last_activity_at) - session.started_at),
    where,
    teamName: teamNameOf(deps, r.team_id),
  };
}

/** the owner's Expected: a request to the deciders, in the alert's thread or, without one, in their DMs */
function requestExpected(deps: Deps, press: Press, session: LoopSession, alert: LoopAlertRow): PressAnswer {
  const repo = loopRepo(deps.db);
  const now = deps.clock.now();
  const waitingNote = (r: ExpectRequestRow) => {
    const asked = (JSON.parse(r.approvers) as string[]).filter((a) => a !== press.userId);
    return (
      `You already asked at ${slackTime(r.requested_at)} to mark this session an expected long task; ` +
      `${asked.length ? mentionList(asked) : 'an admin'} can confirm it. Nothing was changed.`
    );
  };
  const pending = repo.pendingExpectRequest(session.session_id);
  if (pending) return nothing(waitingNote(pending));
  const latest = repo.latestExpectRequest(session.session_id);
  if (latest?.status === 'declined') {
    return nothing(
      `<@${latest.decided_by ?? 'someone'}> declined your request at ${slackTime(latest.decided_at ?? latest.requested_at)}, ` +
        'so the session counts as waste. An approver or an admin can still mark it expected on the alert; talk to them. Nothing was changed.',
    );
  }
  const deciders = decidersFor(deps, alert.team_id, session.owner_slack_id);
  if (deciders.length === 0) {
    return nothing(
      "Nobody can confirm it yet: your team has no approvers besides you, and aispend has no admins. Ask whoever runs aispend to add approvers (`/aispend admin team approvers <team> <@user>`). Nothing was changed.",
    );
  }
  const keys = loopKeys(session.session_id, alert.rule);
  const outbox = outboxRepo(deps.db);
  const answer = deps.db.transaction((): PressAnswer => {
    const r = repo.insertExpectRequest({
      sessionId: session.session_id,
      alertId: alert.id,
      teamId: alert.team_id,
      requestedBy: press.userId,
      at: now,
      approvers: deciders,
    });
    if (!r) return nothing(waitingNote(repo.pendingExpectRequest(session.session_id)!));
    auditRepo(deps.db).record({
      actor: press.userId,
      action: 'loop.expected_request',
      teamId: alert.team_id,
      subject: alertSubject(alert.id),
      details: { session_id: session.session_id, rule: alert.rule, request_id: r.id, approvers: deciders },
      at: now,
    });
    const parent = outbox.byKey(keys.channel);
    const posted = parent && parent.status !== 'dead' ? (JSON.parse(parent.payload) as OutboxPayload) : undefined;
    if (posted?.op === 'post') {
      // a reply under the alert, naming the deciders: the team sees the request where it saw the alert
      const message = expectRequestMessage(requestMessageView(deps, r, session, alert, now, 'thread'));
      enqueue(deps, {
        key: requestKey(r.id),
        kind: LOOP_KIND,
        payload: { op: 'post', channel: posted.channel, thread: { parentKey: keys.channel }, ...message },
        after: keys.channel,
      });
    } else {
      const message = expectRequestMessage(requestMessageView(deps, r, session, alert, now, 'dm'));
      for (const u of deciders.slice(0, 10)) enqueue(deps, { key: requestDmKey(r.id, u), kind: LOOP_KIND, payload: { op: 'dm', user: u, ...message } });
    }
    const replace = refreshCopies(deps, {
      session,
      alertIds: repo.alertsOf(session.session_id).map((a) => a.id),
      teamName: teamNameOf(deps, alert.team_id),
      now,
      step: `expect:${r.id}:asked`,
      pressed: { alertId: alert.id, channelId: press.channelId, messageTs: press.messageTs },
    });
    const where = posted?.op === 'post' ? " in the alert's thread" : ' by DM';
    return {
      replace,
      note: `Asked ${mentionList(deciders)}${where} to confirm this session as an expected long task. Until one of them does, it counts as waste and its alerts continue.`,
    };
  })();
  deps.logger.info('loop expected requested', { alert: alert.id, approvers: deciders.length });
  return answer;
}

/** The messages of a decided request: the request itself (thread reply or DMs) updated, the owner told. */
function reportDecision(deps: Deps, r: ExpectRequestRow, session: LoopSession, alert: LoopAlertRow, now: number, pressed: Press | undefined): RespondArguments | undefined {
  const outbox = outboxRepo(deps.db);
  let replace: RespondArguments | undefined;
  const keys = [requestKey(r.id), ...(JSON.parse(r.approvers) as string[]).map((u) => requestDmKey(r.id, u))];
  for (const key of keys) {
    const copy = outbox.byKey(key);
    if (!copy || copy.status === 'dead') continue;
    const message = expectRequestMessage(requestMessageView(deps, r, session, alert, now, key === requestKey(r.id) ? 'thread' : 'dm'));
    const sent = copy.result ? (JSON.parse(copy.result) as OutboxResult) : undefined;
    if (pressed && sent && sent.channel === pressed.channelId && sent.ts === pressed.messageTs) {
      replace = { replace_original: true, ...message };
      continue;
    }
    enqueue(deps, { key: `${key}:${r.status}`, kind: LOOP_KIND, payload: { op: 'update', target: { key }, ...message }, after: key });
  }
  if (pressed && !replace && (pressed.button === 'confirm' || pressed.button === 'decline')) {
    replace = { replace_original: true, ...expectRequestMessage(requestMessageView(deps, r, session, alert, now, 'thread')) };
  }
  if (session.owner_slack_id) {
    const note = expectDecisionNote(requestMessageView(deps, r, session, alert, now, 'dm'));
    enqueue(deps, { key: `${requestKey(r.id)}:owner`, kind: LOOP_KIND, payload: { op: 'dm', user: session.owner_slack_id, ...note } });
  }
  return replace;
}

/** An approver's or admin's Expected, or their Confirm of a request: the session leaves the waste figure. */
function markExpected(deps: Deps, press: Press, session: LoopSession, alert: LoopAlertRow): PressAnswer {
  const repo = loopRepo(deps.db);
  const now = deps.clock.now();
  const answer = deps.db.transaction((): PressAnswer => {
    const fresh = repo.session(session.session_id)!;
    if (fresh.expected) {
      const by = repo.alertsOf(session.session_id).find((a) => a.status === 'expected')?.acted_by ?? null;
      return nothing(alreadyDoneNote('expected', by));
    }
    const pending = repo.pendingExpectRequest(session.session_id);
    if (pending) repo.decideExpectRequest(pending.id, 'approved', press.userId, now);
    repo.markSessionExpected(session.session_id);
    const touched = repo.expectSessionAlerts(session.session_id, press.userId, now);
    repo.dropWatches(session.session_id);
    auditRepo(deps.db).record({
      actor: press.userId,
      action: 'loop.expected',
      teamId: alert.team_id,
      subject: alertSubject(alert.id),
      details: {
        session_id: session.session_id,
        rule: alert.rule,
        ...(pending ? { request_id: pending.id, requested_by: pending.requested_by } : {}),
      },
      at: now,
    });
    const onAlert = press.button === 'expected' ? { alertId: alert.id, channelId: press.channelId, messageTs: press.messageTs } : undefined;
    let replace = refreshCopies(deps, {
      session: fresh,
      alertIds: touched,
      teamName: teamNameOf(deps, alert.team_id),
      now,
      step: `act:expected:${now}`,
      pressed: onAlert,
    });
    if (pending) {
      const decided = repo.expectRequest(pending.id)!;
      replace = reportDecision(deps, decided, fresh, repo.alertById(decided.alert_id) ?? alert, now, press.button === 'expected' ? undefined : press) ?? replace;
    }
    return { replace };
  })();
  deps.logger.info('loop session marked expected', { alert: alert.id, session: session.session_id });
  return answer;
}

function decisionDone(status: 'approved' | 'declined', session: LoopSession): string {
  return decisionDoneNote(status, { sessionId: session.session_id, owner: { slackUserId: session.owner_slack_id, email: session.owner_email } });
}

function decidedNote(r: ExpectRequestRow): string {
  const verb = r.status === 'approved' ? 'confirmed' : 'declined';
  return `This request was already ${verb} by <@${r.decided_by ?? 'someone'}> at ${slackTime(r.decided_at ?? r.requested_at)}. Nothing was changed.`;
}

/** Confirm or Decline on an owner's request. */
function pressRequest(deps: Deps, press: Press): PressAnswer {
  const repo = loopRepo(deps.db);
  const log = deps.logger.child({ action: press.button, user: press.userId });
  const id = idOf(press.value);
  const r = id !== undefined ? repo.expectRequest(id) : undefined;
  const alert = r ? repo.alertById(r.alert_id) : undefined;
  const session = r ? repo.session(r.session_id) : undefined;
  if (!r || !alert || !session) return nothing('This request no longer exists. Nothing was changed.');
  const role = roleOf(deps, press.userId, r.team_id, session.owner_slack_id);
  if (role === 'owner' || press.userId === r.requested_by) {
    return nothing('You asked for this, so one of the approvers or an admin has to decide it. Nothing was changed.');
  }
  if (role === 'outsider') {
    log.info('loop expected decision refused', { request: r.id });
    const asked = JSON.parse(r.approvers) as string[];
    return nothing(`Only ${asked.length ? `${mentionList(asked)}, the team's other approvers` : "the team's approvers"} or aispend admins can decide this. Nothing was changed.`);
  }
  if (r.status !== 'pending') return nothing(decidedNote(r));
  if (press.button === 'confirm') {
    const confirmed = markExpected(deps, press, session, alert);
    return confirmed.note ? confirmed : { ...confirmed, done: decisionDone('approved', session) };
  }

  const now = deps.clock.now();
  const answer = deps.db.transaction((): PressAnswer => {
    if (!repo.decideExpectRequest(r.id, 'declined', press.userId, now)) return nothing(decidedNote(repo.expectRequest(r.id)!));
    auditRepo(deps.db).record({
      actor: press.userId,
      action: 'loop.expected_decline',
      teamId: r.team_id,
      subject: alertSubject(alert.id),
      details: { session_id: session.session_id, rule: alert.rule, request_id: r.id, requested_by: r.requested_by },
      at: now,
    });
    refreshCopies(deps, {
      session,
      alertIds: repo.alertsOf(session.session_id).map((a) => a.id),
      teamName: teamNameOf(deps, r.team_id),
      now,
      step: `expect:${r.id}:declined`,
    });
    return { replace: reportDecision(deps, repo.expectRequest(r.id)!, session, alert, now, press), done: decisionDone('declined', session) };
  })();
  log.info('loop expected request declined', { request: r.id });
  return answer;
}
