// Answers of the source admin words: `map` (with what moved to the team), `unpriced`.
import type { MappingKind } from '../../db/repos/org-repo.js';
import type { MovedSpend } from '../billing/late-attribution.js';
import { code, context, section, type Message } from '../../slack/blocks.js';
import { count, escapeMrkdwn, tokens, usd } from '../../slack/format.js';

export interface MappingRow {
  kind: MappingKind;
  external_id: string;
  team_name: string;
}

export function mappingListBlocks(rows: MappingRow[]): Message {
  if (rows.length === 0) {
    const text = 'No source mappings yet.';
    return {
      text,
      blocks: [
        section(
          `${text} Map an Anthropic workspace, an OpenAI/Jira/Linear project or an API key to a team: ` +
            code('/aispend admin map workspace wrkspc_01AbC platform'),
        ),
      ],
    };
  }
  const lines = rows.slice(0, 100).map((r) => `• ${r.kind} \`${escapeMrkdwn(r.external_id)}\` → *${escapeMrkdwn(r.team_name)}*`);
  const text = `${rows.length} source ${rows.length === 1 ? 'mapping' : 'mappings'}`;
  return {
    text,
    blocks: [section(`*${text}*\n${lines.join('\n')}`), ...(rows.length > 100 ? [context(`…and ${rows.length - 100} more`)] : [])],
  };
}

export interface UnpricedRow {
  provider: string;
  model: string;
  rows: number;
  tokens: number;
  first_seen: number;
  last_seen: number;
}

export function unpricedBlocks(rows: UnpricedRow[], timezone: string): Message {
  if (rows.length === 0) {
    const text = 'Every model seen so far has a price.';
    return { text, blocks: [section(`:white_check_mark: ${text}`)] };
  }
  const fmt = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', year: 'numeric', timeZone: timezone });
  const lines = rows
    .slice(0, 50)
    .map(
      (r) =>
        `• *${escapeMrkdwn(r.model)}* (${escapeMrkdwn(r.provider)}) — ${count(r.rows)} ${r.rows === 1 ? 'record' : 'records'}, ` +
        `${tokens(r.tokens)} tokens, seen ${fmt.format(r.first_seen)} – ${fmt.format(r.last_seen)}`,
    );
  const text = `${rows.length} ${rows.length === 1 ? 'model has' : 'models have'} no price`;
  return {
    text,
    blocks: [
      section(`:warning: *${text}*: their tokens are kept, their cost counts as $0.\n${lines.join('\n')}`),
      context(
        'Prices come from the maintained price library (@pydantic/genai-prices): updating aispend picks up new models. ' +
          'Records that carry their own cost (`cost_usd`) are never unpriced. docs/usage-sources.md explains prices.',
      ),
    ],
  };
}

function shortDate(ms: number, tz: string): string {
  return new Intl.DateTimeFormat('en-US', { timeZone: tz, month: 'short', day: 'numeric', year: 'numeric' }).format(new Date(ms));
}

/** What attribution after the fact moved, in one line (undefined when nothing moved). */
export function movedLine(m: MovedSpend, teamName: string, tz: string): string | undefined {
  const extras = [
    m.sessions ? `${count(m.sessions)} agent ${m.sessions === 1 ? 'session' : 'sessions'}` : null,
    m.stories ? `${count(m.stories)} ${m.stories === 1 ? 'story' : 'stories'}` : null,
    m.commits ? `${count(m.commits)} ${m.commits === 1 ? 'commit' : 'commits'}` : null,
    m.pullRequests ? `${count(m.pullRequests)} pull ${m.pullRequests === 1 ? 'request' : 'requests'}` : null,
  ].filter((x): x is string => x !== null);
  if (m.since === null && extras.length === 0) return undefined;
  const when = m.since !== null && m.until !== null ? ` (${shortDate(m.since, tz)} – ${shortDate(m.until, tz)})` : '';
  const money = Math.abs(m.costUsd) >= 0.005 ? `${usd(m.costUsd)} of unattributed spend${when}` : `unattributed records${when}`;
  return `Moved ${money} to *${escapeMrkdwn(teamName)}*${extras.length ? `, with ${extras.join(', ')}` : ''}.`;
}
