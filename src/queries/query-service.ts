// What the query answers show, gathered from rollups and indexed reads (never usage_records): the
// scope a caller may ask about, a scope's summary, a person's own week, and the Home tab. Commands
// and listeners translate words and events into these calls.
import type { webApi } from '@slack/bolt';
import type { Deps } from '../deps.js';
import { budgetStatus } from '../budgets/index.js';
import { gatherQuality, type QualityFigures } from '../quality/index.js';
import { pendingDecisionsFor, type PendingDecisionView } from '../loops/index.js';
import { budgetRepo } from '../db/repos/budget-repo.js';
import { metricsRepo, type OpenLoopAlert, type Scope } from '../db/repos/metrics-repo.js';
import { orgRepo, type Person } from '../db/repos/org-repo.js';
import { trendWindows, weekPeriods, type PeriodPair } from '../domain/periods.js';
import type { Period } from '../domain/time.js';
import { ForbiddenError, UserFacingError } from '../errors.js';
import { code } from '../slack/blocks.js';
import { resolveCaller, teamFor, type Caller } from '../slack/caller.js';
import type { CommandContext } from '../slack/subcommand.js';
import { escapeMrkdwn } from '../slack/format.js';
import { didYouMean } from '../slack/parse.js';
import { permalinkOf } from '../slack/permalink.js';
import { DECISIONS_SHOWN, homeView, welcomeView, type HomeApproval, type HomeTab, type HomeView } from './home-blocks.js';
import { meFigures, storiesIn, summaryFigures, type MeFigures, type SummaryFigures } from './summary.js';

const ALERTS_READ = 20;

/** words that name the whole organisation (admins only) */
export const ORG_WORDS = ['org', 'all'];

export interface ScopeChoice {
  scope: Scope;
  name: string;
}

/**
 * The team (or, for admins, the whole org) a query is about. Unknown words that look like a typo of
 * `expected` words get a "did you mean".
 */
export function scopeFor(ctx: Pick<CommandContext, 'deps'>, caller: Caller, word: string | undefined, example: string, expected: readonly string[] = []): ScopeChoice {
  if (word) {
    const org = orgRepo(ctx.deps.db);
    const lower = word.toLowerCase();
    if (!org.teamByName(word)) {
      if (ORG_WORDS.includes(lower)) {
        if (!caller.isAdmin) throw new ForbiddenError('The whole-org view is for aispend admins. You can see your own team: leave the team out.');
        return { scope: 'org', name: 'Whole org' };
      }
      const guess = didYouMean(lower, [...expected]);
      if (guess) {
        throw new UserFacingError(
          `\`${escapeMrkdwn(word.slice(0, 40))}\` is not a team or a period. Did you mean \`${guess}\`? Example: ${code(example)}`,
        );
      }
    }
  }
  // an admin on no team is most likely asking about everything
  if (!word && !caller.team && caller.isAdmin) return { scope: 'org', name: 'Whole org' };
  const team = teamFor(ctx, caller, word);
  return { scope: team.id, name: team.name };
}

export interface PeriodGather {
  pair: PeriodPair;
  figures: SummaryFigures;
  hasDelivery: boolean;
  /** how the period's work held up (src/quality); absent when not asked for */
  quality?: QualityFigures;
}

/** Everything the summary shows for one scope and period pair, from rollups and indexed reads. */
export function gatherSummary(
  deps: Pick<Deps, 'db' | 'config'>,
  scope: Scope,
  pair: PeriodPair,
  now: number,
  opts: { quality?: boolean } = {},
): PeriodGather {
  const m = metricsRepo(deps.db);
  const weeks = trendWindows(now, deps.config.timezone);
  const first = weeks[0]!;
  const last = weeks[weeks.length - 1]!;
  // one read of the stories of every period involved, and one of spend by day for the trend
  const storyRows = m.storiesDoneRows(
    scope,
    Math.min(pair.previous.startMs, pair.current.startMs, first.startMs),
    Math.max(pair.current.endMs, last.endMs),
  );
  const byDay = m.spendByDay(scope, first.from, last.to);
  const trend = weeks.map((w) => ({
    period: w,
    costUsd: byDay.filter((d) => d.day >= w.from && d.day < w.to).reduce((a, d) => a + d.costUsd, 0),
    stories: storiesIn(storyRows, w.startMs, w.endMs).stories,
  }));
  const numbers = (p: Period) => ({ spend: m.spend(scope, p.from, p.to), stories: storiesIn(storyRows, p.startMs, p.endMs) });
  const figures = summaryFigures({
    current: { ...numbers(pair.current), waste: m.waste(scope, pair.current.startMs, pair.current.endMs) },
    previous: numbers(pair.previous),
    models: m.spendByModel(scope, pair.current.from, pair.current.to),
    sources: m.spendBySource(scope, pair.current.from, pair.current.to),
    trend,
  });
  const quality = opts.quality === false ? undefined : gatherQuality(deps, scope, pair.current, now);
  return { pair, figures, hasDelivery: m.hasDelivery(scope), quality };
}

