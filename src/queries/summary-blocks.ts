// `/aispend summary`: the key number first (spend and its change), then stories and cost per story,
// then the detail (cost per point, AI-assisted share, waste, model fit, 8-week trend, top models).
import type { PeriodPair } from '../domain/periods.js';
import { qualityLine, type QualityFigures } from '../quality/index.js';
import type { SummaryFigures } from './summary.js';
import { code, context, fields, header, section, type Block, type Message } from '../slack/blocks.js';
import { change, count, escapeMrkdwn, percent, points, usd } from '../slack/format.js';

const md = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });
const mdy = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC' });

function dayDate(day: string): Date {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y!, m! - 1, d!));
}

/** "Nov 3" for a local date YYYY-MM-DD */
export function dayLabel(day: string): string {
  return md.format(dayDate(day));
}

/** "Nov 17 – Nov 23" for local days [from, to); years shown when the range crosses one */
export function dayRange(from: string, toExclusive: string): string {
  const last = new Date(dayDate(toExclusive).getTime() - 86_400_000).toISOString().slice(0, 10);
  if (last <= from) return dayLabel(from);
  if (from.slice(0, 4) !== last.slice(0, 4)) return `${mdy.format(dayDate(from))} – ${mdy.format(dayDate(last))}`;
  return `${dayLabel(from)} – ${dayLabel(last)}`;
}

/** Where each kind of data comes from: the docs page that says how, so "no data yet" says what to connect. */
export const CONNECT = {
  telemetry: 'Claude Code telemetry (docs/usage-sources.md)',
  adminApis: 'provider admin API keys (docs/usage-sources.md)',
  delivery: 'GitHub, Jira or Linear webhooks (docs/delivery-sources.md)',
} as const;

export function connectUsageText(): string {
  return `To see spend, connect ${CONNECT.telemetry} or ${CONNECT.adminApis}.`;
}

export function connectDeliveryText(): string {
  return `To count delivered stories, connect ${CONNECT.delivery}.`;
}

/** "▲ 12% vs $1,100.00" or "no earlier figure" */
export function vs(changeValue: number | null, previous: string, against: string): string {
  return changeValue === null ? `no figure for ${against} to compare with` : `${change(changeValue)} vs ${previous} ${against}`;
}

export function periodTitle(pair: PeriodPair): string {
  switch (pair.kind) {
    case 'week':
      return 'last 7 days';
    case 'month':
      return `${monthName(pair.current.from)} to date`;
    case 'sprint': {
      const name = pair.currentName ?? 'current sprint';
      return pair.toDate ? `${name} (in progress)` : name;
    }
  }
}

/** how the previous period is named in comparisons */
export function previousTitle(pair: PeriodPair): string {
  switch (pair.kind) {
    case 'week':
      return 'the 7 days before';
    case 'month':
      return `the same days of ${monthName(pair.previous.from)}`;
    case 'sprint':
      return pair.toDate
        ? `the same days of ${pair.previousName ?? 'the sprint before'}`
        : (pair.previousName ?? 'the sprint before');
  }
}

function monthName(day: string): string {
  return new Intl.DateTimeFormat('en-US', { month: 'long', timeZone: 'UTC' }).format(dayDate(day));
}

export interface SummaryView {
  /** team name, or "the whole org" */
  scopeName: string;
  pair: PeriodPair;
  figures: SummaryFigures;
  timezone: string;
  /** any delivery data (stories or commits) ever linked to this scope */
  hasDelivery: boolean;
  /** how the period's work held up (src/quality) */
  quality?: QualityFigures;
  /** when the quality line is not shown here: the command that shows it */
  qualityCommand?: string;
}

function storiesLine(v: SummaryView): string {
  const f = v.figures;
  const prev = previousTitle(v.pair);
  if (f.stories === 0) {
    if (!v.hasDelivery) return `*No delivered stories* — no delivery data is linked to ${escapeMrkdwn(v.scopeName)} yet. ${connectDeliveryText()}`;
    return `*No stories delivered* in this period, so no cost per story yet (${count(f.previousStories)} in ${prev}).`;
  }
  const pts = f.points > 0 ? ` (${points(f.points)} points)` : '';
  const cps =
    f.costPerStoryChange !== null
      ? `${change(f.costPerStoryChange)} vs ${usd(f.previousCostPerStory)}`
      : `no cost per story for ${prev} to compare with`;
  return `*${count(f.stories)} ${f.stories === 1 ? 'story' : 'stories'}* delivered${pts} · *${usd(f.costPerStory)} per story* (${cps})`;
}

function wasteText(f: SummaryFigures): string {
  if (f.waste.totalCostUsd === 0) return '*Waste*\nnone: no session ended without a commit or looped';
  const parts: string[] = [];
  if (f.waste.noCommitSessions > 0) parts.push(`${count(f.waste.noCommitSessions)} ended without a commit`);
  if (f.waste.loopSessions > 0) parts.push(`${count(f.waste.loopSessions)} raised a loop alert`);
  return `*Waste*\n${usd(f.waste.totalCostUsd)} (${percent(f.waste.share)} of spend)${parts.length ? ': ' + parts.join(', ') : ''}`;
}

