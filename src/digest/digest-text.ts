// Words for the digest's figures: date labels, the sentences the message and chart share, the short
// fallback `text` of the Slack message, and a full plain-text rendering (the demo's <team>.txt).
import { count, percent, points, tokens, usd } from '../domain/format.js';
import type { DigestFigures, FitLine } from './digest.js';
import { qualityLine } from '../quality/index.js';
import { parseDay } from '../domain/time.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const LONG_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** 19 Oct */
export function shortDay(day: string): string {
  const d = parseDay(day);
  return `${d.day} ${MONTHS[d.month - 1]}`;
}

/** Thu 22 Oct */
export function weekdayDay(day: string): string {
  const d = parseDay(day);
  const wd = new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay();
  return `${WEEKDAYS[wd]} ${d.day} ${MONTHS[d.month - 1]}`;
}

/** "16–22 Nov 2026", "26 Oct – 1 Nov 2026", "28 Dec 2026 – 3 Jan 2027" (first and last day, inclusive) */
export function dayRange(first: string, last: string): string {
  const a = parseDay(first);
  const b = parseDay(last);
  if (a.year !== b.year) return `${a.day} ${MONTHS[a.month - 1]} ${a.year} – ${b.day} ${MONTHS[b.month - 1]} ${b.year}`;
  if (a.month !== b.month) return `${a.day} ${MONTHS[a.month - 1]} – ${b.day} ${MONTHS[b.month - 1]} ${b.year}`;
  return `${a.day}–${b.day} ${MONTHS[b.month - 1]} ${b.year}`;
}

export function weekRange(f: Pick<DigestFigures, 'week'>): string {
  return dayRange(f.week.from, f.week.lastDay);
}

/** "November 2026" from YYYY-MM */
export function monthName(key: string): string {
  const [y, m] = key.split('-').map(Number);
  return `${LONG_MONTHS[m! - 1]} ${y}`;
}

export function scopeName(f: Pick<DigestFigures, 'scope'>): string {
  return f.scope.kind === 'org' ? `${f.scope.name} (all teams)` : f.scope.name;
}

/** "(billing adjustment)" rows are the part of a provider bill that telemetry did not explain */
export function modelLabel(model: string): string {
  return model === '(billing adjustment)' ? 'billing adjustment (bill above telemetry)' : model;
}

export function nothingToReport(f: DigestFigures): string {
  return (
    `No AI spend or delivered work recorded for ${scopeName(f)} in the week of ${weekRange(f)}. ` +
    'Connect Claude Code telemetry or a provider admin API for spend, and GitHub, Jira or Linear for delivered work ' +
    '(docs/delivery-sources.md); an admin puts people on teams with `/aispend admin team add <team> <@person>`.'
  );
}

export function spendSentence(f: DigestFigures): string {
  const ch = f.spend.change;
  const vs =
    ch === null
      ? f.spend.previousUsd === 0 && f.spend.usd > 0
        ? 'none the week before'
        : 'no earlier figure'
      : Math.abs(ch) < 0.005
        ? 'no change on the week before'
        : `${ch > 0 ? 'up' : 'down'} ${Math.round(Math.abs(ch) * 100)}% on the week before (${usd(f.spend.previousUsd)})`;
  return `${usd(f.spend.usd)} AI spend, ${vs}`;
}

export function storiesSentence(f: DigestFigures): string {
  const d = f.delivery;
  if (!d.connected) return 'no delivery data connected yet (GitHub, Jira, Linear or the generic delivery route)';
  if (d.stories === 0) return 'no stories delivered this week';
  const pts = d.points > 0 ? `, ${points(d.points)} points` : '';
  const unp = d.unpointed > 0 ? ` (${count(d.unpointed)} without points)` : '';
  return `${count(d.stories)} ${d.stories === 1 ? 'story' : 'stories'} delivered${pts}${unp}`;
}

export function costPerStorySentence(f: DigestFigures): string {
  const d = f.delivery;
  if (d.costPerStory === null) {
    if (!d.connected) return 'cost per story needs delivery data';
    return f.spend.usd > 0 ? `no stories delivered this week, so no cost per story (${usd(f.spend.usd)} spent)` : 'no cost per story this week';
  }
  const perPoint = d.costPerPoint !== null ? `, ${usd(d.costPerPoint)} per point` : '';
  return `${usd(d.costPerStory)} per delivered story${perPoint}`;
}

