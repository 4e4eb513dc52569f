// Lists of agent sessions (/aispend sessions, the digest's "See sessions"): owner, duration, cost,
// commits, status and an alert badge. Ordered by recency, never by cost: sessions are not a ranking.
import { RULE_LABELS, isLoopRule, type LoopRule } from './loop-rules.js';
import { clip, count, duration, escapeMrkdwn, usd, userRef } from '../slack/format.js';
import { shortSession } from './loop-alert-blocks.js';

export type SessionBadge =
  | { kind: 'looping'; rule: LoopRule }
  | { kind: 'snoozed'; rule: LoopRule }
  | { kind: 'acknowledged'; rule: LoopRule }
  | { kind: 'committed'; rule: LoopRule }
  | { kind: 'expected' };

export interface SessionListItem {
  sessionId: string;
  repo: string | null;
  project: string | null;
  owner: { slackUserId: string | null; email: string | null; name: string | null };
  startedAt: number;
  activeUntil: number;
  costUsd: number;
  commits: number;
  status: 'active' | 'closed';
  badge?: SessionBadge;
}

const BADGE_ORDER = ['looping', 'snoozed', 'acknowledged', 'committed', 'expected'] as const;

/** A list row (with its alerts as "rule:status:updated_at,…") as the builder needs it. */
export function sessionListItem(
  row: {
    session_id: string;
    repo: string | null;
    project: string | null;
    started_at: number;
    last_activity_at: number;
    cost_usd: number;
    commits: number;
    status: 'active' | 'closed';
    expected: number;
    last_commit_at: number | null;
    owner_slack_id: string | null;
    owner_email: string | null;
    owner_name: string | null;
    alerts: string | null;
  },
  now: number,
): SessionListItem {
  const badges: SessionBadge[] = [];
  if (row.expected) badges.push({ kind: 'expected' });
  for (const part of (row.alerts ?? '').split(',').filter(Boolean)) {
    const [rule, status, updated] = part.split(':');
    if (!rule || !isLoopRule(rule)) continue;
    const reset = row.last_commit_at !== null && row.last_commit_at > Number(updated);
    if (status === 'acknowledged') badges.push({ kind: 'acknowledged', rule });
    else if ((status === 'open' || status === 'snoozed') && reset) badges.push({ kind: 'committed', rule });
    else if (status === 'open' && row.status === 'active') badges.push({ kind: 'looping', rule });
    else if (status === 'snoozed' && row.status === 'active') badges.push({ kind: 'snoozed', rule });
  }
  badges.sort((a, b) => BADGE_ORDER.indexOf(a.kind) - BADGE_ORDER.indexOf(b.kind));
  return {
    sessionId: row.session_id,
    repo: row.repo,
    project: row.project,
    owner: { slackUserId: row.owner_slack_id, email: row.owner_email, name: row.owner_name },
    startedAt: row.started_at,
    activeUntil: Math.min(now, Math.max(row.last_activity_at, row.started_at)),
    costUsd: row.cost_usd,
    commits: row.commits,
    status: row.status,
    badge: badges[0],
  };
}

function badgeText(b: SessionBadge | undefined): string {
  if (!b) return '';
  switch (b.kind) {
    case 'looping':
      return ` · :rotating_light: ${RULE_LABELS[b.rule]}`;
    case 'snoozed':
      return ` · :zzz: ${RULE_LABELS[b.rule]} (snoozed)`;
    case 'acknowledged':
      return ` · :white_check_mark: ${RULE_LABELS[b.rule]} (acknowledged)`;
    case 'committed':
      return ` · :white_check_mark: committed after a ${RULE_LABELS[b.rule].toLowerCase()} alert`;
    case 'expected':
      return ' · :hourglass_flowing_sand: expected long task';
  }
}

export function sessionLine(s: SessionListItem): string {
  const place = [s.repo, s.project && s.project !== s.repo ? s.project : null].filter((x): x is string => !!x);
  const who = userRef(s.owner.slackUserId, s.owner.email ?? s.owner.name ?? 'unknown owner');
  const head = `${who} · \`${escapeMrkdwn(shortSession(s.sessionId))}\`${place.length ? ` · ${escapeMrkdwn(place.join(' / '))}` : ''}`;
  const commits = s.commits === 1 ? '1 commit' : `${count(s.commits)} commits`;
  return clip(`${head}\n${duration(s.activeUntil - s.startedAt)} · ${usd(s.costUsd)} · ${commits} · ${s.status}${badgeText(s.badge)}`, 3000);
}

export const MAX_LISTED_SESSIONS = 20;

/**
 * A list of sessions. `scope` names whose they are ("team platform", "you"); `hint` is an
 * extra line (e.g. how to join a team). One section per session keeps each line readable on a phone.
 */
export function sessionsListMessage(opts: {
  scope: string;
  looping: boolean;
  items: SessionListItem[];
  /** how far back "recent" goes, for the heading */
  days?: number;
  hint?: string;
}): { text: string; blocks: unknown[] } {
  const items = opts.items.slice(0, MAX_LISTED_SESSIONS);
  const what = opts.looping ? 'Looping agent sessions' : 'Recent agent sessions';
  const span = !opts.looping && opts.days ? ` (last ${opts.days} days, latest first)` : ' (latest first)';
  const blocks: unknown[] = [
    { type: 'section', text: { type: 'mrkdwn', text: clip(`*${what} for ${escapeMrkdwn(opts.scope)}*${span}`, 3000) } },
  ];
  for (const s of items) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: sessionLine(s) } });
  const notes = [
    opts.looping ? 'All recent sessions: `/aispend sessions`.' : 'Only those with open loop alerts: `/aispend sessions looping`.',
    'Costs are estimates from telemetry.',
  ];
  if (opts.hint) notes.unshift(opts.hint);
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: clip(notes.join(' '), 3000) }] });
  const text = `${what} for ${opts.scope}: ${items.length} shown.`;
  return { text, blocks };
}

/** Nothing to list: say so, and what to connect when there has never been a session. */
export function noSessionsMessage(opts: { scope: string; looping: boolean; hint?: string }): { text: string; blocks: unknown[] } {
  const lines = opts.looping
    ? [`:white_check_mark: No looping agent sessions for ${escapeMrkdwn(opts.scope)} right now.`, 'Recent sessions: `/aispend sessions`.']
    : [
        `No agent sessions yet for ${escapeMrkdwn(opts.scope)}.`,
        'Sessions come from Claude Code telemetry: on each machine set `CLAUDE_CODE_ENABLE_TELEMETRY=1`, ' +
          '`OTEL_METRICS_EXPORTER=otlp`, `OTEL_LOGS_EXPORTER=otlp`, `OTEL_EXPORTER_OTLP_PROTOCOL=http/json`, ' +
          '`OTEL_EXPORTER_OTLP_ENDPOINT=<aispend URL>` and `OTEL_EXPORTER_OTLP_HEADERS="Authorization=Bearer <ingest token>"` ' +
          '(docs/usage-sources.md, Claude Code telemetry). Other agents can post to `/ingest/usage` with a `session_id`.',
      ];
  if (opts.hint) lines.push(opts.hint);
  const text = lines.join('\n');
  return { text: lines[0]!, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: clip(text, 3000) } }] };
}
