// A loop alert as its messages show it, and keeping both copies (team channel post, owner DM) in step
// after a change. Outbox keys name the fact they report, so a retried step enqueues nothing twice.
import type { RespondArguments } from '@slack/bolt';
import type { Deps } from '../deps.js';
import { auditRepo } from '../db/repos/audit-repo.js';
import { loopRepo, type ExpectRequestRow, type LoopAlertRow, type LoopSession } from '../db/repos/loop-repo.js';
import { outboxRepo } from '../db/repos/outbox-repo.js';
import type { LoopRule } from './loop-rules.js';
import {
  loopAlertMessage,
  loopAlertView,
  type ExpectRequestView,
  type LoopAlertView,
  type LoopStep,
  type LoopStepAction,
} from './loop-alert-blocks.js';
import { enqueue, type OutboxResult } from '../slack/outbox.js';

export const LOOP_KIND = 'loop_alert';

/** outbox keys: the channel post, and the owner's DM */
export const loopKeys = (sessionId: string, rule: LoopRule) => ({
  channel: `loop:${sessionId}:${rule}`,
  dm: `loop-dm:${sessionId}:${rule}`,
});

/** the audit subject of a loop alert (every step on it, and on its session, is recorded under one) */
export const alertSubject = (alertId: number) => `loop_alert:${alertId}`;

const STEP_ACTIONS: Record<string, LoopStepAction> = {
  'loop.acknowledge': 'acknowledge',
  'loop.snooze': 'snooze',
  'loop.expected_request': 'expected_request',
  'loop.expected': 'expected',
  'loop.expected_decline': 'expected_decline',
};

/** steps about the session as a whole show on every alert of it */
const SESSION_STEPS = new Set<LoopStepAction>(['expected_request', 'expected', 'expected_decline']);

export function requestView(r: ExpectRequestRow): ExpectRequestView {
  return {
    id: r.id,
    status: r.status,
    requestedBy: r.requested_by,
    requestedAt: r.requested_at,
    approvers: JSON.parse(r.approvers) as string[],
    decidedBy: r.decided_by,
    decidedAt: r.decided_at,
  };
}

/** who did what to this alert and to its session, from the audit log, oldest first */
export function historyOf(deps: Pick<Deps, 'db'>, alertId: number, sessionAlerts: Array<Pick<LoopAlertRow, 'id'>>): LoopStep[] {
  const own = alertSubject(alertId);
  const steps: LoopStep[] = [];
  for (const e of auditRepo(deps.db).forSubjects(sessionAlerts.map((a) => alertSubject(a.id)))) {
    const action = STEP_ACTIONS[e.action];
    if (!action || (e.subject !== own && !SESSION_STEPS.has(action))) continue;
    const until = typeof e.details.until === 'number' ? e.details.until : null;
    steps.push({ actor: e.actor, action, at: e.at, until });
  }
  return steps;
}

/** The alert as its messages show it now: figures, state, the owner's request, history. */
export function alertViewOf(deps: Pick<Deps, 'db'>, session: LoopSession, alert: LoopAlertRow, teamName: string | null, now: number): LoopAlertView {
  const repo = loopRepo(deps.db);
  const request = repo.latestExpectRequest(session.session_id);
  return loopAlertView(session, alert, teamName, now, {
    expectRequest: request ? requestView(request) : null,
    history: historyOf(deps, alert.id, repo.alertsOf(session.session_id)),
  });
}

function isMessage(result: string | null, where: { channelId?: string; messageTs?: string } | undefined): boolean {
  if (!result || !where?.channelId || !where.messageTs) return false;
  const r = JSON.parse(result) as OutboxResult;
  return r.channel === where.channelId && r.ts === where.messageTs;
}

/**
 * Enqueues an update of both copies of each alert (channel post, owner DM) after a change, under keys
 * ending in `step`. The copy that was pressed is not enqueued: its new form is returned, to replace it
 * through response_url at once. Call inside the transaction that made the change.
 */
export function refreshCopies(
  deps: Deps,
  input: {
    session: LoopSession;
    alertIds: number[];
    teamName: string | null;
    now: number;
    step: string;
    pressed?: { alertId: number; channelId?: string; messageTs?: string };
  },
): RespondArguments | undefined {
  const repo = loopRepo(deps.db);
  const outbox = outboxRepo(deps.db);
  let replacement: RespondArguments | undefined;
  for (const id of input.alertIds) {
    const row = repo.alertById(id);
    if (!row) continue;
    const view = alertViewOf(deps, input.session, row, input.teamName, input.now);
    const keys = loopKeys(row.session_id, row.rule);
    for (const [key, audience] of [
      [keys.channel, 'channel'],
      [keys.dm, 'owner'],
    ] as const) {
      const copy = outbox.byKey(key);
      if (!copy || copy.status === 'dead') continue;
      const message = loopAlertMessage(view, audience);
      if (id === input.pressed?.alertId && isMessage(copy.result, input.pressed)) {
        replacement = { replace_original: true, ...message };
        continue;
      }
      enqueue(deps, { key: `${key}:${input.step}`, kind: LOOP_KIND, payload: { op: 'update', target: { key }, ...message }, after: key });
    }
    if (id === input.pressed?.alertId && !replacement) {
      // a copy the outbox does not know (or not sent yet): still show the change where it was pressed
      replacement = { replace_original: true, ...loopAlertMessage(view, 'channel') };
    }
  }
  return replacement;
}
