// The weekly digest job: gather plain numbers → computeDigest → blocks + chart → outbox → Slack.
// Exactly once: each digest is recorded in the outbox under `digest:<team|org>:<week start>` (its chart
// under `digest-chart:…`, posted into the digest's thread) in one transaction, before anything is sent;
// a key that exists is never enqueued again, so a cron run, a catch-up run at start and a retry all
// converge on one message. The outbox retries Slack failures and 429s with backoff.
import type { Deps } from '../deps.js';
import type { ScheduledJob } from '../feature.js';
import { budgetStatus, monthForecast } from '../budgets/index.js';
import { gatherQuality } from '../quality/index.js';
import { digestChartSpec } from './digest-chart.js';
import { renderChartPng } from '../charts/render.js';
import { metricsRepo, type Scope } from '../db/repos/metrics-repo.js';
import { orgRepo, type Team } from '../db/repos/org-repo.js';
import { outboxRepo } from '../db/repos/outbox-repo.js';
import {
  computeDigest,
  digestWeeks,
  isDigestDue,
  type DigestFigures,
  type DigestInput,
  type MonthInput,
  type TeamRowInput,
} from './digest.js';
import { dayRange, scopeName } from './digest-text.js';
import { fitAlternative } from '../domain/pricing.js';
import { addDays, localDay, monthKey, monthPeriod } from '../domain/time.js';
import { digestBlocks, type DigestMessage } from './digest-blocks.js';
import { clip } from '../slack/format.js';
import { drainOutbox, enqueue } from '../slack/outbox.js';
import { nextCronRun } from '../scheduler.js';

export type DigestTarget = { kind: 'team'; team: Team } | { kind: 'org' };

export const ORG_NAME = 'Whole org';

export function targetKey(t: DigestTarget): string {
  return t.kind === 'org' ? 'org' : String(t.team.id);
}

/** outbox keys of a target's digest for a week; `manual` numbers an extra copy posted with `digest post … again` */
export function digestKeys(t: DigestTarget, weekFrom: string, manual?: number): { post: string; chart: string } {
  const suffix = manual ? `:manual:${manual}` : '';
  return { post: `digest:${targetKey(t)}:${weekFrom}${suffix}`, chart: `digest-chart:${targetKey(t)}:${weekFrom}${suffix}` };
}

