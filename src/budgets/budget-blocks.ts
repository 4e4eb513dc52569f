// Pure Block Kit builders for budgets: `/aispend budget`, its history, and threshold alerts.
import type { AuditEntry } from '../db/repos/audit-repo.js';
import type { BudgetStatus } from './budget-numbers.js';
import { ActionIds } from '../slack/ids.js';
import { clip, escapeMrkdwn, percent, usd } from '../slack/format.js';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** '2026-11' → 'November 2026' */
export function monthLabel(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return `${MONTHS[(m ?? 1) - 1] ?? month} ${y}`;
}

/** '2026-11' → 'Nov' */
export function monthShort(month: string): string {
  return monthLabel(month).slice(0, 3);
}

const plainFormats = new Map<string, Intl.DateTimeFormat>();

/** 'Nov 23, 2026, 10:04 UTC' in the configured zone: for plain text (modals, fallbacks) */
export function plainWhen(ms: number, tz: string): string {
  let f = plainFormats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      month: 'short',
      day: 'numeric',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
    });
    plainFormats.set(tz, f);
  }
  return f.format(new Date(ms));
}

/** a date Slack shows in each reader's own time zone, with a plain fallback */
export function slackDate(ms: number, tz: string): string {
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} at {time}|${plainWhen(ms, tz)}>`;
}

export function actorRef(actor: string | null): string {
  if (!actor || actor === 'aispend') return 'aispend';
  return /^[UW][A-Z0-9]+$/.test(actor) ? `<@${actor}>` : escapeMrkdwn(actor);
}

export interface PendingLink {
  id: number;
  amountUsd: number;
  requester: string;
  /** permalink, or undefined when not known (then the channel is named) */
  url?: string;
  channelId?: string | null;
}

function budgetLine(s: BudgetStatus): string {
  if (s.budgetUsd === null) return 'No monthly budget is set.';
  const parts = [`*${usd(s.budgetUsd)}*`];
  if (s.increasesUsd > 0) {
    parts.push(`(monthly ${s.baseUsd === null ? 'none' : usd(s.baseUsd)} + ${usd(s.increasesUsd)} approved this month)`);
  }
  return parts.join(' ');
}

/** what the forecast rule says when it has less than a day of spend to go on */
export const TOO_EARLY = 'too early to forecast';

function forecastLine(s: BudgetStatus): string {
  if (s.forecastUsd === null) return TOO_EARLY;
  const f = usd(s.forecastUsd);
  if (s.budgetUsd === null) return f;
  const over = s.forecastUsd - s.budgetUsd;
  return over > 0.005 ? `${f}: *${usd(over)} over* budget` : `${f}: within budget`;
}

export function pendingLine(p: PendingLink): string {
  const where = p.url ? `<${p.url}|request #${p.id}>` : p.channelId ? `request #${p.id} in <#${p.channelId}>` : `request #${p.id}`;
  return `${where}: +${usd(p.amountUsd)} asked by <@${p.requester}>`;
}

/** `/aispend budget [team]` */
export function budgetStatusMessage(s: BudgetStatus, pending: PendingLink[], opts: { tz: string }) {
  const blocks: unknown[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(`${s.team.name}: budget for ${monthLabel(s.month)}`, 150) } },
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*Budget*\n${budgetLine(s)}` },
        { type: 'mrkdwn', text: `*Spent so far*\n${usd(s.spentUsd)}${s.used !== null ? ` (${percent(s.used)})` : ''}` },
        { type: 'mrkdwn', text: `*Forecast to month end*\n${forecastLine(s)}` },
        {
          type: 'mrkdwn',
          text: `*Left this month*\n${s.budgetUsd === null ? '—' : usd(Math.max(0, s.budgetUsd - s.spentUsd))}`,
        },
      ],
    },
  ];
  if (s.increases.length > 0) {
    const lines = s.increases.map(
      (i) =>
        `+${usd(i.amount_usd)}${i.request_id ? ` (request #${i.request_id})` : ''}${i.decided_by ? ` approved by ${actorRef(i.decided_by)}` : ''} ${slackDate(i.created_at, opts.tz)}`,
    );
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(`*Approved increases*\n${lines.join('\n')}`, 3000) } });
  }
  blocks.push({
    type: 'section',
    text: {
      type: 'mrkdwn',
      text: clip(
        pending.length === 0 ? '*Pending requests*\nNone.' : `*Pending requests*\n${pending.map(pendingLine).join('\n')}`,
        3000,
      ),
    },
  });
  const hints: string[] = [];
  if (s.budgetUsd === null) hints.push(`An admin sets one with \`/aispend admin budget set ${s.team.name} <amount>\`.`);
  hints.push(`Ask for more with \`/aispend request <amount> <reason>\`. History: \`/aispend budget history ${s.team.name}\`.`);
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: escapeMrkdwn(hints.join(' ')) }] });
  const text =
    `${s.team.name}, ${monthLabel(s.month)}: ` +
    (s.budgetUsd === null
      ? `spent ${usd(s.spentUsd)}, no budget set`
      : `spent ${usd(s.spentUsd)} of ${usd(s.budgetUsd)} (${percent(s.used)}), ` +
        (s.forecastUsd === null ? TOO_EARLY : `forecast ${usd(s.forecastUsd)}`)) +
    `, ${pending.length} pending request${pending.length === 1 ? '' : 's'}`;
  return { text, blocks };
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** one line of history, in words */
export function describeAudit(e: AuditEntry): string {
  const who = actorRef(e.actor);
  const d = e.details;
  const req = e.subject?.startsWith('request:') ? `request #${e.subject.slice('request:'.length)}` : 'a request';
  const reason = str(d.reason) ? `: “${escapeMrkdwn(clip(str(d.reason)!, 120))}”` : '';
  const month = str(d.month) ? ` for ${monthLabel(str(d.month)!)}` : '';
  switch (e.action) {
    case 'budget.set': {
      const to = num(d.toUsd);
      const from = num(d.fromUsd);
      const was = from === undefined ? 'none' : usd(from);
      return to === undefined
        ? `${who} removed the monthly budget (was ${was})`
        : `${who} set the monthly budget to ${usd(to)} (was ${was})`;
    }
    case 'budget.request':
      return `${who} asked for +${usd(num(d.amountUsd) ?? null)}${month} (${req})${reason}`;
    case 'budget.approve': {
      const amount = num(d.approvedUsd);
      const asked = num(d.requestedUsd);
      const differs = amount !== undefined && asked !== undefined && Math.abs(amount - asked) > 0.005;
      const note = str(d.note) ? `: “${escapeMrkdwn(clip(str(d.note)!, 120))}”` : '';
      return `${who} approved ${req}: +${usd(amount ?? null)}${month}${differs ? ` (asked ${usd(asked)})` : ''}${note}`;
    }
    case 'budget.deny':
      return `${who} denied ${req}${reason}`;
    case 'budget.cancel':
      return `${who} cancelled ${req}`;
    case 'budget.expire':
      return `${req[0]!.toUpperCase()}${req.slice(1)} expired: no decision within ${num(d.days) ?? '?'} days`;
    case 'budget.remind':
      return `Reminded the approvers of ${req}`;
    case 'budget.threshold':
      return `Alert: ${num(d.pct) ?? '?'}% of the${month.replace(' for', '')} budget used (${usd(num(d.spentUsd) ?? null)} of ${usd(num(d.budgetUsd) ?? null)})`;
    default: {
      const extra = Object.keys(d).length > 0 ? ` ${clip(JSON.stringify(d), 150)}` : '';
      return `${who} ${escapeMrkdwn(e.action)}${e.subject ? ` ${escapeMrkdwn(e.subject)}` : ''}${escapeMrkdwn(extra)}`;
    }
  }
}

