// Team-scoped ingest tokens and OTLP: a scoped token's export may name its own team only, in the
// `team.id` or `team` attribute of a resource, a data point or a log record (403 naming the first
// attribute that names another; nothing is written). What names no team counts for the token's team.
import { ForbiddenError, type FieldIssue } from '../../errors.js';
import type { IngestCaller } from '../../http/route.js';
import { str } from './any-value.js';
import type { ExportLogs, ExportMetrics, KeyValue } from './otlp-schema.js';

export const TEAM_KEYS = new Set(['team.id', 'team']);

export type TeamScope = NonNullable<IngestCaller['team']>;

export function scopeRefusal(scope: TeamScope, issues: FieldIssue[]): ForbiddenError {
  return new ForbiddenError(`this ingest token may only send usage of team "${scope.name}"`, { issues });
}

function otherTeam(list: readonly KeyValue[] | null | undefined, scope: TeamScope, path: string, issues: FieldIssue[]): void {
  if (!list) return;
  for (const kv of list) {
    if (!TEAM_KEYS.has(kv.key)) continue;
    const named = str(kv.value ?? undefined);
    if (named !== undefined && named.toLowerCase() !== scope.name.toLowerCase()) {
      issues.push({ path: `${path}.${kv.key}`, message: `names team "${named}"; this token may only send usage of team "${scope.name}"` });
    }
  }
}

const FIRST = 10;

export function checkLogsScope(body: ExportLogs, scope: TeamScope): void {
  const issues: FieldIssue[] = [];
  (body.resourceLogs ?? []).forEach((rl, i) => {
    otherTeam(rl.resource?.attributes, scope, `resourceLogs.${i}.resource.attributes`, issues);
    (rl.scopeLogs ?? []).forEach((sl, j) =>
      (sl.logRecords ?? []).forEach((lr, k) => {
        if (issues.length < FIRST) otherTeam(lr.attributes, scope, `resourceLogs.${i}.scopeLogs.${j}.logRecords.${k}.attributes`, issues);
      }),
    );
  });
  if (issues.length > 0) throw scopeRefusal(scope, issues.slice(0, FIRST));
}

export function checkMetricsScope(body: ExportMetrics, scope: TeamScope): void {
  const issues: FieldIssue[] = [];
  (body.resourceMetrics ?? []).forEach((rm, i) => {
    otherTeam(rm.resource?.attributes, scope, `resourceMetrics.${i}.resource.attributes`, issues);
    (rm.scopeMetrics ?? []).forEach((sm, j) =>
      (sm.metrics ?? []).forEach((m, k) =>
        (m.sum?.dataPoints ?? []).forEach((p, n) => {
          if (issues.length < FIRST) otherTeam(p.attributes, scope, `resourceMetrics.${i}.scopeMetrics.${j}.metrics.${k}.sum.dataPoints.${n}.attributes`, issues);
        }),
      ),
    );
  });
  if (issues.length > 0) throw scopeRefusal(scope, issues.slice(0, FIRST));
}

/**
 * A scoped token may not add to a session that another team's records started: its spend and loop
 * alerts are that team's. `where` names the record (built only when refused).
 */
export function checkSessionTeam(scope: TeamScope | undefined, sessionTeamId: number | null, where: () => string): void {
  if (!scope || sessionTeamId === null || sessionTeamId === scope.id) return;
  throw scopeRefusal(scope, [
    { path: `${where()}.session.id`, message: `this session belongs to another team; this token may only send usage of team "${scope.name}"` },
  ]);
}
