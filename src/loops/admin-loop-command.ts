// `/aispend admin loop <team> <cost_usd> <minutes>` sets a team's loop-alert thresholds;
// `admin loop <team> default` goes back to LOOP_MIN_COST_USD / LOOP_MIN_MINUTES;
// `admin loop <team>` shows the thresholds report (alerts of the last 30 days, long tasks marked
// expected, and a suggestion when many were).
import type { Config } from '../config.js';
import type { Deps } from '../deps.js';
import { loopRepo } from '../db/repos/loop-repo.js';
import { orgRepo, type Team } from '../db/repos/org-repo.js';
import { LOOP_RULES, RULE_LABELS, median, suggestThresholds } from './loop-rules.js';
import { setLoopThresholds } from './loop-settings.js';
import { UserFacingError } from '../errors.js';
import { thresholdsFor } from './loop-job.js';
import { duration, escapeMrkdwn, usd } from '../slack/format.js';
import { parseAmount } from '../slack/parse.js';
import type { SlackMessage } from '../slack/subcommand.js';
import type { AdminHandler } from '../slack/admin/admin-handler.js';

const USAGE =
  'Usage: `/aispend admin loop <team> <cost_usd> <minutes>` (e.g. `/aispend admin loop platform 25 45`), ' +
  '`/aispend admin loop <team> default`, or `/aispend admin loop <team>` for the thresholds report.';

export const REPORT_DAYS = 30;

/** 45, 45m, 45min, 1.5h → minutes; undefined when not a duration */
export function parseMinutes(word: string): number | undefined {
  const m = /^([0-9]+(?:\.[0-9]+)?)\s*(m|min|mins|minutes|h|hr|hrs|hours)?$/i.exec(word.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const hours = m[2] !== undefined && m[2].toLowerCase().startsWith('h');
  return Math.round((hours ? n * 60 : n) * 100) / 100;
}

function findTeam(deps: Deps, name: string): Team {
  const org = orgRepo(deps.db);
  const team = org.teamByName(name);
  if (team) return team;
  const known = org.teams().map((t) => t.name);
  throw new UserFacingError(
    `There is no team called "${name.slice(0, 60)}".` +
      (known.length ? ` Teams: ${known.slice(0, 20).join(', ')}.` : ' Create one with `/aispend admin team create <name> <#channel>`.'),
  );
}

function describe(config: Config, team: Team): string {
  const t = thresholdsFor(config, team);
  const costSrc = team.loop_min_cost_usd === null ? ' (default)' : '';
  const minSrc = team.loop_min_minutes === null ? ' (default)' : '';
  return `${usd(t.minCostUsd)}${costSrc} and ${t.minMinutes} min${minSrc}`;
}

function section(text: string) {
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

export function thresholdsReport(deps: Deps, team: Team, now: number): SlackMessage {
  const repo = loopRepo(deps.db);
  const since = now - REPORT_DAYS * 86_400_000;
  const t = thresholdsFor(deps.config, team);
  const name = escapeMrkdwn(team.name);
  const counts = repo.ruleCounts(team.id, since);
  const alerted = repo.alertedSessionCount(team.id, since);
  const expected = repo.expectedSessions(team.id, since).map((s) => ({
    costUsd: s.cost_usd,
    minutes: Math.max(0, s.last_activity_at - s.started_at) / 60_000,
  }));
  const total = counts.reduce((n, c) => n + c.alerts, 0);

  const blocks: unknown[] = [
    section(
      `*Loop alert thresholds: ${name}*\n` +
        `Alert when the cost since the last commit reaches ${describe(deps.config, team)}.\n` +
        `Repeating failure: the same tool failing the same way ${t.repeatFailures} times in a row. ` +
        `Re-alert (in the thread) when the cost since the last commit reaches ×${deps.config.loop.escalationFactor} of the last alert.`,
    ),
  ];
  if (total === 0) {
    blocks.push(section(`*Last ${REPORT_DAYS} days:* no loop alerts.`));
  } else {
    const byRule = LOOP_RULES.map((r) => {
      const c = counts.find((x) => x.rule === r);
      return `${RULE_LABELS[r]}: ${c?.alerts ?? 0}`;
    }).join(' · ');
    blocks.push(section(`*Last ${REPORT_DAYS} days:* ${total} alert${total === 1 ? '' : 's'} on ${alerted} session${alerted === 1 ? '' : 's'}\n${byRule}`));
    if (expected.length === 0) {
      blocks.push(section('*Marked expected (long task):* none.'));
    } else {
      blocks.push(
        section(
          `*Marked expected (long task):* ${expected.length} of ${alerted} session${alerted === 1 ? '' : 's'}; ` +
            `typical cost ${usd(median(expected.map((e) => e.costUsd)))}, ` +
            `typical duration ${duration(median(expected.map((e) => e.minutes)) * 60_000)}.`,
        ),
      );
    }
  }
  const suggestion = suggestThresholds(t, alerted, expected);
  if (suggestion) {
    blocks.push(
      section(
        `:bulb: *Suggestion:* \`/aispend admin loop ${team.name} ${suggestion.costUsd} ${suggestion.minutes}\`\n${suggestion.basis}`,
      ),
    );
  }
  blocks.push({
    type: 'context',
    elements: [{ type: 'mrkdwn', text: `Change: \`/aispend admin loop ${name} <cost_usd> <minutes>\` · back to defaults: \`/aispend admin loop ${name} default\`` }],
  });
  return { text: `Loop alert thresholds for ${team.name}: ${describe(deps.config, team)}.`, blocks };
}

export function adminLoopHandler(deps: Deps): AdminHandler {
  return {
    word: 'loop',
    async run(ctx, args) {
      const now = deps.clock.now();
      if (args.length === 0) return { text: USAGE, blocks: [section(escapeMrkdwn(USAGE))] };
      const team = findTeam(deps, args[0]!);
      if (args.length === 1) return thresholdsReport(deps, team, now);

      const org = orgRepo(deps.db);
      const before = describe(deps.config, team);
      let cost: number | null;
      let minutes: number | null;
      if (args.length === 2 && ['default', 'defaults', 'reset'].includes(args[1]!.toLowerCase())) {
        cost = null;
        minutes = null;
      } else if (args.length === 3) {
        cost = parseAmount(args[1]!) ?? null;
        minutes = parseMinutes(args[2]!) ?? null;
        if (cost === null || cost <= 0) {
          throw new UserFacingError(`"${args[1]!.slice(0, 30)}" is not a positive amount of dollars. ${USAGE}`);
        }
        if (minutes === null || minutes <= 0) {
          throw new UserFacingError(`"${args[2]!.slice(0, 30)}" is not a positive number of minutes. ${USAGE}`);
        }
      } else {
        throw new UserFacingError(USAGE);
      }
      setLoopThresholds(deps, ctx.userId, team, cost, minutes);
      const after = describe(deps.config, org.teamById(team.id)!);
      const text = `Loop alert thresholds for *${escapeMrkdwn(team.name)}* are now ${after} (were ${before}).`;
      return { text, blocks: [section(text)] };
    },
  };
}
