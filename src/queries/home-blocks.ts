// The App Home tab: the viewer's last 7 days, their team's numbers and budget, requests waiting for
// their decision (owners' long-task requests, with their buttons; budget requests), and open loop
// alerts. Rebuilt on every open; at most 100 blocks (Slack's limit).
import type { OpenLoopAlert } from '../db/repos/metrics-repo.js';
import type { MeFigures, SummaryFigures } from './summary.js';
import { qualityLine, type QualityFigures } from '../quality/index.js';
import { pendingDecisionBlocks, type PendingDecisionView } from '../loops/index.js';
import { ActionIds } from '../slack/ids.js';
import { change, clip, count, duration, escapeMrkdwn, percent, points, usd } from '../slack/format.js';
import { alertLines } from './me-blocks.js';
import { code, context, divider, header, section, type Block } from '../slack/blocks.js';
import { connectDeliveryText, connectUsageText } from './summary-blocks.js';

export const HOME_MAX_BLOCKS = 100;
const ALERTS_SHOWN = 5;
const APPROVALS_SHOWN = 10;
/** owners' long-task requests shown with their buttons, newest first (the rest are counted) */
export const DECISIONS_SHOWN = 5;

export interface HomeApproval {
  id: number;
  teamName: string;
  requesterSlackId: string;
  amountUsd: number;
  reason: string;
  createdAt: number;
  channelId: string | null;
}

export interface HomeBudget {
  /** YYYY-MM */
  month: string;
  budgetUsd: number | null;
  spentUsd: number;
  used: number | null;
  /** null: too early to forecast */
  forecastUsd: number | null;
  pending: number;
}

export interface HomeTeam {
  name: string;
  figures: SummaryFigures;
  hasDelivery: boolean;
  budget: HomeBudget;
  alerts: OpenLoopAlert[];
  /** how the team's last 7 days of work held up (src/quality) */
  quality?: QualityFigures;
}

export interface HomeView {
  now: number;
  timezone: string;
  /** undefined: not linked to a person (an approver or admin without an email Slack shares) */
  me?: { figures: MeFigures; alerts: OpenLoopAlert[]; email: string | null };
  slackUserId: string;
  team?: HomeTeam;
  /** the whole org, for admins */
  org?: SummaryFigures;
  approvals: HomeApproval[];
  /** owners' requests to excuse a session that the viewer may decide: the newest, and how many in all */
  decisions?: { items: PendingDecisionView[]; total: number };
  /** what the viewer's last press on the Home did (shown once, on top) */
  notice?: string;
}

export interface HomeTab {
  type: 'home';
  blocks: Block[];
}

function updatedLine(now: number, timezone: string): string {
  const fmt = new Intl.DateTimeFormat('en-US', {
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone: timezone,
  });
  return `Updated ${fmt.format(now)} (${timezone}) · refreshed each time you open this tab · numbers are the last 7 days, today included`;
}

function monthLabel(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return new Intl.DateTimeFormat('en-US', { month: 'long', timeZone: 'UTC' }).format(Date.UTC(y!, m! - 1, 1));
}

function topBlocks(v: Pick<HomeView, 'now' | 'timezone'>): Block[] {
  return [
    header('aispend · what AI spend delivers'),
    {
      type: 'actions',
      elements: [{ type: 'button', action_id: ActionIds.homeRefresh, text: { type: 'plain_text', text: 'Refresh' }, value: 'refresh' }],
    },
    context(updatedLine(v.now, v.timezone)),
  ];
}

