// Attribution after the fact. The normal first set-up is: connect the sources, let the pollers
// bring in the last week, then map workspaces and put people on teams. Spend that arrived with no
// team waits as unattributed; when a mapping or a membership names a team for it, it moves there
// at once, with its rollups, sessions, loop alerts, unattributed delivery and billing adjustments,
// inside the caller's transaction. Spend that already had a team stays where it was: history does
// not move when people change teams.
//
// It reaches back RETENTION_DAYS only. Older raw rows are deleted (their rollups stay, unattributed),
// so older bill lines stay unattributed too: a bill moved without the telemetry it was reconciled
// with would count that telemetry twice (once against the moved bill, once as unbilled). Bills move
// only for UTC days wholly inside the window, whose telemetry is all still there.
import type { Deps } from '../../deps.js';
import { billingRepo } from '../../db/repos/billing-repo.js';
import { deliveryRepo } from '../../db/repos/delivery-repo.js';
import { metricsRepo } from '../../db/repos/metrics-repo.js';
import type { MappingKind } from '../../db/repos/org-repo.js';
import { sessionRepo } from '../../db/repos/session-repo.js';
import { usageRepo } from '../../db/repos/usage-repo.js';
import { reconciledProvider } from '../../domain/billing-source.js';
import { SOURCE } from '../../domain/counting.js';
import { DAY_MS, utcDayOf } from '../../domain/reconciliation.js';
import { retentionCutoff } from '../../domain/retention.js';
import { BILL_SOURCES, BILL, recordToInput, reconcileDays } from './reconcile.js';

export type LateTarget = { kind: MappingKind; id: string } | { kind: 'person'; personId: number };

export interface MovedSpend {
  /** how much the team's counted spend grew (usage, and the billing adjustments that follow the bill) */
  costUsd: number;
  /** first and last instant of what moved; null when nothing did */
  since: number | null;
  until: number | null;
  usageRows: number;
  billLines: number;
  sessions: number;
  stories: number;
  commits: number;
  pullRequests: number;
}

const ALL_DAYS = ['0000-01-01', '9999-12-31'] as const;

export function noneMoved(): MovedSpend {
  return { costUsd: 0, since: null, until: null, usageRows: 0, billLines: 0, sessions: 0, stories: 0, commits: 0, pullRequests: 0 };
}

/** two moves as one (several people added at once) */
export function addMoved(a: MovedSpend, b: MovedSpend): MovedSpend {
  const min = (x: number | null, y: number | null) => (x === null ? y : y === null ? x : Math.min(x, y));
  const max = (x: number | null, y: number | null) => (x === null ? y : y === null ? x : Math.max(x, y));
  return {
    costUsd: a.costUsd + b.costUsd,
    since: min(a.since, b.since),
    until: max(a.until, b.until),
    usageRows: a.usageRows + b.usageRows,
    billLines: a.billLines + b.billLines,
    sessions: a.sessions + b.sessions,
    stories: a.stories + b.stories,
    commits: a.commits + b.commits,
    pullRequests: a.pullRequests + b.pullRequests,
  };
}

function providerOfBill(source: string): string | undefined {
  if (source === BILL.claudeCodeAnalytics) return 'anthropic';
  return Object.entries(BILL_SOURCES).find(([, list]) => list.some((l) => l.source === source))?.[0];
}

/** Moves still-unattributed spend of a scope or a person to `teamId`. Call inside a transaction. */
export function attributeAfterTheFact(deps: Pick<Deps, 'db' | 'config' | 'clock'>, target: LateTarget, teamId: number): MovedSpend {
  const { db } = deps;
  const windowStart = retentionCutoff(deps.clock.now(), deps.config.retentionDays);
  // the first UTC day wholly inside the window
  const billsFrom = Math.ceil(windowStart / DAY_MS) * DAY_MS;
  const metrics = metricsRepo(db);
  const before = metrics.spend(teamId, ...ALL_DAYS).costUsd;
  const usage = usageRepo(db);
  const writer = usage.writer();
  const days = new Map<string, [string, string]>();
  const addDay = (provider: string | undefined, ms: number) => {
    if (!provider) return;
    const d = utcDayOf(ms);
    days.set(`${provider}\u0000${d}`, [provider, d]);
  };
  let since: number | null = null;
  let until: number | null = null;
  const seen = (ms: number) => {
    since = since === null ? ms : Math.min(since, ms);
    until = until === null ? ms : Math.max(until, ms);
  };

  const by = target.kind === 'person' ? 'person' : target.kind;
  const value = target.kind === 'person' ? target.personId : target.id;
  const rows = usage.unattributedRows(by, value, windowStart);
  for (const r of rows) {
    writer.replace({ ...recordToInput(r), teamId });
    seen(r.ts);
    addDay(reconciledProvider(r.billing_source), r.ts);
    if (r.source === SOURCE.otlpEvent || r.source === SOURCE.otlpMetric) addDay('anthropic', r.ts);
  }
  const bills = billingRepo(db).attributeUnattributed(by, value, teamId, billsFrom);
  for (const b of bills) {
    seen(b.bucket_start);
    addDay(providerOfBill(b.source), b.bucket_start);
  }
  const sessions =
    target.kind === 'person'
      ? sessionRepo(db).attributeUnattributed('person', target.personId, teamId)
      : target.kind === 'project'
        ? sessionRepo(db).attributeUnattributed('project', target.id, teamId)
        : 0;
  const work =
    target.kind === 'person'
      ? deliveryRepo(db).attributeUnattributed('person', target.personId, teamId)
      : target.kind === 'project'
        ? deliveryRepo(db).attributeUnattributed('project', target.id, teamId)
        : { stories: 0, commits: 0, pullRequests: 0 };
  writer.flush();
  // the bills' groups changed: their adjustments follow
  if (days.size > 0) reconcileDays({ db, timezone: deps.config.timezone, writer }, days.values());
  const after = metrics.spend(teamId, ...ALL_DAYS).costUsd;
  return {
    costUsd: after - before,
    since,
    until,
    usageRows: rows.length,
    billLines: bills.length,
    sessions,
    ...work,
  };
}
