// Pure Block Kit builders for budget-increase approvals: the request message approvers decide on,
// its thread replies (mention, reminder, outcome), the requester's DM and confirmation, and the
// decided version of the request message (no buttons left, the outcome shown).
import type { RequestContext } from './budget-numbers.js';
import type { BudgetRequest } from '../db/repos/budget-repo.js';
import { ActionIds } from '../slack/ids.js';
import { actorRef, monthLabel, monthShort, slackDate } from './budget-blocks.js';
import { change, clip, count, escapeMrkdwn, percent, points, usd } from '../slack/format.js';

export const APPROVAL_ACTIONS_BLOCK = 'approval_actions';
export const APPROVAL_HOWTO_BLOCK = 'approval_howto';
export const APPROVAL_OUTCOME_BLOCK = 'approval_outcome';

export interface ApprovalView {
  requestId: number;
  teamName: string;
  requester: string;
  amountUsd: number;
  reason: string;
  month: string;
  expiresAt: number;
  approvers: string[];
  context: RequestContext;
  tz: string;
}

function mentions(ids: string[]): string {
  return ids.map((id) => `<@${id}>`).join(' ');
}

function costPerStoryLine(c: RequestContext): string {
  if (c.stories === 0) return c.hasDelivery ? 'no stories delivered yet this month' : 'no delivery data connected';
  const cps = usd(c.costPerStory);
  const last = c.trend[c.trend.length - 1]!;
  return c.costPerStoryChange === null ? cps : `${cps} (${change(c.costPerStoryChange)} vs ${monthShort(last.month)})`;
}

function trendLine(c: RequestContext): string {
  const parts = c.trend.map((m) => `${monthShort(m.month)} ${m.costPerStory === null ? '—' : usd(m.costPerStory)}`);
  parts.push(`${monthShort(c.status.month)} so far ${c.costPerStory === null ? '—' : usd(c.costPerStory)}`);
  return `Cost per story by month: ${parts.join(' · ')}`;
}

/** the message posted to the approvals channel */
export function approvalRequestMessage(v: ApprovalView) {
  const s = v.context.status;
  const team = escapeMrkdwn(v.teamName);
  const spend =
    s.budgetUsd === null
      ? `${usd(s.spentUsd)} (no budget set)`
      : `${usd(s.spentUsd)} of ${usd(s.budgetUsd)} (${percent(s.used)})`;
  const after = (s.budgetUsd ?? 0) + v.amountUsd;
  const waste = v.context.waste;
  const blocks: unknown[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(`Budget increase request: +${usd(v.amountUsd)} for ${v.teamName}`, 150) } },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: clip(
          `<@${v.requester}> asks for *${usd(v.amountUsd)}* more for *${team}*'s ${monthLabel(v.month)} budget.\n>${escapeMrkdwn(v.reason)}`,
          3000,
        ),
      },
    },
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*Spent this month*\n${spend}` },
        { type: 'mrkdwn', text: `*Forecast to month end*\n${s.forecastUsd === null ? 'too early to forecast' : usd(s.forecastUsd)}` },
        {
          type: 'mrkdwn',
          text: `*Delivered stories this month*\n${count(v.context.stories)}${v.context.points > 0 ? ` (${points(v.context.points)} points)` : ''}`,
        },
        { type: 'mrkdwn', text: `*Cost per story*\n${costPerStoryLine(v.context)}` },
        {
          type: 'mrkdwn',
          text: `*Waste in loop sessions*\n${waste.loopSessions === 0 ? 'none this month' : `${usd(waste.loopCostUsd)} in ${count(waste.loopSessions)} session${waste.loopSessions === 1 ? '' : 's'}`}`,
        },
        { type: 'mrkdwn', text: `*Budget if approved*\n${usd(after)}` },
      ],
    },
    { type: 'context', elements: [{ type: 'mrkdwn', text: trendLine(v.context) }] },
    {
      type: 'actions',
      block_id: APPROVAL_ACTIONS_BLOCK,
      elements: [
        {
          type: 'button',
          action_id: ActionIds.approvalApprove,
          text: { type: 'plain_text', text: `Approve ${usd(v.amountUsd)}`.slice(0, 75) },
          style: 'primary',
          value: String(v.requestId),
        },
        {
          type: 'button',
          action_id: ActionIds.approvalApproveOther,
          text: { type: 'plain_text', text: 'Approve another amount…' },
          value: String(v.requestId),
        },
        {
          type: 'button',
          action_id: ActionIds.approvalDeny,
          text: { type: 'plain_text', text: 'Deny' },
          style: 'danger',
          value: String(v.requestId),
        },
        {
          type: 'button',
          action_id: ActionIds.approvalCancel,
          text: { type: 'plain_text', text: 'Cancel request' },
          value: String(v.requestId),
        },
      ],
    },
    {
      type: 'context',
      block_id: APPROVAL_HOWTO_BLOCK,
      elements: [
        {
          type: 'mrkdwn',
          text:
            `Request #${v.requestId} · decided by ${v.approvers.length ? mentions(v.approvers) : 'the team’s approvers'}` +
            ` (or reply in the thread: \`approve\`, \`approve <amount>\`, \`deny <reason>\`) · expires ${slackDate(v.expiresAt, v.tz)}` +
            ' · only the requester can cancel',
        },
      ],
    },
  ];
  const text = `Budget increase request #${v.requestId}: <@${v.requester}> asks for +${usd(v.amountUsd)} for ${v.teamName}`;
  return { text, blocks };
}

