// Answers of `/aispend admin team|link|map|unpriced`: what changed, in words, and what to do next.
import type { MappingKind, Team } from '../../db/repos/org-repo.js';
import { UserFacingError } from '../../errors.js';
import { count, escapeMrkdwn, tokens, usd } from '../format.js';
import { code, context, section, type Block, type Message } from '../../queries/summary-blocks.js';

/** A bad argument: what was wrong and an example that works. Nothing has been changed. */
export function badArgs(problem: string, example: string): UserFacingError {
  return new UserFacingError(`${problem} Nothing was changed. Example: ${code(example)}`, 'bad_arguments');
}

/** a done answer: the first line is the key fact */
export function adminDone(lines: string[], next?: string): Message {
  const blocks: Block[] = [section(`:white_check_mark: ${lines[0]}${lines.length > 1 ? '\n' + lines.slice(1).join('\n') : ''}`)];
  if (next) blocks.push(context(next));
  return { text: lines[0]!.replace(/\*/g, ''), blocks };
}

export function channelRef(id: string | null): string {
  return id ? `<#${id}>` : '_no channel_';
}

export interface TeamListRow {
  team: Team;
  members: number;
  approvers: string[];
}

export function teamListBlocks(rows: TeamListRow[]): Message {
  if (rows.length === 0) {
    const text = 'No teams yet.';
    return {
      text,
      blocks: [section(`${text} Create one: ${code('/aispend admin team create platform #platform-eng')}`)],
    };
  }
  const lines = rows.map(({ team, members, approvers }) => {
    const parts = [
      `digests in ${channelRef(team.channel_id)}`,
      team.approvals_channel_id ? `requests in ${channelRef(team.approvals_channel_id)}` : null,
      `${count(members)} ${members === 1 ? 'member' : 'members'}`,
      approvers.length ? `approvers ${approvers.map((a) => `<@${a}>`).join(' ')}` : 'no approvers',
      team.monthly_budget_usd !== null ? `budget ${usd(team.monthly_budget_usd)}/month` : 'no budget',
    ].filter(Boolean);
    return `• *${escapeMrkdwn(team.name)}* — ${parts.join(' · ')}`;
  });
  const blocks: Block[] = [];
  // a section holds 3,000 characters: split long lists
  let chunk: string[] = [];
  let size = 0;
  for (const l of lines) {
    if (size + l.length + 1 > 2900 && chunk.length) {
      blocks.push(section(chunk.join('\n')));
      chunk = [];
      size = 0;
    }
    chunk.push(l);
    size += l.length + 1;
  }
  if (chunk.length) blocks.push(section(chunk.join('\n')));
  const text = `${rows.length} ${rows.length === 1 ? 'team' : 'teams'}`;
  return { text, blocks: [section(`*${text}*`), ...blocks.slice(0, 45)] };
}

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
          'Records that carry their own cost (`cost_usd`) are never unpriced. The usage README explains prices.',
      ),
    ],
  };
}

/** What attribution after the fact moved, in one line (empty when nothing moved). */
export interface MovedSummary {
  costUsd: number;
  since: number | null;
  until: number | null;
  sessions: number;
  stories: number;
  commits: number;
  pullRequests: number;
}

function shortDate(ms: number, tz: string): string {
  return new Intl.DateTimeFormat('en-US', { timeZone: tz, month: 'short', day: 'numeric', year: 'numeric' }).format(new Date(ms));
}

export function movedLine(m: MovedSummary, teamName: string, tz: string): string | undefined {
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
