// Making a budget-increase request: the checks (who, which team, where to post, who decides), then
// one transaction that records it, audits it and queues its approval message and approver mention.
import type { Deps } from '../deps.js';
import { auditRepo } from '../db/repos/audit-repo.js';
import { budgetRepo, type BudgetRequest } from '../db/repos/budget-repo.js';
import { orgRepo, type Team } from '../db/repos/org-repo.js';
import { expiresAt, validateRequest, type RequestIssues } from './budget-policy.js';
import { monthKey } from '../domain/time.js';
import { UserFacingError } from '../errors.js';
import { approvalRequestMessage, approverMentionText, requestConfirmation } from './approval-blocks.js';
import { drainOutbox, enqueue, sentResult } from '../slack/outbox.js';
import { permalinkOf } from '../slack/permalink.js';
import { requestContext } from './budget-numbers.js';

export type RequestField = keyof RequestIssues | 'team';

/** A refused request, with the modal field it is about (if any). Nothing was recorded. */
export class RequestRefusal extends UserFacingError {
  constructor(readonly issues: Partial<Record<RequestField, string>>) {
    super(Object.values(issues).join(' '), 'request_refused');
    this.name = 'RequestRefusal';
  }
}

export interface RequestPlan {
  team: Team;
  requester: string;
  amountUsd: number;
  reason: string;
  /** where the approval message goes: the approvals channel, else the team channel */
  channelId: string;
  /** the team's approvers who may decide (the requester excluded) */
  approvers: string[];
}

export const approvalKey = (id: number) => `approval:${id}`;

/** Checks a request without recording anything; throws RequestRefusal. */
export function planRequest(
  deps: Pick<Deps, 'db' | 'config'>,
  input: { teamId: number; requester: string; isAdmin: boolean; amountUsd: number | undefined; reason: string | undefined },
): RequestPlan {
  const org = orgRepo(deps.db);
  const team = org.teamById(input.teamId);
  if (!team) throw new RequestRefusal({ team: 'That team no longer exists.' });
  const valid = validateRequest({ amountUsd: input.amountUsd, reason: input.reason }, deps.config.budget.maxRequestUsd);
  if (!valid.ok) throw new RequestRefusal(valid.issues);
  const person = org.personBySlack(input.requester);
  if (!input.isAdmin && person?.team_id !== team.id) {
    throw new RequestRefusal({
      team: `You can ask for your own team only, and you are not on ${team.name}. An admin adds you with \`/aispend admin team add ${team.name} <@you>\`.`,
    });
  }
  const channelId = team.approvals_channel_id ?? team.channel_id;
  if (!channelId) {
    throw new RequestRefusal({
      team: `${team.name} has no Slack channel to post the request in. Ask an aispend admin to set one: \`/aispend admin team approvals-channel ${team.name} <#channel>\` (or \`team channel\`).`,
    });
  }
  const allApprovers = org.approvers(team.id);
  const approvers = allApprovers.filter((a) => a !== input.requester);
  if (approvers.length === 0) {
    throw new RequestRefusal({
      team:
        allApprovers.length === 0
          ? `${team.name} has no approvers yet, so nobody could decide this. Ask an aispend admin: \`/aispend admin team approvers ${team.name} <@manager>\`.`
          : `You are ${team.name}'s only approver, and nobody decides their own request. Ask an aispend admin to add another approver: \`/aispend admin team approvers ${team.name} <@you> <@manager>\`.`,
    });
  }
  return { team, requester: input.requester, amountUsd: valid.amountUsd, reason: valid.reason, channelId, approvers };
}

export interface SubmittedRequest {
  request: BudgetRequest;
  channelId: string;
  /** ts of the approval message, once Slack took it */
  messageTs?: string;
  expiresAt: number;
}