/** `/aispend budget history [team]`: newest first */
export function budgetHistoryMessage(teamName: string, entries: AuditEntry[], opts: { tz: string; limit: number }) {
  const blocks: unknown[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(`${teamName}: budget history`, 150) } },
  ];
  if (entries.length === 0) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: 'Nothing recorded yet: no budget changes or requests for this team.' } });
  } else {
    // sections hold up to 3000 characters: group lines
    let chunk: string[] = [];
    let size = 0;
    const flush = () => {
      if (chunk.length) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: chunk.join('\n') } });
      chunk = [];
      size = 0;
    };
    for (const e of entries) {
      const line = clip(`${slackDate(e.at, opts.tz)} · ${describeAudit(e)}`, 600);
      if (size + line.length + 1 > 2900) flush();
      chunk.push(line);
      size += line.length + 1;
    }
    flush();
    if (entries.length >= opts.limit) {
      blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `The latest ${opts.limit} entries.` }] });
    }
  }
  return { text: `${teamName}: budget history, ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}`, blocks };
}

export interface ThresholdAlert {
  teamId: number;
  teamName: string;
  month: string;
  pct: number;
  spentUsd: number;
  budgetUsd: number;
  forecastUsd: number | null;
}

/** 50 / 80 / 100% of the month's budget, to the team channel; 100% offers a request button */
export function thresholdAlertMessage(a: ThresholdAlert) {
  const icon = a.pct >= 100 ? ':rotating_light:' : a.pct >= 80 ? ':warning:' : ':information_source:';
  const name = escapeMrkdwn(a.teamName);
  const used = a.spentUsd / a.budgetUsd;
  const headline =
    a.pct >= 100
      ? `${icon} *${name}* has used its whole ${monthLabel(a.month)} budget: *${usd(a.spentUsd)}* of ${usd(a.budgetUsd)} (${percent(used)}).`
      : `${icon} *${name}* has used ${percent(used)} of its ${monthLabel(a.month)} budget: *${usd(a.spentUsd)}* of ${usd(a.budgetUsd)}.`;
  const over = a.forecastUsd === null ? 0 : a.forecastUsd - a.budgetUsd;
  const forecast =
    a.forecastUsd === null
      ? 'It is too early in the month to forecast its end.'
      : over > 0.005
        ? `At this pace the month ends at ${usd(a.forecastUsd)}, ${usd(over)} over budget.`
        : `At this pace the month ends at ${usd(a.forecastUsd)}, within budget.`;
  const blocks: unknown[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `${headline}\n${forecast}` } },
  ];
  if (a.pct >= 100) {
    blocks.push({
      type: 'actions',
      block_id: `budget_threshold:${a.teamId}`,
      elements: [
        {
          type: 'button',
          action_id: ActionIds.budgetRequestIncrease,
          text: { type: 'plain_text', text: 'Request increase' },
          style: 'primary',
          value: String(a.teamId),
        },
      ],
    });
  }
  blocks.push({
    type: 'context',
    elements: [{ type: 'mrkdwn', text: `Alerts at 50%, 80% and 100%, once each per month. Details: \`/aispend budget ${escapeMrkdwn(a.teamName)}\`` }],
  });
  const text = `${a.teamName} has used ${percent(used)} of its ${monthLabel(a.month)} budget (${usd(a.spentUsd)} of ${usd(a.budgetUsd)})`;
  return { text, blocks };
}
