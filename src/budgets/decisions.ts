// Ending a request: approve, deny, cancel or expire. Permission checks first; then ONE transaction
// holds the conditional UPDATE (exactly one ending wins), the approved increase, the audit row and
// the messages (the request message updated, a thread reply, a DM to the requester).
import type { Deps } from '../deps.js';
import { auditRepo } from '../db/repos/audit-repo.js';
import { budgetRepo, type BudgetRequest } from '../db/repos/budget-repo.js';
import { outboxRepo } from '../db/repos/outbox-repo.js';
import { orgRepo } from '../db/repos/org-repo.js';
import { effectiveBudget, validateAmount, MAX_REASON_CHARS } from './budget-policy.js';
import {
  decidedBlocks,
  decidedText,
  outcomeText,
  requesterDmText,
  type Outcome,
} from './approval-blocks.js';
import { actorRef, plainWhen } from './budget-blocks.js';
import { usd } from '../slack/format.js';
import { enqueue, type OutboxPayload } from '../slack/outbox.js';
import { approvalKey } from './requests.js';

export type Refusal = {
  ok: false;
  code: 'not_found' | 'forbidden' | 'requester' | 'settled' | 'invalid';
  /** mrkdwn, for ephemeral messages */
  message: string;
  /** plain text, for modal errors */
  plain: string;
  field?: 'amount' | 'reason';
};

export type SettleResult = { ok: true; request: BudgetRequest } | Refusal;

type FinalStatus = Outcome['status'];

const VERB: Record<FinalStatus, string> = {
  approved: 'approved',
  denied: 'denied',
  cancelled: 'cancelled',
  expired: 'expired',
};

/** "already approved by @x on …": what a later attempt is told */
export function settledRefusal(deps: Pick<Deps, 'db' | 'config'>, r: BudgetRequest): Refusal {
  const tz = deps.config.timezone;
  const status = r.status as FinalStatus;
  const when = plainWhen(r.decided_at ?? r.created_at, tz);
  const amount = status === 'approved' ? ` (+${usd(r.approved_amount_usd ?? r.amount_usd)})` : '';
  // modals show plain text: a name where we know one
  const name = r.decided_by ? (orgRepo(deps.db).personBySlack(r.decided_by)?.name ?? r.decided_by) : 'someone';
  const by = (ref: string) =>
    status === 'expired'
      ? ''
      : status === 'cancelled' && r.decided_by === r.requester_slack_id
        ? ' by the requester'
        : ` by ${ref}`;
  const tail = `on ${when}${amount}. Nothing was changed.`;
  return {
    ok: false,
    code: 'settled',
    message: `Request #${r.id} was already ${VERB[status]}${by(actorRef(r.decided_by))} ${tail}`,
    plain: `Request #${r.id} was already ${VERB[status]}${by(name)} ${tail}`,
  };
}

function refuse(code: Refusal['code'], message: string, field?: Refusal['field']): Refusal {
  return { ok: false, code, message, plain: message.replace(/<@([A-Z0-9]+)>/g, '@$1').replace(/`/g, ''), field };
}

/**
 * May `actor` decide request `r`? The team's approvers only, never the requester (even an approver).
 * Returns a refusal, or undefined when they may.
 */
export function decisionRefusal(deps: Pick<Deps, 'db' | 'config'>, r: BudgetRequest | undefined, actor: string): Refusal | undefined {
  if (!r) return refuse('not_found', 'That budget request no longer exists. Nothing was changed.');
  const team = orgRepo(deps.db).teamById(r.team_id);
  const approvers = orgRepo(deps.db).approvers(r.team_id);
  if (actor === r.requester_slack_id) {
    return refuse('requester', `You asked for this increase, so another approver of ${team?.name ?? 'the team'} has to decide it. Nothing was changed.`);
  }
  if (!approvers.includes(actor)) {
    const who = approvers.filter((a) => a !== r.requester_slack_id).map((a) => `<@${a}>`).join(', ');
    return refuse(
      'forbidden',
      `Only ${team?.name ?? 'the team'}'s approvers${who ? ` (${who})` : ''} can decide budget requests. Nothing was changed.`,
    );
  }
  if (r.status !== 'pending') return settledRefusal(deps, r);
  return undefined;
}

interface Ending {
  status: FinalStatus;
  by: string | null;
  approvedUsd?: number;
  note?: string;
  /** DM the requester (not when they cancelled it themselves) */
  dm: boolean;
}

