// The owners' requests to excuse a session (Expected (long task)) that wait for one user's decision,
// for the App Home: those of the teams they approve (all of them for an admin), never their own, newest
// first. Who may decide is the rule of presses.ts; its buttons are the ones of the thread reply, so a
// press from the Home is decided by the same listener.
import type { Deps } from '../deps.js';
import { loopRepo, type PendingExpectRequestRow } from '../db/repos/loop-repo.js';
import { outboxRepo } from '../db/repos/outbox-repo.js';
import type { OutboxResult } from '../slack/outbox.js';
import { loopKeys } from './alert-messages.js';
import type { PendingDecisionView } from './pending-blocks.js';
import { requestDmKey, requestKey } from './presses.js';

/** A request waiting for the viewer, and where it was asked (a message Slack can link to). */
export interface PendingDecision extends PendingDecisionView {
  /** the thread reply that asks, else the viewer's DM copy, else the alert: undefined when none was sent */
  message?: { channel: string; ts: string };
}

export interface PendingDecisions {
  /** the newest `limit` */
  items: PendingDecision[];
  /** all that wait for the viewer */
  total: number;
}

function sentAt(deps: Pick<Deps, 'db'>, key: string): { channel: string; ts: string } | undefined {
  const row = outboxRepo(deps.db).byKey(key);
  if (row?.status !== 'sent' || !row.result) return undefined;
  const r = JSON.parse(row.result) as OutboxResult;
  return r.ts ? { channel: r.channel, ts: r.ts } : undefined;
}

function decisionOf(deps: Pick<Deps, 'db'>, row: PendingExpectRequestRow, userId: string, now: number): PendingDecision {
  const message =
    sentAt(deps, requestKey(row.id)) ?? sentAt(deps, requestDmKey(row.id, userId)) ?? sentAt(deps, loopKeys(row.session_id, row.rule).channel);
  return {
    requestId: row.id,
    sessionId: row.session_id,
    teamName: row.team_name,
    owner: { slackUserId: row.owner_slack_id, email: row.owner_email, name: row.owner_name },
    costUsd: row.cost_usd,
    runningMs: Math.max(0, Math.min(now, row.last_activity_at) - row.started_at),
    requestedAt: row.requested_at,
    ...(message ? { message, channelId: message.channel } : {}),
  };
}

/** The pending requests `userId` may decide (see presses.ts), newest first, at most `limit`. */
export function pendingDecisionsFor(deps: Pick<Deps, 'db' | 'config'>, userId: string, now: number, limit: number): PendingDecisions {
  const rows = loopRepo(deps.db).pendingExpectRequestsFor(userId, deps.config.admins.includes(userId), limit);
  return { items: rows.map((r) => decisionOf(deps, r, userId, now)), total: rows[0]?.total ?? 0 };
}