export interface MeGather {
  pair: PeriodPair;
  figures: MeFigures;
  alerts: OpenLoopAlert[];
  /** the quality of the person's own work: shown to them alone */
  quality: QualityFigures;
}

export function gatherMe(deps: Pick<Deps, 'db' | 'config'>, person: Person, now: number): MeGather {
  const m = metricsRepo(deps.db);
  const pair = weekPeriods(now, deps.config.timezone);
  const { current: c, previous: p } = pair;
  const alerts = m.personOpenAlerts(person.id, ALERTS_READ);
  const figures = meFigures({
    spend: m.personSpend(person.id, c.from, c.to),
    previousSpend: m.personSpend(person.id, p.from, p.to),
    stories: m.personStoriesDone(person.id, c.startMs, c.endMs),
    previousStories: m.personStoriesDone(person.id, p.startMs, p.endMs),
    sessions: m.personSessions(person.id, c.startMs, c.endMs),
    waste: m.personWaste(person.id, c.startMs, c.endMs),
    models: m.personSpendByModel(person.id, c.from, c.to),
    openAlerts: alerts.length,
  });
  return { pair, figures, alerts, quality: gatherQuality(deps, { personId: person.id }, c, now) };
}

/** The owners' long-task requests this user may decide, each linked to where it was asked. */
async function decisionsFor(deps: Deps, client: webApi.WebClient, userId: string, now: number): Promise<{ items: PendingDecisionView[]; total: number }> {
  const { items, total } = pendingDecisionsFor(deps, userId, now, DECISIONS_SHOWN);
  const links = await Promise.all(items.map((d) => (d.message ? permalinkOf(client, deps.logger, d.message.channel, d.message.ts) : undefined)));
  return { items: items.map((d, i) => ({ ...d, link: links[i] })), total };
}

/** The Home tab of one user, computed from rollups and indexed reads; `notice` shows on top, once. */
export async function buildHome(deps: Deps, client: webApi.WebClient, userId: string, notice?: string): Promise<HomeTab> {
  const isAdmin = deps.config.admins.includes(userId);
  const caller = await resolveCaller({ deps, userId, isAdmin, client });
  const now = deps.clock.now();
  const tz = deps.config.timezone;
  const approvals = pendingFor(deps, userId);
  if (!caller.person && !isAdmin && caller.approverOf.length === 0) return welcomeView(userId, { now, timezone: tz, notice });
  const pair = weekPeriods(now, tz);
  const view: HomeView = { now, timezone: tz, slackUserId: userId, approvals, notice, decisions: await decisionsFor(deps, client, userId, now) };
  if (caller.person) {
    const me = gatherMe(deps, caller.person, now);
    view.me = { figures: me.figures, alerts: me.alerts, email: caller.person.email };
  }
  if (caller.team) {
    const team = caller.team;
    const g = gatherSummary(deps, team.id, pair, now);
    const b = budgetStatus(deps, team, now);
    view.team = {
      name: team.name,
      figures: g.figures,
      hasDelivery: g.hasDelivery,
      quality: g.quality,
      budget: { month: b.month, budgetUsd: b.budgetUsd, spentUsd: b.spentUsd, used: b.used, forecastUsd: b.forecastUsd, pending: b.pending.length },
      alerts: metricsRepo(deps.db).teamOpenAlerts(team.id, ALERTS_READ),
    };
  }
  // the org line of the Home tab shows no quality: not worth its reads on every open
  if (isAdmin) view.org = gatherSummary(deps, 'org', pair, now, { quality: false }).figures;
  return homeView(view);
}

/** budget requests waiting for this approver, oldest first (never their own) */
function pendingFor(deps: Deps, userId: string): HomeApproval[] {
  const budgets = budgetRepo(deps.db);
  return orgRepo(deps.db)
    .teamsApprovedBy(userId)
    .flatMap((t) =>
      budgets
        .pendingForTeam(t.id)
        .filter((r) => r.requester_slack_id !== userId)
        .map((r) => ({
          id: r.id,
          teamName: t.name,
          requesterSlackId: r.requester_slack_id,
          amountUsd: r.amount_usd,
          reason: r.reason,
          createdAt: r.created_at,
          channelId: r.channel_id,
        })),
    )
    .sort((a, b) => a.createdAt - b.createdAt || a.id - b.id);
}

export async function publishHome(deps: Deps, client: webApi.WebClient, userId: string, notice?: string): Promise<void> {
  const view = await buildHome(deps, client, userId, notice);
  await client.views.publish({ user_id: userId, view: view as never });
}

