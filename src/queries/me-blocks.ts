// `/aispend me`: the caller's own last 7 days — spend, sessions, delivered stories, cost per story,
// and the loop alerts open on their sessions. Private by construction (answered ephemerally).
import type { OpenLoopAlert } from '../db/repos/metrics-repo.js';
import type { PeriodPair } from '../domain/periods.js';
import type { MeFigures } from './summary.js';
import { qualityLine, type QualityFigures } from '../quality/index.js';
import { change, clip, count, duration, escapeMrkdwn, percent, points, usd } from '../slack/format.js';
import { code, context, header, section, type Block, type Message } from '../slack/blocks.js';
import { CONNECT, connectDeliveryText, dayRange, previousTitle, vs } from './summary-blocks.js';

export interface MeView {
  figures: MeFigures;
  pair: PeriodPair;
  timezone: string;
  email: string | null;
  teamName: string | null;
  alerts: OpenLoopAlert[];
  now: number;
  /** the quality of your own work in these 7 days (no one else sees it) */
  quality?: QualityFigures;
}

const ALERTS_SHOWN = 5;

export function alertLines(alerts: OpenLoopAlert[], now: number, opts: { owner?: boolean } = {}): string[] {
  return alerts.map((a) => {
    const who = opts.owner ? (a.ownerSlackId ? `<@${a.ownerSlackId}> · ` : a.ownerName || a.ownerEmail ? `${escapeMrkdwn(a.ownerName ?? a.ownerEmail ?? '')} · ` : '') : '';
    return (
      `• ${who}session \`${escapeMrkdwn(a.sessionId.slice(0, 12))}\` — ${escapeMrkdwn(clip(a.reason, 200))} ` +
      `(${usd(a.costUsd)} so far, raised ${duration(now - a.firedAt)} ago${a.level > 1 ? `, level ${a.level}` : ''})`
    );
  });
}

/** "2 commits and 1 merged pull request": your work the quality line counts; null when it counts neither */
function ownWork(q: QualityFigures): string | null {
  const commits = q.reverts.ai.of + q.reverts.rest.of;
  const prs = q.merged.ai + q.merged.rest;
  const parts: string[] = [];
  if (commits > 0) parts.push(`${count(commits)} ${commits === 1 ? 'commit' : 'commits'}`);
  if (prs > 0) parts.push(`${count(prs)} merged ${prs === 1 ? 'pull request' : 'pull requests'}`);
  return parts.length > 0 ? parts.join(' and ') : null;
}