export function fitText(fit: SummaryFigures['fit']): string {
  if (fit.requests === 0) return '*Model fit*\nno small-output calls on top-tier models';
  return (
    `*Model fit*\n${count(fit.requests)} small-output ${fit.requests === 1 ? 'call' : 'calls'} on top-tier models cost ${usd(fit.costUsd)}; ` +
    `the cheaper model would have saved *${usd(fit.savingsUsd)}*`
  );
}

function trendText(f: SummaryFigures): string {
  const known = f.trend.filter((t) => t.costPerStory !== null);
  const lines = f.trend.map(
    (t) =>
      `${dayLabel(t.from)}: ${t.costPerStory === null ? (t.costUsd > 0 ? `${usd(t.costUsd)}, no stories` : '—') : `${usd(t.costPerStory)} (${count(t.stories)})`}`,
  );
  const head =
    known.length >= 2
      ? `*Cost per story, last 8 weeks* \`${f.sparkline}\` ${usd(known[0]!.costPerStory)} → ${usd(known[known.length - 1]!.costPerStory)}`
      : `*Cost per story, last 8 weeks* \`${f.sparkline}\``;
  return `${head}\n${lines.join(' · ')}`;
}

function modelsText(f: SummaryFigures): string {
  const sources = sourcesText(f);
  if (f.top.top.length === 0) return `*Top models*: none in this period${sources ? `\n${sources}` : ''}`;
  const parts = f.top.top.map((m) => `${escapeMrkdwn(m.model)} ${usd(m.costUsd)} (${percent(m.share)})`);
  if (f.top.othersCount > 0) parts.push(`${f.top.othersCount} more ${usd(f.top.othersUsd)}`);
  return `*Top models*: ${parts.join(' · ')}${sources ? `\n${sources}` : ''}`;
}

/** who bills the spend: shown when it is more than one bill, or a subscription's list-price equivalent */
export function sourcesText(f: Pick<SummaryFigures, 'sources'>): string | undefined {
  if (f.sources.length === 0 || (f.sources.length === 1 && f.sources[0]!.source !== 'subscription')) return undefined;
  return `*By source*: ${f.sources.map((s) => `${escapeMrkdwn(s.label)} ${usd(s.costUsd)} (${percent(s.share)})`).join(' · ')}`;
}

export function summaryBlocks(v: SummaryView): Message {
  const f = v.figures;
  const title = `${v.scopeName} · ${periodTitle(v.pair)}`;
  const range = dayRange(v.pair.current.from, v.pair.current.to);
  const prevRange = dayRange(v.pair.previous.from, v.pair.previous.to);
  const dates =
    `${range}${v.pair.toDate ? ' (today included)' : ''} vs ${prevRange} · days in ${v.timezone} · ` +
    'spend counted once across bills and telemetry · only you can see this';
  if (f.empty) {
    const text = `No AI spend or delivered stories recorded for ${v.scopeName} in ${range} or ${prevRange} yet.`;
    return {
      text,
      blocks: [
        header(title),
        section(`${escapeMrkdwn(text)}\n${connectUsageText()}\n${connectDeliveryText()}`),
        context(dates),
      ],
    };
  }
  const spendLine = `*${usd(f.spendUsd)}* spent on AI — ${vs(f.spendChange, usd(f.previousSpendUsd), previousTitle(v.pair))}`;
  const blocks: Block[] = [header(title), section(`${spendLine}\n${storiesLine(v)}`)];
  const detail = [
    `*Cost per point*\n${f.costPerPoint === null ? (f.stories > 0 ? 'stories carry no points' : '—') : usd(f.costPerPoint)}${f.unpointed > 0 && f.costPerPoint !== null ? ` (${count(f.unpointed)} without points)` : ''}`,
    `*AI-assisted*\n${f.stories === 0 ? '—' : `${count(f.aiAssisted)} of ${count(f.stories)} stories (${percent(f.aiAssistedShare)})`}`,
    wasteText(f),
    fitText(f.fit),
  ];
  blocks.push(fields(detail));
  const quality = v.quality ? qualityLine(v.quality) : null;
  if (quality) blocks.push(section(`*Quality*: ${escapeMrkdwn(quality)} Detail: \`/aispend quality\``));
  else if (v.qualityCommand) blocks.push(context(`Quality (reverts, reopens, CI, reviews, tests, rework): ${code(v.qualityCommand)}`));
  if (f.spendUsd === 0 && f.requests === 0) blocks.push(section(`No AI usage recorded in this period. ${connectUsageText()}`));
  blocks.push(section(trendText(f)));
  blocks.push(section(modelsText(f)));
  blocks.push(context(dates));
  const text =
    `${v.scopeName}, ${periodTitle(v.pair)}: ${usd(f.spendUsd)} spent (${change(f.spendChange)}), ` +
    `${count(f.stories)} ${f.stories === 1 ? 'story' : 'stories'} delivered, ` +
    (f.costPerStory === null ? 'no cost per story yet' : `${usd(f.costPerStory)} per story`);
  return { text, blocks };
}