/** The one transaction that ends a request. false: it was no longer pending. */
function settle(deps: Deps, r: BudgetRequest, e: Ending, now: number): boolean {
  const tz = deps.config.timezone;
  const budget = budgetRepo(deps.db);
  const org = orgRepo(deps.db);
  const team = org.teamById(r.team_id);
  const teamName = team?.name ?? `team ${r.team_id}`;
  return deps.db.transaction(() => {
    if (!budget.settle({ id: r.id, status: e.status, by: e.by, at: now, approvedAmountUsd: e.approvedUsd ?? null, note: e.note ?? null })) {
      return false;
    }
    let budgetAfterUsd: number | null = null;
    if (e.status === 'approved') {
      budget.addIncrease({ teamId: r.team_id, month: r.month, amountUsd: e.approvedUsd!, requestId: r.id, now });
      budgetAfterUsd = effectiveBudget(team?.monthly_budget_usd ?? null, budget.increasesTotal(r.team_id, r.month));
    }
    const action = { approved: 'budget.approve', denied: 'budget.deny', cancelled: 'budget.cancel', expired: 'budget.expire' }[e.status];
    auditRepo(deps.db).record({
      actor: e.by ?? 'aispend',
      action,
      teamId: r.team_id,
      subject: `request:${r.id}`,
      details: {
        requestedUsd: r.amount_usd,
        month: r.month,
        ...(e.status === 'approved' ? { approvedUsd: e.approvedUsd, budgetAfterUsd } : {}),
        ...(e.status === 'denied' ? { reason: e.note } : {}),
        ...(e.status === 'approved' && e.note ? { note: e.note } : {}),
        ...(e.status === 'expired' ? { days: deps.config.budget.expiryDays } : {}),
      },
      at: now,
    });
    const outcome = outcomeText({
      status: e.status,
      by: e.by,
      at: now,
      approvedUsd: e.approvedUsd,
      requestedUsd: r.amount_usd,
      note: e.note,
      month: r.month,
      budgetAfterUsd,
      expiryDays: deps.config.budget.expiryDays,
      tz,
    });
    const parentKey = approvalKey(r.id);
    const parent = outboxRepo(deps.db).byKey(parentKey);
    if (parent) {
      const posted = JSON.parse(parent.payload) as OutboxPayload;
      const original = posted.op === 'post' ? (posted.blocks ?? []) : [];
      enqueue(deps, {
        key: `${parentKey}:decided`,
        kind: 'approval',
        after: parentKey,
        payload: {
          op: 'update',
          target: { key: parentKey },
          text: decidedText(r, e.status, teamName),
          blocks: decidedBlocks(original.length ? original : fallbackBlocks(r, teamName), outcome),
        },
      });
      if (posted.op === 'post') {
        enqueue(deps, {
          key: `${parentKey}:reply`,
          kind: 'approval',
          after: parentKey,
          payload: { op: 'post', channel: posted.channel, thread: { parentKey }, text: outcome },
        });
      }
    }
    if (e.dm) {
      enqueue(deps, {
        key: `${parentKey}:dm`,
        kind: 'approval',
        payload: {
          op: 'dm',
          user: r.requester_slack_id,
          text: requesterDmText({ requestId: r.id, teamName, outcome, channelId: r.channel_id }),
        },
      });
    }
    return true;
  })();
}

function fallbackBlocks(r: BudgetRequest, teamName: string): unknown[] {
  return [{ type: 'section', text: { type: 'mrkdwn', text: `Budget increase request #${r.id}: +${usd(r.amount_usd)} for ${teamName}` } }];
}

export interface DecideInput {
  requestId: number;
  actor: string;
  outcome: 'approve' | 'deny';
  /** approvals: the amount granted (default: the amount asked) */
  amountUsd?: number;
  /** deny: the reason (required); approve: an optional note */
  note?: string;
}

/** An approver's decision. Synchronous: callers drain the outbox afterwards. */
export function decide(deps: Deps, input: DecideInput): SettleResult {
  const repo = budgetRepo(deps.db);
  const r = repo.byId(input.requestId);
  const refusal = decisionRefusal(deps, r, input.actor);
  if (refusal) return refusal;
  const note = input.note?.replace(/\s+/g, ' ').trim();
  if (input.outcome === 'deny' && !note) return refuse('invalid', 'A reason is required to deny a request.', 'reason');
  if (note && note.length > MAX_REASON_CHARS) return refuse('invalid', `Keep it under ${MAX_REASON_CHARS} characters.`, 'reason');
  let amount: number | undefined;
  if (input.outcome === 'approve') {
    amount = input.amountUsd ?? r!.amount_usd;
    const issue = validateAmount(amount, deps.config.budget.maxRequestUsd);
    if (issue) return refuse('invalid', issue, 'amount');
    amount = Math.round(amount * 100) / 100;
  }
  const now = deps.clock.now();
  const won = settle(
    deps,
    r!,
    input.outcome === 'approve'
      ? { status: 'approved', by: input.actor, approvedUsd: amount, note: note || undefined, dm: true }
      : { status: 'denied', by: input.actor, note, dm: true },
    now,
  );
  const after = repo.byId(input.requestId)!;
  if (!won) return settledRefusal(deps, after);
  deps.logger.info('budget request decided', { requestId: after.id, status: after.status });
  return { ok: true, request: after };
}

/** The requester withdraws a pending request. */
export function cancel(deps: Deps, input: { requestId: number; actor: string }): SettleResult {
  const repo = budgetRepo(deps.db);
  const r = repo.byId(input.requestId);
  if (!r) return refuse('not_found', `There is no budget request #${input.requestId}.`);
  if (r.requester_slack_id !== input.actor) {
    return refuse('forbidden', `Only the person who asked (<@${r.requester_slack_id}>) can cancel request #${r.id}. Nothing was changed.`);
  }
  if (r.status !== 'pending') return settledRefusal(deps, r);
  const won = settle(deps, r, { status: 'cancelled', by: input.actor, dm: false }, deps.clock.now());
  const after = repo.byId(input.requestId)!;
  if (!won) return settledRefusal(deps, after);
  return { ok: true, request: after };
}

/** A pending request that waited too long. false if it was decided meanwhile. */
export function expire(deps: Deps, r: BudgetRequest, now: number): boolean {
  return settle(deps, r, { status: 'expired', by: null, dm: true }, now);
}
