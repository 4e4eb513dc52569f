// `/aispend admin reconcile [anthropic|openai] [week|month]`: the reconciler's own view of the UTC
// days that overlap the period `summary` would show (the last 7 local days, or the month to date in
// AISPEND_TIMEZONE), per billing scope. Reads only; changes nothing.
import { orgRepo } from '../../db/repos/org-repo.js';
import { DAY_MS, utcDayOf, utcDayStart } from '../../domain/reconciliation.js';
import { monthPeriods, weekPeriods } from '../../domain/periods.js';
import { addDays } from '../../domain/time.js';
import { reconcileReport } from '../billing/reconcile.js';
import { badArgs } from '../../slack/admin/answers.js';
import { escapeMrkdwn } from '../../slack/format.js';
import { reconcileBlocks } from './reconcile-blocks.js';
import type { AdminHandler } from '../../slack/admin/admin-handler.js';

const EXAMPLE = '/aispend admin reconcile anthropic week';
const PROVIDERS = ['anthropic', 'openai'];

/** the UTC days that overlap [startMs, endMs) */
export function utcDaysOf(startMs: number, endMs: number): string[] {
  const days: string[] = [];
  for (let d = utcDayOf(startMs); utcDayStart(d) < endMs; d = addDays(d, 1)) days.push(d);
  return days;
}

export function reconcileAdminHandler(): AdminHandler {
  return {
    word: 'reconcile',
    async run(ctx, args) {
      let providers = PROVIDERS;
      let kind: 'week' | 'month' = 'week';
      for (const raw of args) {
        const w = raw.toLowerCase();
        if (PROVIDERS.includes(w)) providers = [w];
        else if (w === 'week' || w === 'month') kind = w;
        else throw badArgs(`\`${escapeMrkdwn(raw.slice(0, 40))}\` is neither a provider (anthropic, openai) nor a period (week, month).`, EXAMPLE);
      }
      const { deps } = ctx;
      const tz = deps.config.timezone;
      const now = deps.clock.now();
      const period = (kind === 'week' ? weekPeriods(now, tz) : monthPeriods(now, tz)).current;
      const end = Math.min(now, period.endMs);
      const days = utcDaysOf(period.startMs, Math.max(end, period.startMs + 1));
      const org = orgRepo(deps.db);
      const names = new Map(org.teams().map((t) => [t.id, t.name]));
      const label = `${period.from} to ${addDays(period.to, -1)} (${tz}, today included)`;
      return reconcileBlocks(
        providers.map((provider) => ({
          provider,
          periodLabel: `${label}: ${days.length} UTC ${days.length === 1 ? 'day' : 'days'}${end - period.startMs < DAY_MS ? ', so far' : ''}`,
          days: reconcileReport(deps.db, provider, days),
          teamName: (id: number) => names.get(id) ?? `team ${id}`,
        })),
      );
    },
  };
}