export function trendSentence(f: DigestFigures): string {
  if (!f.delivery.connected) return 'needs delivery data: connect GitHub, Jira, Linear or the generic delivery route (docs/delivery-sources.md)';
  const ch = f.costPerStoryChange;
  if (f.priorCostPerStory === null) return 'no earlier weeks with delivered stories to compare with';
  if (ch === null) return `${usd(f.priorCostPerStory)} per story over the previous ${f.trend.length - 1} weeks`;
  const dir = Math.abs(ch) < 0.005 ? 'level with' : `${ch > 0 ? '▲' : '▼'} ${Math.round(Math.abs(ch) * 100)}% against`;
  return `${dir} ${usd(f.priorCostPerStory)} per story over the previous ${f.trend.length - 1} weeks`;
}

/** "19 Oct $120 · 26 Oct — · …": cost per story per week, oldest first */
export function trendSeries(f: DigestFigures): string {
  return f.trend.map((t) => `${shortDay(t.from)} ${t.costPerStory === null ? '—' : usd(t.costPerStory)}`).join(' · ');
}

export function aiShareSentence(f: DigestFigures): string | null {
  const d = f.delivery;
  if (!d.connected || d.stories === 0) return null;
  return `${count(d.aiAssisted)} of ${count(d.stories)} stories (${percent(d.aiShare)}) were AI-assisted`;
}

export function wasteSentence(f: DigestFigures): string {
  const w = f.waste;
  if (w.totalUsd <= 0) return 'no spend in sessions that ended without a commit or raised a loop alert';
  const parts: string[] = [];
  if (w.noCommitSessions > 0 || w.noCommitUsd > 0) {
    parts.push(`${usd(w.noCommitUsd)} in ${count(w.noCommitSessions)} ${w.noCommitSessions === 1 ? 'session' : 'sessions'} that ended with no commit`);
  }
  if (w.loopSessions > 0 || w.loopUsd > 0) {
    parts.push(`${usd(w.loopUsd)} in ${count(w.loopSessions)} ${w.loopSessions === 1 ? 'session' : 'sessions'} that raised loop alerts`);
  }
  const share = w.share !== null ? ` (${percent(w.share)} of the week's spend)` : '';
  // a session that looped and then ended without a commit is in both parts, and once in the total
  const overlap = w.noCommitUsd + w.loopUsd > w.totalUsd + 0.005 ? ' (a session in both is counted once)' : '';
  return `${usd(w.totalUsd)} wasted${share}: ${parts.join('; ')}${overlap}`;
}

export function fitLineSentence(l: FitLine): string {
  const calls = `${count(l.requests)} small-output ${l.requests === 1 ? 'call' : 'calls'}`;
  const target = l.cheaperModel ?? 'the provider’s cheaper model';
  return `${modelLabel(l.model)}: routing these ${calls} (${usd(l.costUsd)}) to ${target} would have saved ${usd(l.savingsUsd)}`;
}

export function fitSentence(f: DigestFigures): string {
  const m = f.modelFit;
  if (m.requests === 0) return 'no top-tier model calls with small outputs: the model mix fits the work';
  return (
    `${usd(m.costUsd)} went to top-tier models for ${count(m.requests)} calls with small outputs; ` +
    `on the cheaper models they would have cost ${usd(m.altCostUsd)}, saving ${usd(m.savingsUsd)}`
  );
}

export function tokensSentence(f: DigestFigures): string {
  const t = f.tokens;
  return (
    `${tokens(t.total)} tokens in ${count(t.requests)} requests: ${tokens(t.input)} input, ${tokens(t.output)} output, ` +
    `${tokens(t.cacheRead)} cache read, ${tokens(t.cacheWrite)} cache write`
  );
}

export function sourcesSentence(f: DigestFigures): string {
  if (f.sources.length === 0) return 'no spend recorded';
  return f.sources.map((p) => `${p.label} ${usd(p.usd)} (${percent(p.share)})`).join(' · ');
}

export function budgetSentence(f: DigestFigures): string {
  const b = f.budget;
  const month = monthName(b.month);
  const forecast =
    b.forecastUsd === null
      ? 'too early in the month to forecast'
      : `forecast ${usd(b.forecastUsd)} by month end` + (b.forecastShare !== null ? ` (${percent(b.forecastShare)} of budget)` : '');
  if (b.budgetUsd === null) {
    const hint = f.scope.kind === 'team' ? `; no budget set (admins: \`/aispend admin budget set ${f.scope.name} <amount>\`)` : '; no team has a budget';
    return `${month} to date: ${usd(b.spentUsd)} spent, ${forecast}${hint}`;
  }
  const inc = b.increasesUsd > 0 ? ` incl. ${usd(b.increasesUsd)} approved increases` : '';
  const of = b.budgetedTeams !== undefined ? ` (sum of ${count(b.budgetedTeams)} of ${count(b.teams ?? 0)} teams' budgets)` : '';
  const status =
    b.status === 'over' ? ' — over budget' : b.status === 'forecast_over' ? ' — on course to exceed the budget' : '';
  return `${month} to date: ${usd(b.spentUsd)} of ${usd(b.budgetUsd)} budget${inc}${of} (${percent(b.usedShare)}), ${forecast}${status}`;
}

