// Words for the quality figures: a rate with its count ("82% (9 of 11)", or "4 of 6, not enough data"),
// and the one line the weekly digest, `/aispend summary`, `me` and the App Home show. Plain text
// (no mrkdwn), so the digest's text rendering can use it too. Pure.
import { count, percent, usd } from '../domain/format.js';
import { QUALITY_WINDOW_DAYS, RATE_FLOOR, type QualityFigures, type Rate, type Split } from './quality-figures.js';

/** "82% (9 of 11)", "4 of 6 (not enough data)", "none" */
export function rateText(r: Rate, unit = ''): string {
  const of = unit ? `${count(r.of)} ${unit}` : count(r.of);
  if (r.of === 0) return 'none';
  if (r.rate === null) return `${count(r.count)} of ${of} (not enough data)`;
  return `${percent(r.rate)} (${count(r.count)} of ${of})`;
}

/** "8% (1/12)" at or above the floor, "1/4" below it, "none" when there is nothing */
function short(r: Rate): string {
  if (r.of === 0) return 'none';
  return r.rate === null ? `${count(r.count)}/${count(r.of)}` : `${percent(r.rate)} (${count(r.count)}/${count(r.of)})`;
}

function pair(label: string, s: Split): string | null {
  if (s.ai.of === 0 && s.rest.of === 0) return null;
  return `${label} ${short(s.ai)} vs ${short(s.rest)}`;
}

function belowFloor(s: Split): boolean {
  return (s.ai.of > 0 && s.ai.rate === null) || (s.rest.of > 0 && s.rest.rate === null);
}

/**
 * One line: AI-assisted work beside the rest, each figure with its counts; figures without data are
 * left out. Null when there is nothing to say.
 */
export function qualityLine(f: QualityFigures): string | null {
  if (!f.hasData) return null;
  const parts: string[] = [];
  const reverted = pair(`reverted in ${QUALITY_WINDOW_DAYS} d`, f.reverts);
  if (reverted) parts.push(reverted + (f.reverts.unknown > 0 ? ` (+${count(f.reverts.unknown)} of unseen work)` : ''));
  else if (f.reverts.unknown > 0) parts.push(`${count(f.reverts.unknown)} ${f.reverts.unknown === 1 ? 'revert' : 'reverts'} of unseen work`);
  const shown: Split[] = [f.reverts];
  for (const [label, s] of [
    [`reopened in ${QUALITY_WINDOW_DAYS} d`, f.reopens],
    ['CI first pass', f.ciFirstPass],
    ['reviewed', f.reviewed],
    ['tests touched', f.testsTouched],
  ] as const) {
    const p = pair(label, s);
    if (p) {
      parts.push(p);
      shown.push(s);
    }
  }
  if (f.rework.costUsd > 0) {
    parts.push(`rework ${usd(f.rework.costUsd)}${f.rework.share !== null ? ` (${percent(f.rework.share)} of spend)` : ''}`);
  }
  if (parts.length === 0) return null;
  const note = shown.some(belowFloor) ? ` No % under ${RATE_FLOOR}: not enough data.` : '';
  return `AI-assisted vs the rest: ${parts.join(' · ')}.${note}`;
}

/** "3 commits and 2 stories are under 14 days old: they may still be reverted or reopened" */
export function pendingSentence(f: QualityFigures): string | null {
  const commits = f.reverts.ai.pending + f.reverts.rest.pending;
  const stories = f.reopens.ai.pending + f.reopens.rest.pending;
  const parts: string[] = [];
  if (commits > 0) parts.push(`${count(commits)} ${commits === 1 ? 'commit' : 'commits'}`);
  if (stories > 0) parts.push(`${count(stories)} ${stories === 1 ? 'story' : 'stories'}`);
  if (parts.length === 0) return null;
  const verb = commits + stories === 1 ? 'is' : 'are';
  const may = commits > 0 && stories > 0 ? 'reverted or reopened' : commits > 0 ? 'reverted' : 'reopened';
  return `${parts.join(' and ')} ${verb} under ${QUALITY_WINDOW_DAYS} days old and may still be ${may}.`;
}
