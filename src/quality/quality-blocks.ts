// `/aispend quality`: how the period's work held up, AI-assisted beside the rest — one field per figure
// (reads as a list on a phone), what is still inside its 14 days, the stories and commits behind the
// reopen and revert counts (no names: figures are per team), and what to connect when a signal is missing.
import { QUALITY_WINDOW_DAYS, RATE_FLOOR, type QualityFigures, type Split } from './quality-figures.js';
import { pendingSentence, rateText } from './quality-text.js';
import type { QualityDetail } from './quality-service.js';
import { code, context, fields, header, section, type Block, type Message } from '../slack/blocks.js';
import { clip, count, duration, escapeMrkdwn, percent, usd } from '../slack/format.js';

export interface QualityView {
  scopeName: string;
  /** "last 7 days", "November to date" */
  periodTitle: string;
  /** "Nov 17 – Nov 23" */
  range: string;
  timezone: string;
  detail: QualityDetail;
  /** a person's own figures (from `me`) rather than a team's */
  personal?: boolean;
}

function figure(title: string, s: Split, unit: string): string {
  return `*${title}*\nAI-assisted: ${rateText(s.ai, unit)}\nThe rest: ${rateText(s.rest, unit)}`;
}

function reworkField(f: QualityFigures): string {
  const r = f.rework;
  if (r.costUsd <= 0) return '*Rework spend*\nnone: no agent session committed to a story after it was done';
  return (
    `*Rework spend*\n${usd(r.costUsd)}${r.share !== null ? ` (${percent(r.share)} of spend)` : ''} in ` +
    `${count(r.sessions)} ${r.sessions === 1 ? 'session' : 'sessions'} on ${count(r.stories)} ${r.stories === 1 ? 'story' : 'stories'} already done`
  );
}

function notes(v: QualityView): string[] {
  const f = v.detail.figures;
  const out: string[] = [];
  const pending = pendingSentence(f);
  if (pending) out.push(pending);
  if (f.reverts.unknown > 0) {
    out.push(
      `${count(f.reverts.unknown)} ${f.reverts.unknown === 1 ? 'revert names work' : 'reverts name work'} aispend never saw: ` +
        'counted apart, not as AI-assisted.',
    );
  }
  const noCi = f.ciFirstPass.withoutCi.ai + f.ciFirstPass.withoutCi.rest;
  if (noCi > 0 && f.merged.ai + f.merged.rest > noCi) out.push(`${count(noCi)} merged ${noCi === 1 ? 'PR has' : 'PRs have'} no CI verdict and ${noCi === 1 ? 'is' : 'are'} left out of CI first pass.`);
  const missing: string[] = [];
  if (!v.detail.seen.ci) missing.push('*Workflow runs* and *Check suites* (CI first pass)');
  if (!v.detail.seen.reviews) missing.push('*Pull request reviews* (reviewed share)');
  if (missing.length > 0) out.push(`Nothing received yet for ${missing.join(' or ')}: tick those events on the GitHub webhook.`);
  return out;
}

function behind(v: QualityView): string | null {
  const lines: string[] = [];
  for (const s of v.detail.reopened) {
    lines.push(
      `• ${escapeMrkdwn(clip(s.key ?? s.title ?? 'a story', 60))} reopened ${duration(s.reopenedAt - s.doneAt)} after done` +
        (s.aiAssisted ? ' · AI-assisted' : ''),
    );
  }
  for (const c of v.detail.reverted) {
    lines.push(
      `• \`${escapeMrkdwn(c.sha.slice(0, 7))}\` in ${escapeMrkdwn(clip(c.repo, 60))}${c.storyKeys ? ` (${escapeMrkdwn(clip(c.storyKeys, 60))})` : ''} ` +
        `reverted ${duration(Math.max(0, c.revertedAt - c.ts))} later${c.aiAssisted ? ' · AI-assisted' : ''}`,
    );
  }
  return lines.length > 0 ? `*Behind the counts*\n${lines.join('\n')}` : null;
}

export function qualityBlocks(v: QualityView): Message {
  const f = v.detail.figures;
  const title = `Quality · ${v.scopeName} · ${v.periodTitle}`;
  const foot =
    `${v.range} · days in ${v.timezone} · rates need ${RATE_FLOOR} or more items (fewer: not enough data) · ` +
    (v.personal ? 'only you can see this' : `per team, never per person: ${code('/aispend me')} shows your own`);
  if (!f.hasData) {
    const text = `No commits, merged pull requests or delivered stories recorded for ${v.scopeName} in ${v.range}.`;
    return {
      text,
      blocks: [
        header(title),
        section(
          `${escapeMrkdwn(text)}\nQuality needs delivery data: the GitHub webhook with *Pushes*, *Pull requests*, *Workflow runs*, ` +
            '*Check suites* and *Pull request reviews*, and Jira or Linear for stories (README: *Connect delivery data*).',
        ),
        context(foot),
      ],
    };
  }
  const blocks: Block[] = [
    header(title),
    section(
      `How the work of ${escapeMrkdwn(v.range)} held up, AI-assisted beside the rest: reverts and reopens within ` +
        `${QUALITY_WINDOW_DAYS} days, CI, reviews, tests, and agent spend on stories already done.`,
    ),
    fields([
      figure(`Reverted within ${QUALITY_WINDOW_DAYS} days`, f.reverts, 'commits'),
      figure(`Reopened within ${QUALITY_WINDOW_DAYS} days`, f.reopens, 'stories'),
      figure('CI passed on the first run', f.ciFirstPass, 'PRs'),
      figure('Approved by someone else', f.reviewed, 'PRs'),
      figure('Touched tests', f.testsTouched, 'PRs'),
      reworkField(f),
    ]),
  ];
  const commitsTests = f.commitTestsTouched;
  if (commitsTests.ai.of + commitsTests.rest.of > 0) {
    blocks.push(context(`Commits that touched tests: AI-assisted ${rateText(commitsTests.ai)} · the rest ${rateText(commitsTests.rest)}`));
  }
  const detail = behind(v);
  if (detail) blocks.push(section(detail));
  const n = notes(v);
  if (n.length > 0) blocks.push(context(n.join(' ')));
  blocks.push(context(foot));
  const text =
    `Quality of ${v.scopeName}, ${v.periodTitle}: reverted ${rateText(f.reverts.ai)} of AI-assisted commits vs ${rateText(f.reverts.rest)}; ` +
    `CI first pass ${rateText(f.ciFirstPass.ai)} vs ${rateText(f.ciFirstPass.rest)}`;
  return { text, blocks };
}