export function meBlocks(v: MeView): Message {
  const f = v.figures;
  const range = dayRange(v.pair.current.from, v.pair.current.to);
  const foot = context(
    `${range} (today included) vs ${dayRange(v.pair.previous.from, v.pair.previous.to)} · days in ${v.timezone} · ` +
      'only you can see this · `/aispend sessions` lists your sessions',
  );
  const blocks: Block[] = [header('Your last 7 days')];
  if (!v.teamName) {
    blocks.push(
      context(`You're not on a team yet, so your spend is in no team's figures. Ask an admin: ${code('/aispend admin team add <team> @you')}.`),
    );
  }
  if (f.empty) {
    const who = v.email ? ` (${escapeMrkdwn(v.email)})` : '';
    // work without AI spend still has a quality of its own: then delivery data does arrive, and the
    // sentence says what of it is linked to you instead of asking to connect it
    const own = v.quality ? qualityLine(v.quality) : null;
    const work = v.quality && own ? ownWork(v.quality) : null;
    const text = own
      ? `No AI usage, agent sessions or delivered stories are linked to you${who} in ${range} yet, only ${work ?? 'other delivery work'}.`
      : `No AI usage, sessions or delivered stories are linked to you${who} in ${range} yet.`;
    const connect =
      `If you use Claude Code, your usage arrives through ${CONNECT.telemetry} with your email as \`user.email\`. ` +
      `Provider bills arrive through ${CONNECT.adminApis}.` + (own ? '' : ` ${connectDeliveryText()}`);
    blocks.push(section(`${text}\n${connect}`));
    if (own) blocks.push(section(`*Your work's quality*: ${escapeMrkdwn(own)}`));
    blocks.push(foot);
    return { text, blocks };
  }
  const lines = [`*${usd(f.spendUsd)}* spent on AI — ${vs(f.spendChange, usd(f.previousSpendUsd), previousTitle(v.pair))}`];
  lines.push(
    f.stories === 0
      ? '*No stories delivered* in these 7 days, so no cost per story yet.'
      : `*${count(f.stories)} ${f.stories === 1 ? 'story' : 'stories'}* delivered${f.points > 0 ? ` (${points(f.points)} points)` : ''} · ` +
          // work done without AI has no cost per story to speak of, rather than a cost of $0.00
          (f.spendUsd === 0
            ? 'no AI spend on them'
            : `*${usd(f.costPerStory)} per story*` +
              (f.costPerStoryChange !== null ? ` (${change(f.costPerStoryChange)} vs ${usd(f.previousCostPerStory)})` : '')),
  );
  lines.push(
    f.sessions === 0
      ? 'No agent sessions.'
      : `*${count(f.sessions)} agent ${f.sessions === 1 ? 'session' : 'sessions'}* (${count(f.activeSessions)} active) · ` +
          `${usd(f.sessionCostUsd)} · ${count(f.commits)} ${f.commits === 1 ? 'commit' : 'commits'}` +
          (f.costPerCommit !== null ? ` (${usd(f.costPerCommit)} per commit)` : ''),
  );
  if (f.wasteUsd > 0) {
    const parts: string[] = [];
    if (f.noCommitSessions > 0) parts.push(`${count(f.noCommitSessions)} ended without a commit`);
    if (f.loopSessions > 0) parts.push(`${count(f.loopSessions)} raised a loop alert`);
    lines.push(`${usd(f.wasteUsd)} in sessions that produced nothing (${parts.join(', ')}).`);
  }
  const quality = v.quality ? qualityLine(v.quality) : null;
  if (quality) lines.push(`*Your work's quality*: ${escapeMrkdwn(quality)}`);
  blocks.push(section(lines.join('\n')));
  if (f.top.top.length > 0) {
    const models = f.top.top.map((m) => `${escapeMrkdwn(m.model)} ${usd(m.costUsd)} (${percent(m.share)})`);
    if (f.top.othersCount > 0) models.push(`${f.top.othersCount} more ${usd(f.top.othersUsd)}`);
    blocks.push(context(`Models: ${models.join(' · ')}`));
  }
  if (v.alerts.length > 0) {
    const shown = alertLines(v.alerts.slice(0, ALERTS_SHOWN), v.now);
    const more = f.openAlerts > shown.length ? `\n…and ${f.openAlerts - shown.length} more` : '';
    blocks.push(section(`:rotating_light: *${count(f.openAlerts)} open loop ${f.openAlerts === 1 ? 'alert' : 'alerts'}* on your sessions\n${shown.join('\n')}${more}`));
  } else {
    blocks.push(context('No open loop alerts on your sessions.'));
  }
  blocks.push(foot);
  const text =
    `Your last 7 days: ${usd(f.spendUsd)} spent, ${count(f.sessions)} ${f.sessions === 1 ? 'session' : 'sessions'}, ` +
    `${count(f.stories)} ${f.stories === 1 ? 'story' : 'stories'} delivered` +
    (f.costPerStory === null || f.spendUsd === 0 ? '' : `, ${usd(f.costPerStory)} per story`) +
    (f.openAlerts > 0 ? `, ${count(f.openAlerts)} open loop ${f.openAlerts === 1 ? 'alert' : 'alerts'}` : '');
  return { text, blocks };
}

/** For someone aispend cannot match to a person (no email visible). */
export function unknownCallerBlocks(slackUserId: string): Message {
  const text = "I don't know who you are yet: your Slack account isn't linked to the email your AI usage is reported under.";
  return {
    text,
    blocks: [
      section(
        `${text}\nAsk an admin to link you: ${code(`/aispend admin link @you <your work email>`)} ` +
          `(your member ID is ${escapeMrkdwn(slackUserId)}; aispend reads your Slack email when Slack shares it).`,
      ),
    ],
  };
}