/** the channel a target's digest goes to, or undefined when none is configured */
export function targetChannel(deps: Pick<Deps, 'config'>, t: DigestTarget): string | undefined {
  if (t.kind === 'org') return deps.config.orgChannel?.replace(/^#/, '') || undefined;
  return t.team.channel_id ?? undefined;
}

function monthInput(deps: Pick<Deps, 'db' | 'config'>, t: DigestTarget, now: number): MonthInput {
  const tz = deps.config.timezone;
  const key = monthKey(now, tz);
  const period = monthPeriod(key, tz);
  const base = { key, from: period.from, to: period.to, elapsedMs: now - period.startMs, monthMs: period.endMs - period.startMs };
  if (t.kind === 'team') {
    const b = budgetStatus(deps, t.team, now, key);
    return { ...base, spentUsd: b.spentUsd, forecastUsd: b.forecastUsd, baseBudgetUsd: b.baseUsd, increasesUsd: b.increasesUsd };
  }
  const teams = orgRepo(deps.db).teams();
  let baseSum = 0;
  let increases = 0;
  let budgeted = 0;
  let anyBase = false;
  for (const team of teams) {
    const b = budgetStatus(deps, team, now, key);
    if (b.budgetUsd === null) continue;
    budgeted += 1;
    increases += b.increasesUsd;
    if (b.baseUsd !== null) {
      baseSum += b.baseUsd;
      anyBase = true;
    }
  }
  const today = localDay(now, tz);
  const to = today >= period.to ? period.to : addDays(today, 1);
  const spentUsd = metricsRepo(deps.db).spend('org', period.from, to).costUsd;
  return {
    ...base,
    spentUsd,
    forecastUsd: monthForecast(deps, 'org', now, period, spentUsd),
    baseBudgetUsd: anyBase ? baseSum : null,
    increasesUsd: increases,
    budgetedTeams: budgeted,
    teams: teams.length,
  };
}

/** Reads everything the digest needs for the last complete week before `now` (plain data, no rules). */
export function gatherDigestInput(deps: Pick<Deps, 'db' | 'config'>, t: DigestTarget, now: number): DigestInput {
  const tz = deps.config.timezone;
  const m = metricsRepo(deps.db);
  const scope: Scope = t.kind === 'org' ? 'org' : t.team.id;
  const { week, weeks } = digestWeeks(now, tz);
  const input: DigestInput = {
    scope: t.kind === 'org' ? { kind: 'org', name: ORG_NAME } : { kind: 'team', teamId: t.team.id, name: t.team.name },
    timezone: tz,
    week,
    weeks: weeks.map((w) => {
      const s = m.storiesDone(scope, w.startMs, w.endMs);
      return { from: w.from, to: w.to, spendUsd: m.spend(scope, w.from, w.to).costUsd, stories: s.stories, points: s.points };
    }),
    spend: m.spend(scope, week.from, week.to),
    models: m.spendByModel(scope, week.from, week.to).map((row) => ({ ...row, cheaperModel: fitAlternative(row.model)?.model ?? null })),
    sources: m.spendBySource(scope, week.from, week.to),
    stories: m.storiesDone(scope, week.startMs, week.endMs),
    waste: m.waste(scope, week.startMs, week.endMs),
    hasDelivery: m.hasDelivery(scope),
    firstSpendDay: m.spendByDay(scope, weeks[0]!.from, week.to).find((d) => d.costUsd > 0)?.day ?? null,
    month: monthInput(deps, t, now),
    quality: gatherQuality(deps, scope, week, now),
  };
  if (t.kind === 'org') {
    const teams = orgRepo(deps.db).teams();
    const names = new Map(teams.map((x) => [x.id, x.name]));
    const spendByTeam = new Map(m.spendByTeam(week.from, week.to).map((r) => [r.teamId, r.costUsd]));
    const rows: TeamRowInput[] = [];
    for (const team of teams) {
      const stories = m.storiesDone(team.id, week.startMs, week.endMs).stories;
      const spendUsd = spendByTeam.get(team.id) ?? 0;
      if (spendUsd > 0 || stories > 0) rows.push({ teamId: team.id, name: team.name, spendUsd, stories });
    }
    // spend of teams that no longer exist is still shown, under their id
    for (const [teamId, spendUsd] of spendByTeam) {
      if (teamId !== 0 && !names.has(teamId) && spendUsd > 0) rows.push({ teamId, name: `team #${teamId}`, spendUsd, stories: 0 });
    }
    rows.push({ teamId: 0, name: 'unattributed', spendUsd: spendByTeam.get(0) ?? 0, stories: 0 });
    input.teams = rows;
  }
  return input;
}

export interface PreparedDigest {
  figures: DigestFigures;
  message: DigestMessage;
  chart?: { png: Buffer; altText: string; title: string; filename: string };
}

/** figures, message and (unless `chart: false` or nothing to report) the chart PNG */
export function prepareDigest(
  deps: Pick<Deps, 'db' | 'config'>,
  t: DigestTarget,
  now: number,
  opts: { chart?: boolean; preview?: boolean } = {},
): PreparedDigest {
  const figures = computeDigest(gatherDigestInput(deps, t, now));
  const withChart = opts.chart !== false && !figures.empty;
  const spec = figures.empty ? undefined : digestChartSpec(figures);
  let chartNote: string | undefined;
  if (spec && opts.preview) chartNote = `Chart (posted in the digest's thread; not shown in previews): ${spec.altText}`;
  else if (spec && withChart) chartNote = 'Chart of the last 8 weeks: in the thread.';
  const message = digestBlocks(figures, { buttons: true, chartNote });
  if (!withChart || !spec) return { figures, message };
  const slug = (t.kind === 'org' ? 'org' : t.team.name).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'team';
  return {
    figures,
    message,
    chart: {
      png: renderChartPng(spec),
      altText: spec.altText,
      title: clip(`${scopeName(figures)}: spend, stories and cost per story, ${dayRange(figures.trend[0]!.from, figures.week.lastDay)}`, 250),
      filename: `aispend-${slug}-${figures.week.from}.png`,
    },
  };
}

/**
 * Records a prepared digest (and its chart, threaded under it) in the outbox, in one transaction.
 * Returns false when the post key already exists: it was recorded before and will not be sent again.
 */
export function enqueueDigest(
  deps: Pick<Deps, 'db' | 'clock'>,
  channel: string,
  prepared: PreparedDigest,
  keys: { post: string; chart: string },
): boolean {
  const repo = outboxRepo(deps.db);
  return deps.db.transaction(() => {
    if (repo.byKey(keys.post)) return false;
    enqueue(deps, {
      key: keys.post,
      kind: 'digest',
      payload: { op: 'post', channel, text: prepared.message.text, blocks: prepared.message.blocks },
    });
    if (prepared.chart) {
      enqueue(deps, {
        key: keys.chart,
        kind: 'digest-chart',
        after: keys.post,
        payload: {
          op: 'upload',
          channel,
          thread: { parentKey: keys.post },
          filename: prepared.chart.filename,
          title: prepared.chart.title,
          alt_text: prepared.chart.altText,
          content_base64: prepared.chart.png.toString('base64'),
        },
      });
    }
    return true;
  })();
}

export function digestTargets(deps: Pick<Deps, 'db' | 'config'>): DigestTarget[] {
  const targets: DigestTarget[] = orgRepo(deps.db)
    .teams()
    .map((team) => ({ kind: 'team', team }));
  if (deps.config.orgChannel) targets.push({ kind: 'org' });
  return targets;
}

/** when the digest of the week that ended before `now` is due: the schedule's first run after the week ended */
export function digestDueAt(deps: Pick<Deps, 'config'>, now: number): { weekFrom: string; dueAt: number } {
  const tz = deps.config.timezone;
  const { week } = digestWeeks(now, tz);
  return { weekFrom: week.from, dueAt: nextCronRun(deps.config.digestCron, tz, week.endMs) ?? week.endMs };
}

export interface DigestRunResult {
  week: string;
  due: boolean;
  enqueued: string[];
  alreadyRecorded: string[];
  noChannel: string[];
}

// node-cron fires on the second; allow for a clock a little behind it
const DUE_TOLERANCE_MS = 60_000;

/**
 * Records (once) and sends every digest of the last complete week, if it is due. Safe to call any
 * number of times: from the schedule, at start (catch-up after a missed run), or by hand.
 */
export async function runDigests(deps: Deps, now: number): Promise<DigestRunResult> {
  const { weekFrom, dueAt } = digestDueAt(deps, now);
  const result: DigestRunResult = { week: weekFrom, due: false, enqueued: [], alreadyRecorded: [], noChannel: [] };
  const log = deps.logger.child({ job: 'digest', week: weekFrom });
  if (!isDigestDue(now + DUE_TOLERANCE_MS, dueAt)) {
    log.debug('digest not due yet', { dueAt: new Date(dueAt).toISOString() });
    return result;
  }
  result.due = true;
  const repo = outboxRepo(deps.db);
  for (const t of digestTargets(deps)) {
    const key = targetKey(t);
    const channel = targetChannel(deps, t);
    if (!channel) {
      result.noChannel.push(key);
      log.info('team has no channel; its digest is not posted', { team: key });
      continue;
    }
    const keys = digestKeys(t, weekFrom);
    // skip the work (the chart) when this digest was recorded by an earlier run
    if (repo.byKey(keys.post)) {
      result.alreadyRecorded.push(key);
      continue;
    }
    try {
      const prepared = prepareDigest(deps, t, now);
      if (enqueueDigest(deps, channel, prepared, keys)) result.enqueued.push(key);
      else result.alreadyRecorded.push(key);
    } catch (e) {
      // one team's failure must not hold back the others; the next run retries it
      log.error('digest could not be prepared', { team: key, err: e });
    }
  }
  if (result.enqueued.length > 0) log.info('digests recorded', { count: result.enqueued.length });
  await drainOutbox(deps);
  return result;
}

/** DIGEST_CRON in AISPEND_TIMEZONE, and once at start so a run missed while the bot was down is made up. */
export function digestJob(deps: Deps): ScheduledJob {
  return {
    name: 'digest',
    cron: deps.config.digestCron,
    runOnStart: true,
    run: async (now) => {
      await runDigests(deps, now);
    },
  };
}
