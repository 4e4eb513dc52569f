// The weekly digest as a Block Kit message (pure): header, key figures first, then details, a context line
// saying how the numbers are counted, and the buttons. Kept within Slack's limits whatever the names.
import type { DigestFigures } from './digest.js';
import {
  aiShareSentence,
  budgetSentence,
  costPerStorySentence,
  countingNote,
  digestSummary,
  fitLineSentence,
  fitSentence,
  modelLabel,
  nothingToReport,
  partialSentence,
  qualitySentence,
  sourcesSentence,
  scopeName,
  storiesSentence,
  tokensSentence,
  trendSentence,
  trendSeries,
  unattributedSentence,
  wasteSentence,
  weekRange,
} from './digest-text.js';
import { ActionIds } from '../slack/ids.js';
import { change, clip, count, escapeMrkdwn, percent, points, usd } from '../slack/format.js';

export const LIMITS = { blocks: 50, sectionText: 3000, field: 2000, fields: 10, header: 150, context: 2000 } as const;

export type Block = Record<string, unknown> & { type: string };

export interface DigestMessage {
  text: string;
  blocks: Block[];
}

export interface DigestBlockOptions {
  /** the *Request budget increase* / *See sessions* buttons (team digests only) */
  buttons?: boolean;
  /** a line about the chart: where it is, or (previews) what it shows */
  chartNote?: string;
}

const md = (text: string) => ({ type: 'mrkdwn', text });
const section = (text: string): Block => ({ type: 'section', text: md(clip(text, LIMITS.sectionText)) });
const esc = escapeMrkdwn;

export function digestHeader(f: DigestFigures): string {
  return clip(`${scopeName(f)} · AI spend, week of ${weekRange(f)}`, LIMITS.header);
}

function keyFigures(f: DigestFigures): Block {
  const d = f.delivery;
  const stories = !d.connected
    ? 'no delivery data yet'
    : d.stories === 0
      ? 'none this week'
      : `${count(d.stories)}${d.points > 0 ? ` (${points(d.points)} points)` : ''}`;
  const perStory = d.costPerStory !== null ? usd(d.costPerStory) : d.connected ? '— (no stories delivered)' : '— (no delivery data)';
  const perPoint = d.costPerPoint !== null ? usd(d.costPerPoint) : '—';
  const fields = [
    `*Spend*\n${usd(f.spend.usd)} (${change(f.spend.change)})`,
    `*Stories delivered*\n${stories}`,
    `*Cost per story*\n${perStory}`,
    `*Cost per point*\n${perPoint}`,
  ];
  return { type: 'section', fields: fields.map((t) => md(clip(t, LIMITS.field))) };
}

function modelsSection(f: DigestFigures): string {
  const lines = [`*Spend by source*: ${esc(sourcesSentence(f))}`];
  if (f.topModels.length > 0) {
    lines.push('*Top models*');
    for (const m of f.topModels) {
      lines.push(`• ${esc(clip(modelLabel(m.model), 80))} (${esc(clip(m.provider, 30))}): ${usd(m.usd)} (${percent(m.share)})`);
    }
    if (f.otherModels) lines.push(`• ${count(f.otherModels.count)} other models: ${usd(f.otherModels.usd)} (${percent(f.otherModels.share)})`);
  }
  lines.push(`*Tokens*: ${tokensSentence(f)}`);
  return lines.join('\n');
}

function fitSection(f: DigestFigures): string {
  const lines = [`*Model fit*: ${fitSentence(f)}`];
  for (const l of f.modelFit.items.slice(0, 5)) {
    lines.push(`• ${esc(fitLineSentence({ ...l, model: clip(l.model, 80), cheaperModel: l.cheaperModel && clip(l.cheaperModel, 80) }))}`);
  }
  if (f.modelFit.items.length > 5) lines.push(`• and ${count(f.modelFit.items.length - 5)} more models`);
  return lines.join('\n');
}

/** org digest: a line per team, as many as fit in one section; the rest summed */
function teamsSection(f: DigestFigures): string {
  const head = '*Teams* (spend · stories · cost per story)';
  const rows = f.teams ?? [];
  const lines = [head];
  let used = head.length;
  const budget = LIMITS.sectionText - 400;
  let i = 0;
  for (; i < rows.length; i++) {
    const t = rows[i]!;
    const cps = t.costPerStory === null ? 'no stories' : `${usd(t.costPerStory)} per story`;
    const line = `• ${esc(clip(t.name, 60))}: ${usd(t.spendUsd)} · ${count(t.stories)} · ${cps}`;
    if (used + line.length + 1 > budget) break;
    lines.push(line);
    used += line.length + 1;
  }
  if (i < rows.length) {
    const rest = rows.slice(i);
    lines.push(`• and ${count(rest.length)} more teams: ${usd(rest.reduce((s, t) => s + t.spendUsd, 0))}`);
  }
  const un = unattributedSentence(f);
  if (un) lines.push(`*Unattributed*: ${un}`);
  return lines.join('\n');
}

function actions(f: DigestFigures): Block | undefined {
  if (f.scope.kind !== 'team') return undefined;
  const value = String(f.scope.teamId);
  return {
    type: 'actions',
    block_id: 'digest_actions',
    elements: [
      {
        type: 'button',
        action_id: ActionIds.digestRequestIncrease,
        text: { type: 'plain_text', text: 'Request budget increase' },
        value,
      },
      { type: 'button', action_id: ActionIds.digestSeeSessions, text: { type: 'plain_text', text: 'See sessions' }, value },
    ],
  };
}

function context(lines: string[]): Block {
  return { type: 'context', elements: lines.map((l) => md(clip(l, LIMITS.context))) };
}

export function digestBlocks(f: DigestFigures, opts: DigestBlockOptions = {}): DigestMessage {
  const blocks: Block[] = [{ type: 'header', text: { type: 'plain_text', text: digestHeader(f), emoji: false } }];
  if (f.empty) {
    blocks.push(section(esc(nothingToReport(f))));
    blocks.push(context([esc(countingNote(f))]));
    return { text: esc(digestSummary(f)), blocks };
  }

  blocks.push(keyFigures(f));
  blocks.push(section(`*Cost per story, 8 weeks*: ${trendSentence(f)}${f.delivery.connected ? `\n${trendSeries(f)}` : ''}`));
  const partial = partialSentence(f);
  if (partial) blocks.push(context([`:information_source: ${partial}`]));
  blocks.push({ type: 'divider' });

  const delivery = [`*Delivery*: ${esc(storiesSentence(f))}; ${esc(costPerStorySentence(f))}`];
  const ai = aiShareSentence(f);
  if (ai) delivery.push(`*AI-assisted*: ${ai}`);
  const quality = qualitySentence(f);
  if (quality) delivery.push(`*Quality*: ${esc(quality)} (\`/aispend quality\` for the detail)`);
  blocks.push(section(delivery.join('\n')));
  blocks.push(section(`*Waste*: ${wasteSentence(f)}`));
  blocks.push(section(fitSection(f)));
  blocks.push(section(modelsSection(f)));
  blocks.push(section(`*Budget*: ${esc(budgetSentence(f))}`));
  if (f.scope.kind === 'org') blocks.push(section(teamsSection(f)));
  const notes = [esc(countingNote(f))];
  if (opts.chartNote) notes.push(esc(opts.chartNote));
  blocks.push(context(notes));
  const buttons = actions(f);
  if (buttons && opts.buttons !== false) blocks.push(buttons);

  return { text: esc(digestSummary(f)), blocks: blocks.slice(0, LIMITS.blocks) };
}