/** Records the request and posts it (through the outbox) to the approvals channel, approvers mentioned in its thread. */
export async function submitRequest(deps: Deps, plan: RequestPlan): Promise<SubmittedRequest> {
  const now = deps.clock.now();
  const tz = deps.config.timezone;
  const context = requestContext(deps, plan.team, now);
  const request = deps.db.transaction(() => {
    const r = budgetRepo(deps.db).createRequest({
      teamId: plan.team.id,
      requester: plan.requester,
      amountUsd: plan.amountUsd,
      reason: plan.reason,
      month: monthKey(now, tz),
      now,
    });
    auditRepo(deps.db).record({
      actor: plan.requester,
      action: 'budget.request',
      teamId: plan.team.id,
      subject: `request:${r.id}`,
      details: { amountUsd: plan.amountUsd, reason: plan.reason, month: r.month },
      at: now,
    });
    const message = approvalRequestMessage({
      requestId: r.id,
      teamName: plan.team.name,
      requester: plan.requester,
      amountUsd: plan.amountUsd,
      reason: plan.reason,
      month: r.month,
      expiresAt: expiresAt(r, deps.config.budget),
      approvers: plan.approvers,
      context,
      tz,
    });
    enqueue(deps, {
      key: approvalKey(r.id),
      kind: 'approval',
      payload: { op: 'post', channel: plan.channelId, text: message.text, blocks: message.blocks },
    });
    enqueue(deps, {
      key: `${approvalKey(r.id)}:mention`,
      kind: 'approval',
      after: approvalKey(r.id),
      payload: {
        op: 'post',
        channel: plan.channelId,
        thread: { parentKey: approvalKey(r.id) },
        text: approverMentionText({ requester: plan.requester, amountUsd: plan.amountUsd, teamName: plan.team.name, approvers: plan.approvers }),
      },
    });
    return r;
  })();
  deps.logger.info('budget request made', { requestId: request.id, teamId: plan.team.id });
  await drainOutbox(deps);
  const posted = recordApprovalMessage(deps, request.id);
  return { request, channelId: plan.channelId, messageTs: posted?.ts, expiresAt: expiresAt(request, deps.config.budget) };
}

/** Copies the approval message's channel and ts onto the request once Slack took it (thread replies find it so). */
export function recordApprovalMessage(deps: Pick<Deps, 'db'>, requestId: number): { channel: string; ts: string } | undefined {
  const sent = sentResult(deps, approvalKey(requestId));
  if (!sent?.ts) return undefined;
  const repo = budgetRepo(deps.db);
  const r = repo.byId(requestId);
  if (r && (r.channel_id !== sent.channel || r.message_ts !== sent.ts)) repo.setMessage(requestId, sent.channel, sent.ts);
  return { channel: sent.channel, ts: sent.ts };
}

/** Fills in the message of recent requests posted since (by the outbox job, or after a Slack outage). */
export function recordPendingMessages(deps: Pick<Deps, 'db' | 'config'>, now: number): number {
  const since = now - (deps.config.budget.expiryDays + 2) * 86_400_000;
  let n = 0;
  for (const id of budgetRepo(deps.db).withoutMessage(since)) if (recordApprovalMessage(deps, id)) n += 1;
  return n;
}

/** The request whose approval message is (channel, ts), filling in recently sent messages if needed. */
export function requestByThread(deps: Pick<Deps, 'db' | 'config'>, channelId: string, ts: string, now: number): BudgetRequest | undefined {
  const repo = budgetRepo(deps.db);
  const hit = repo.byThread(channelId, ts);
  if (hit) return hit;
  return recordPendingMessages(deps, now) > 0 ? repo.byThread(channelId, ts) : undefined;
}

/** A link to the approval message, else undefined (the caller names the channel instead). */
export async function approvalPermalink(deps: Deps, channelId: string, ts: string | undefined): Promise<string | undefined> {
  if (!ts || !deps.slack) return undefined;
  return permalinkOf(deps.slack, deps.logger, channelId, ts);
}

/** posts the request for approval and builds the requester's private confirmation (with a link) */
/** the requester's confirmation by DM, when it could not be shown where they asked */
export async function confirmByDm(deps: Deps, requestId: number, userId: string, message: { text: string; blocks: unknown[] }): Promise<void> {
  deps.db.transaction(() =>
    enqueue(deps, {
      key: `approval:${requestId}:confirm`,
      kind: 'approval',
      payload: { op: 'dm', user: userId, text: message.text, blocks: message.blocks },
    }),
  )();
  await drainOutbox(deps);
}

export async function submitWithConfirmation(deps: Deps, plan: RequestPlan) {
  const submitted = await submitRequest(deps, plan);
  const permalink = await approvalPermalink(deps, submitted.channelId, submitted.messageTs);
  const message = requestConfirmation({
    requestId: submitted.request.id,
    teamName: plan.team.name,
    amountUsd: plan.amountUsd,
    channelId: submitted.channelId,
    permalink,
    posted: submitted.messageTs !== undefined,
    approvers: plan.approvers,
    expiresAt: submitted.expiresAt,
    tz: deps.config.timezone,
  });
  return { requestId: submitted.request.id, message };
}