function meSection(f: MeFigures, email: string | null): Block {
  if (f.empty) {
    return section(
      `*You*\nNo AI usage, sessions or delivered stories linked to you${email ? ` (${escapeMrkdwn(email)})` : ''} in the last 7 days. ` +
        `${connectUsageText()}`,
    );
  }
  const lines = [
    `*You* · *${usd(f.spendUsd)}* spent (${change(f.spendChange)})`,
    `${count(f.sessions)} agent ${f.sessions === 1 ? 'session' : 'sessions'} (${usd(f.sessionCostUsd)}, ${count(f.commits)} ${f.commits === 1 ? 'commit' : 'commits'})`,
    f.stories === 0
      ? 'No stories delivered, so no cost per story yet'
      : `${count(f.stories)} ${f.stories === 1 ? 'story' : 'stories'} delivered${f.points > 0 ? ` (${points(f.points)} points)` : ''} · ` +
        (f.spendUsd === 0 ? 'no AI spend on them' : `*${usd(f.costPerStory)} per story*`),
  ];
  if (f.wasteUsd > 0) lines.push(`${usd(f.wasteUsd)} in sessions that produced nothing`);
  return section(lines.join('\n'));
}

function teamSection(t: HomeTeam, now: number): Block[] {
  const f = t.figures;
  const blocks: Block[] = [];
  const lines = [`*Team ${escapeMrkdwn(t.name)}* · *${usd(f.spendUsd)}* spent (${change(f.spendChange)} vs the 7 days before)`];
  if (f.stories > 0) {
    lines.push(
      `${count(f.stories)} ${f.stories === 1 ? 'story' : 'stories'} delivered${f.points > 0 ? ` (${points(f.points)} points)` : ''} · ` +
        `*${usd(f.costPerStory)} per story*${f.costPerStoryChange !== null ? ` (${change(f.costPerStoryChange)})` : ''}` +
        (f.aiAssistedShare !== null ? ` · ${percent(f.aiAssistedShare)} AI-assisted` : ''),
    );
  } else {
    lines.push(t.hasDelivery ? 'No stories delivered in these 7 days.' : `No delivery data yet. ${connectDeliveryText()}`);
  }
  if (f.waste.totalCostUsd > 0) lines.push(`Waste: ${usd(f.waste.totalCostUsd)} (${percent(f.waste.share)} of spend)`);
  if (f.fit.requests > 0) lines.push(`Cheaper routing of ${count(f.fit.requests)} small calls would have saved ${usd(f.fit.savingsUsd)}`);
  lines.push(`Cost per story, 8 weeks: \`${f.sparkline}\``);
  const quality = t.quality ? qualityLine(t.quality) : null;
  if (quality) lines.push(`Quality: ${escapeMrkdwn(quality)}`);
  blocks.push(section(lines.join('\n')));
  const b = t.budget;
  const month = monthLabel(b.month);
  const pending = b.pending > 0 ? ` · ${count(b.pending)} pending ${b.pending === 1 ? 'request' : 'requests'}` : '';
  const forecast = b.forecastUsd === null ? 'too early to forecast' : `forecast ${usd(b.forecastUsd)}`;
  blocks.push(
    section(
      b.budgetUsd === null
        ? `*Budget* · no budget set for ${month}; ${usd(b.spentUsd)} spent so far, ${forecast}${pending}. ` +
            `Admins: ${code(`/aispend admin budget set ${t.name} <amount>`)}`
        : `*Budget* · ${usd(b.spentUsd)} of ${usd(b.budgetUsd)} in ${month} (${percent(b.used)}) · ${forecast}` +
            `${b.forecastUsd !== null && b.forecastUsd > b.budgetUsd ? ' :warning: on course to exceed it' : ''}${pending}`,
    ),
  );
  if (t.alerts.length > 0) {
    const shown = alertLines(t.alerts.slice(0, ALERTS_SHOWN), now, { owner: true });
    blocks.push(
      section(
        `:rotating_light: *Open loop alerts in ${escapeMrkdwn(t.name)}*\n${shown.join('\n')}` +
          (t.alerts.length > ALERTS_SHOWN ? `\n…and ${t.alerts.length - ALERTS_SHOWN} more: ${code('/aispend sessions looping')}` : ''),
      ),
    );
  }
  return blocks;
}