export function unattributedSentence(f: DigestFigures): string | null {
  if (!f.unattributed) return null;
  if (f.unattributed.spendUsd <= 0) return 'all spend is attributed to a team';
  return (
    `${usd(f.unattributed.spendUsd)} (${percent(f.unattributed.share)}) is not attributed to any team: ` +
    'map its sources with `/aispend admin map <workspace|project|key> <id> <team>` or put people on teams'
  );
}

export function countingNote(f: DigestFigures): string {
  const hours = f.week.hours !== 168 ? ` (${f.week.hours} hours: a clock change)` : '';
  return (
    `Week ${weekdayDay(f.week.from)} – ${weekdayDay(f.week.lastDay)}${hours} in ${f.timezone}. ` +
    'Spend counts each call once: telemetry where it exists, topped up to the provider bill where the bill is higher. ' +
    'Stories count in the week they were done; waste counts sessions in the week of their last activity. ' +
    'No one is ranked by spend or tokens.'
  );
}

/** the week's quality in one line (AI-assisted beside the rest), null when no signal was recorded */
export function qualitySentence(f: DigestFigures): string | null {
  return f.quality ? qualityLine(f.quality) : null;
}

export function partialSentence(f: DigestFigures): string | null {
  if (!f.partial) return null;
  return `Usage data starts on ${weekdayDay(f.partial.firstDay)}: this week's figures cover ${f.partial.days} of 7 days.`;
}

/** the Slack message's fallback text (notifications, screen readers): one line */
export function digestSummary(f: DigestFigures): string {
  const head = `AI spend digest for ${scopeName(f)}, week of ${weekRange(f)}`;
  if (f.empty) return `${head}: nothing recorded.`;
  return `${head}: ${spendSentence(f)}; ${storiesSentence(f)}; ${costPerStorySentence(f)}.`;
}

/** the whole digest as readable plain text */
export function digestText(f: DigestFigures): string {
  const lines: string[] = [];
  const title = `AI spend digest — ${scopeName(f)} — week of ${weekRange(f)}`;
  lines.push(title, '='.repeat(title.length), '');
  if (f.empty) {
    lines.push(nothingToReport(f), '', countingNote(f));
    return lines.join('\n') + '\n';
  }
  const partial = partialSentence(f);
  if (partial) lines.push(partial, '');
  lines.push(`Spend:          ${spendSentence(f)}`);
  lines.push(`Delivered:      ${storiesSentence(f)}`);
  lines.push(`Cost per story: ${costPerStorySentence(f)}`);
  lines.push(`8-week trend:   ${trendSentence(f)}`);
  if (f.delivery.connected) lines.push(`                ${trendSeries(f)}`);
  const ai = aiShareSentence(f);
  if (ai) lines.push(`AI-assisted:    ${ai}`);
  const quality = qualitySentence(f);
  if (quality) lines.push(`Quality:        ${quality}`);
  lines.push('', `Waste:          ${wasteSentence(f)}`);
  lines.push(`Model fit:      ${fitSentence(f)}`);
  for (const l of f.modelFit.items.slice(0, 5)) lines.push(`  - ${fitLineSentence(l)}`);
  lines.push('', `By source:      ${sourcesSentence(f)}`);
  if (f.topModels.length > 0) {
    lines.push('Top models:');
    for (const m of f.topModels) lines.push(`  - ${modelLabel(m.model)} (${m.provider}): ${usd(m.usd)} (${percent(m.share)}), ${count(m.requests)} requests`);
    if (f.otherModels) lines.push(`  - ${count(f.otherModels.count)} other models: ${usd(f.otherModels.usd)} (${percent(f.otherModels.share)})`);
  }
  lines.push(`Tokens:         ${tokensSentence(f)}`);
  lines.push('', `Budget:         ${budgetSentence(f)}`);
  if (f.teams) {
    lines.push('', 'Teams:');
    for (const t of f.teams) {
      const cps = t.costPerStory === null ? 'no stories' : `${usd(t.costPerStory)} per story`;
      lines.push(`  - ${t.name}: ${usd(t.spendUsd)}, ${count(t.stories)} stories, ${cps}`);
    }
    const un = unattributedSentence(f);
    if (un) lines.push(`Unattributed:   ${un}`);
  }
  lines.push('', countingNote(f));
  return lines.join('\n') + '\n';
}
