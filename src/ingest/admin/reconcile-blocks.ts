// `/aispend admin reconcile`: per UTC day and billing scope, the bill, what telemetry saw, what was
// counted and the rule that decided, with totals: how an admin checks a figure by hand. One line per
// group, so it reads on a phone.
import type { ReconcileGroup } from '../../domain/reconciliation.js';
import { escapeMrkdwn, usd } from '../../slack/format.js';
import { context, header, section, type Block, type Message } from '../../slack/blocks.js';

export interface ReconcileDayView {
  utcDay: string;
  billSource?: string;
  groups: ReconcileGroup[];
  unbilledUsd: number;
}

export interface ReconcileView {
  provider: string;
  periodLabel: string;
  days: ReconcileDayView[];
  teamName: (teamId: number) => string;
}

const BILL_NAMES: Record<string, string> = {
  anthropic_cost: 'cost report',
  anthropic_usage: 'usage report, priced',
  openai_costs: 'costs API',
  openai_usage: 'usage API, priced',
};
const PROVIDER_NAMES: Record<string, string> = { anthropic: 'Anthropic API', openai: 'OpenAI API' };

function dayLabel(utcDay: string): string {
  return new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', weekday: 'short', month: 'short', day: 'numeric' }).format(Date.parse(`${utcDay}T00:00:00Z`));
}

function groupLine(g: ReconcileGroup, teamName: (id: number) => string): string {
  const who = g.team === 0 ? '_Unmapped scopes_' : `*${escapeMrkdwn(teamName(g.team))}*`;
  const scopes = g.scopes.length ? ` (${g.scopes.map((s) => escapeMrkdwn(s)).join(', ')})` : '';
  const seenBy =
    g.team === 0 && g.observedTeams.some((t) => t !== 0)
      ? `; telemetry of ${g.observedTeams.map((t) => (t === 0 ? 'no team' : escapeMrkdwn(teamName(t)))).join(', ')}`
      : '';
  const rule =
    g.rule === 'bill'
      ? `bill decides: ${usd(g.gapUsd)} added that telemetry did not see`
      : g.billedUsd === 0
        ? 'telemetry decides: no bill line names these calls'
        : g.explainedByUnmatchedUsd > 0
          ? 'the rest of the bill is telemetry counted with the unmapped scopes'
          : 'telemetry decides: it saw at least the bill';
  const explained =
    g.explainedByUnmatchedUsd > 0 ? `; ${usd(g.explainedByUnmatchedUsd)} of it is telemetry of teams the bill does not name, counted there` : '';
  return `• ${who}${scopes}${seenBy}\n   bill ${usd(g.billedUsd)} · telemetry ${usd(g.observedUsd)} → counted *${usd(g.countedUsd)}* (${rule}${explained})`;
}

export function reconcileBlocks(views: ReconcileView[]): Message {
  const blocks: Block[] = [];
  const text: string[] = [];
  for (const v of views) {
    const name = PROVIDER_NAMES[v.provider] ?? v.provider;
    blocks.push(header(`${name}: bill against telemetry`));
    blocks.push(context(`UTC days of ${escapeMrkdwn(v.periodLabel)}. Each day counts max(bill, telemetry) per billing scope; Bedrock, Vertex and subscription usage is never netted against this bill.`));
    let bill = 0;
    let seen = 0;
    let counted = 0;
    let chunk = '';
    const flush = () => {
      if (chunk) blocks.push(section(chunk));
      chunk = '';
    };
    for (const d of v.days) {
      let part: string;
      if (!d.billSource) {
        if (d.unbilledUsd === 0) continue;
        part = `*${dayLabel(d.utcDay)}* · no bill yet: telemetry ${usd(d.unbilledUsd)} counted as seen`;
        seen += d.unbilledUsd;
        counted += d.unbilledUsd;
      } else {
        part = `*${dayLabel(d.utcDay)}* · ${BILL_NAMES[d.billSource] ?? d.billSource}\n` + d.groups.map((g) => groupLine(g, v.teamName)).join('\n');
        for (const g of d.groups) {
          bill += g.billedUsd;
          seen += g.observedUsd;
          counted += g.countedUsd;
        }
      }
      if (chunk.length + part.length > 2800) flush();
      chunk += (chunk ? '\n' : '') + part;
    }
    flush();
    const total = `*Totals* · bill ${usd(bill)} · telemetry ${usd(seen)} · counted *${usd(counted)}*`;
    blocks.push(section(bill === 0 && seen === 0 ? 'No bill and no telemetry in this period.' : total));
    text.push(`${name}: bill ${usd(bill)}, telemetry ${usd(seen)}, counted ${usd(counted)}`);
  }
  return { text: text.join('; ') || 'Nothing to reconcile', blocks: blocks.slice(0, 50) };
}