function approvalBlocks(items: HomeApproval[], now: number): Block[] {
  if (items.length === 0) return [];
  const lines = items.slice(0, APPROVALS_SHOWN).map(
    (a) =>
      `• *${usd(a.amountUsd)}* for *${escapeMrkdwn(a.teamName)}* from <@${a.requesterSlackId}> — ` +
      `“${escapeMrkdwn(clip(a.reason, 140))}” · asked ${duration(now - a.createdAt)} ago` +
      (a.channelId ? ` · decide in <#${a.channelId}>` : ''),
  );
  return [
    section(
      `:inbox_tray: *${count(items.length)} budget ${items.length === 1 ? 'request' : 'requests'} waiting for your decision*\n${lines.join('\n')}` +
        (items.length > APPROVALS_SHOWN ? `\n…and ${items.length - APPROVALS_SHOWN} more` : ''),
    ),
  ];
}

function footer(): Block {
  return context(
    `More: ${code('/aispend me')} · ${code('/aispend summary [team] [week|month|sprint]')} · ${code('/aispend quality')} · ${code('/aispend budget')} · ` +
      `${code('/aispend sessions')} · ${code('/aispend models')} · ${code('/aispend help')}`,
  );
}

export function homeView(v: HomeView): HomeTab {
  const blocks: Block[] = [...topBlocks(v)];
  if (v.notice) blocks.push(section(v.notice));
  if (!v.me) {
    blocks.push(section(linkText(v.slackUserId)));
  } else if (!v.team) {
    blocks.push(
      context(`You're not on a team yet, so you see only your own numbers. Ask an admin: ${code('/aispend admin team add <team> @you')}.`),
    );
  }
  if (v.me) blocks.push(meSection(v.me.figures, v.me.email));
  if (v.me && v.me.alerts.length > 0) {
    blocks.push(
      section(
        `:rotating_light: *Open loop alerts on your sessions*\n${alertLines(v.me.alerts.slice(0, ALERTS_SHOWN), v.now).join('\n')}` +
          (v.me.alerts.length > ALERTS_SHOWN ? `\n…and ${v.me.alerts.length - ALERTS_SHOWN} more` : ''),
      ),
    );
  }
  const waiting = [
    ...pendingDecisionBlocks((v.decisions?.items ?? []).slice(0, DECISIONS_SHOWN), v.decisions?.total ?? 0, v.now),
    ...approvalBlocks(v.approvals, v.now),
  ];
  if (waiting.length) blocks.push(divider, ...waiting);
  if (v.team) blocks.push(divider, ...teamSection(v.team, v.now));
  if (v.org) {
    const f = v.org;
    blocks.push(
      divider,
      section(
        `*Whole org* (admin view) · *${usd(f.spendUsd)}* spent (${change(f.spendChange)}) · ${count(f.stories)} stories · ` +
          `${f.costPerStory === null ? 'no cost per story yet' : `${usd(f.costPerStory)} per story`}` +
          (f.waste.totalCostUsd > 0 ? ` · waste ${usd(f.waste.totalCostUsd)}` : ''),
      ),
    );
  }
  blocks.push(divider, footer());
  return { type: 'home', blocks: blocks.slice(0, HOME_MAX_BLOCKS) };
}

function linkText(slackUserId: string): string {
  return (
    "*Get linked.* I can't match your Slack account to the email your AI usage is reported under " +
    '(Slack did not share your email with me). Ask an admin to run ' +
    `${code('/aispend admin link @you <your work email>')} and ${code('/aispend admin team add <team> @you')}` +
    ` — your member ID is ${escapeMrkdwn(slackUserId)}.`
  );
}

/** For someone aispend cannot match to a person yet. */
export function welcomeView(slackUserId: string, v: Pick<HomeView, 'now' | 'timezone' | 'notice'>): HomeTab {
  return {
    type: 'home',
    blocks: [
      ...topBlocks(v),
      ...(v.notice ? [section(v.notice)] : []),
      section(
        '*Welcome to aispend.* It shows what your AI spend delivers: cost per delivered story, sessions that burn ' +
          'money without commits, and budgets with a human approval path. It never ranks people by tokens.',
      ),
      section(linkText(slackUserId)),
      section(`*Connect your tools.* ${connectUsageText()} ${connectDeliveryText()}`),
      divider,
      footer(),
    ],
  };
}