/** the thread reply that brings the approvers in */
export function approverMentionText(v: { requester: string; amountUsd: number; teamName: string; approvers: string[] }): string {
  return (
    `${mentions(v.approvers)}: <@${v.requester}> asks for +${usd(v.amountUsd)} for ${escapeMrkdwn(v.teamName)}. ` +
    'Decide with the buttons above, or reply here with `approve`, `approve <amount>` or `deny <reason>`.'
  );
}

export function reminderText(v: { requester: string; amountUsd: number; approvers: string[]; expiresAt: number; tz: string; hours: number }): string {
  return (
    `${mentions(v.approvers)}: reminder, <@${v.requester}>'s request for +${usd(v.amountUsd)} has waited ${v.hours} hours for a decision. ` +
    `It expires ${slackDate(v.expiresAt, v.tz)} if nobody decides.`
  );
}

export interface Outcome {
  status: 'approved' | 'denied' | 'cancelled' | 'expired';
  by: string | null;
  at: number;
  approvedUsd?: number | null;
  requestedUsd: number;
  note?: string | null;
  month: string;
  /** the month's budget after the decision (approvals) */
  budgetAfterUsd?: number | null;
  expiryDays?: number;
  tz: string;
}

/** one line saying how the request ended */
export function outcomeText(o: Outcome): string {
  const when = slackDate(o.at, o.tz);
  const note = o.note ? `: “${escapeMrkdwn(clip(o.note, 500))}”` : '';
  switch (o.status) {
    case 'approved': {
      const amount = o.approvedUsd ?? o.requestedUsd;
      const differs = Math.abs(amount - o.requestedUsd) > 0.005 ? ` (asked ${usd(o.requestedUsd)})` : '';
      const after = o.budgetAfterUsd != null ? ` The ${monthLabel(o.month)} budget is now ${usd(o.budgetAfterUsd)}.` : '';
      return `:white_check_mark: *Approved* +${usd(amount)}${differs} by ${actorRef(o.by)} ${when}${note}.${after}`;
    }
    case 'denied':
      return `:no_entry: *Denied* by ${actorRef(o.by)} ${when}${note}`;
    case 'cancelled':
      return `:heavy_minus_sign: *Cancelled* by ${actorRef(o.by)} ${when}.`;
    case 'expired':
      return `:hourglass: *Expired* ${when}: nobody decided within ${o.expiryDays ?? '?'} days.`;
  }
}

/** the request message once decided: the same figures, no buttons or how-to, the outcome last */
export function decidedBlocks(original: unknown[], outcome: string): unknown[] {
  const kept = original.filter((b) => {
    const block = b as { type?: string; block_id?: string };
    return block.type !== 'actions' && block.block_id !== APPROVAL_HOWTO_BLOCK && block.block_id !== APPROVAL_OUTCOME_BLOCK;
  });
  return [...kept, { type: 'section', block_id: APPROVAL_OUTCOME_BLOCK, text: { type: 'mrkdwn', text: outcome } }];
}

/** plain fallback text for the decided message */
export function decidedText(r: Pick<BudgetRequest, 'id' | 'amount_usd'>, status: Outcome['status'], teamName: string): string {
  return `Budget increase request #${r.id} (+${usd(r.amount_usd)} for ${teamName}): ${status}`;
}

/** the DM to the requester */
export function requesterDmText(v: { requestId: number; teamName: string; outcome: string; channelId: string | null }): string {
  const where = v.channelId ? ` (in <#${v.channelId}>)` : '';
  return `Your budget increase request #${v.requestId} for ${escapeMrkdwn(v.teamName)}${where}:\n${v.outcome}`;
}

/** the requester's private confirmation */
export function requestConfirmation(v: {
  requestId: number;
  teamName: string;
  amountUsd: number;
  channelId: string;
  permalink?: string;
  posted: boolean;
  approvers: string[];
  expiresAt: number;
  tz: string;
}) {
  const where = v.permalink
    ? `<${v.permalink}|posted in <#${v.channelId}>>`
    : v.posted
      ? `posted in <#${v.channelId}>`
      : `on its way to <#${v.channelId}> (Slack is slow to answer; it will be posted as soon as it does)`;
  const text =
    `:white_check_mark: Your request #${v.requestId} for +${usd(v.amountUsd)} for ${escapeMrkdwn(v.teamName)} is ${where}. ` +
    `${v.approvers.map((a) => `<@${a}>`).join(', ')} will decide; it expires ${slackDate(v.expiresAt, v.tz)}. ` +
    'You will get a DM with the decision.';
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text } },
      {
        type: 'actions',
        block_id: `approval_confirm:${v.requestId}`,
        elements: [
          {
            type: 'button',
            action_id: ActionIds.approvalCancel,
            text: { type: 'plain_text', text: 'Cancel request' },
            value: String(v.requestId),
          },
        ],
      },
    ],
  };
}
