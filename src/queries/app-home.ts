// App Home: on `app_home_opened` (tab 'home') and on the Refresh button, publish the viewer's
// dashboard with views.publish. Someone aispend cannot match to a person gets a welcome view.
import type { App, webApi } from '@slack/bolt';
import type { Deps } from '../deps.js';
import { budgetRepo } from '../db/repos/budget-repo.js';
import { metricsRepo } from '../db/repos/metrics-repo.js';
import { orgRepo } from '../db/repos/org-repo.js';
import { budgetStatus } from '../budgets/index.js';
import { weekPeriods } from '../domain/periods.js';
import { homeView, welcomeView, type HomeApproval, type HomeTab, type HomeView } from './home-blocks.js';
import { resolveCaller } from '../slack/caller.js';
import { gatherMe } from './me-command.js';
import { gatherSummary } from './summary-command.js';
import { ActionIds } from '../slack/ids.js';

const ALERTS_READ = 20;

/** The Home tab of one user, computed from rollups and indexed reads. */
export async function buildHome(deps: Deps, client: webApi.WebClient, userId: string): Promise<HomeTab> {
  const isAdmin = deps.config.admins.includes(userId);
  const caller = await resolveCaller({ deps, userId, isAdmin, client });
  const now = deps.clock.now();
  const tz = deps.config.timezone;
  const approvals = pendingFor(deps, userId);
  if (!caller.person && !isAdmin && caller.approverOf.length === 0) return welcomeView(userId, { now, timezone: tz });
  const pair = weekPeriods(now, tz);
  const view: HomeView = { now, timezone: tz, slackUserId: userId, approvals };
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
      budget: { month: b.month, budgetUsd: b.budgetUsd, spentUsd: b.spentUsd, used: b.used, forecastUsd: b.forecastUsd, pending: b.pending.length },
      alerts: metricsRepo(deps.db).teamOpenAlerts(team.id, ALERTS_READ),
    };
  }
  if (isAdmin) view.org = gatherSummary(deps, 'org', pair, now).figures;
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

export async function publishHome(deps: Deps, client: webApi.WebClient, userId: string): Promise<void> {
  const view = await buildHome(deps, client, userId);
  await client.views.publish({ user_id: userId, view: view as never });
}

export function registerAppHome(app: App, deps: Deps): void {
  app.event('app_home_opened', async ({ event, client }) => {
    if (event.tab !== 'home') return;
    try {
      await publishHome(deps, client, event.user);
    } catch (e) {
      deps.logger.error('app home publish failed', { user: event.user, err: e });
    }
  });
  app.action(ActionIds.homeRefresh, async ({ ack, body, client }) => {
    await ack();
    try {
      await publishHome(deps, client, body.user.id);
    } catch (e) {
      deps.logger.error('app home refresh failed', { user: body.user.id, err: e });
    }
  });
}
