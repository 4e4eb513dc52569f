// usage_records and the rollups kept in step with it (usage_daily_team, usage_daily_person,
// usage_hourly, usage_utc_person, and the usage totals of agent_sessions). Every usage write goes
// through a writer from this repository, in the caller's transaction:
//   insert   INSERT … ON CONFLICT(idem_key) DO NOTHING (false = a duplicate);
//   replace  a late correction: the old row's contribution is subtracted, the new one added;
//   remove   the same, without a new row;
//   uncountSessionMetrics / uncountSessionlessMetrics  counting rule a: metric rows flip to counted = 0.
// Rollup and session deltas are summed in memory and written once per key by flush(), so a batch
// costs one statement per row plus one per (team, day, model) touched.
import type { Db } from '../open.js';
import { memoForDb } from '../memo.js';
import { sessionRepo } from './session-repo.js';
import { BILLING, RECONCILED } from '../../domain/billing-source.js';
import { SOURCE, TELEMETRY_SOURCES, type SeriesState } from '../../domain/counting.js';
import { HOUR_MS, utcDayOf } from '../../domain/reconciliation.js';

export type CostSource = 'reported' | 'computed' | 'unpriced';

export interface UsageRowInput {
  idemKey: string;
  source: string;
  ts: number;
  /** local day of ts in AISPEND_TIMEZONE */
  day: string;
  provider: string;
  model: string;
  /** who bills it: anthropic_api, openai_api, bedrock, vertex, subscription, or a generic provider */
  billingSource: string;
  personId: number | null;
  teamId: number | null;
  sessionId: string | null;
  /** adjustment rows: the UTC day they reconcile */
  billDay?: string | null;
  /** metric rows: the start of the point's window (its end is ts) */
  spanStart?: number | null;
  project?: string | null;
  workspaceId?: string | null;
  apiKeyId?: string | null;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  requests: number;
  costUsd: number;
  costSource: CostSource;
  counted: boolean;
  fitAltCostUsd: number | null;
}

export interface UsageRecord {
  id: number;
  idem_key: string;
  source: string;
  ts: number;
  day: string;
  provider: string;
  model: string | null;
  billing_source: string;
  bill_day: string | null;
  span_start: number | null;
  person_id: number | null;
  team_id: number | null;
  session_id: string | null;
  project: string | null;
  workspace_id: string | null;
  api_key_id: string | null;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  requests: number;
  cost_usd: number;
  cost_source: CostSource;
  counted: number;
  fit_alt_cost_usd: number | null;
}

export interface UnpricedModel {
  provider: string;
  model: string;
  rows: number;
  tokens: number;
  first_seen: number;
  last_seen: number;
}

/** What a batch changed, for reconciliation and the after-ingest hooks. */
export interface UsageTouched {
  /** `${billingSource}\u0000${utcDay}` of counted changes a bill may cover (rule b) */
  billDays: Set<string>;
  /** `${personId}\u0000${utcDay}` of counted Claude Code telemetry changes (rule c) */
  telemetryPersonDays: Set<string>;
  /** teams whose spend changed (null: unattributed) */
  teams: Set<number | null>;
  sessions: Set<string>;
}

export interface UsageWriter {
  insert(row: UsageRowInput): boolean;
  replace(row: UsageRowInput): void;
  remove(idemKey: string): boolean;
  /** rule a: flips the session's counted metric rows to counted = 0; returns how many */
  uncountSessionMetrics(sessionId: string): number;
  /** rule a without session ids: metric rows of a person and model whose window meets [from, to] */
  uncountSessionlessMetrics(personId: number, model: string, from: number, to: number): number;
  /** writes the summed rollup and session deltas */
  flush(): void;
  readonly touched: UsageTouched;
}

interface Contribution {
  day: string;
  ts: number;
  provider: string;
  model: string;
  billingSource: string;
  teamId: number | null;
  personId: number | null;
  sessionId: string | null;
  source: string;
  cost: number;
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  requests: number;
  fitAlt: number | null;
}

/** what every rollup adds up from a row */
interface Totals {
  cost: number;
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  requests: number;
}

const noTotals = (): Totals => ({ cost: 0, input: 0, output: 0, cacheRead: 0, cacheWrite: 0, requests: 0 });

function addTotals(d: Totals, c: Contribution, sign: 1 | -1): void {
  d.cost += sign * c.cost;
  d.input += sign * c.input;
  d.output += sign * c.output;
  d.cacheRead += sign * c.cacheRead;
  d.cacheWrite += sign * c.cacheWrite;
  d.requests += sign * c.requests;
}

interface PersonDelta extends Totals {
  day: string;
  person: number;
  team: number;
  provider: string;
  model: string;
  billingSource: string;
}

interface TeamDelta extends Omit<PersonDelta, 'person'> {
  fitCost: number;
  fitAlt: number;
  fitRequests: number;
}

function fromInput(r: UsageRowInput): Contribution {
  return {
    day: r.day,
    ts: r.ts,
    provider: r.provider,
    model: r.model,
    billingSource: r.billingSource,
    teamId: r.teamId,
    personId: r.personId,
    sessionId: r.sessionId,
    source: r.source,
    cost: r.costUsd,
    input: r.inputTokens,
    output: r.outputTokens,
    cacheRead: r.cacheReadTokens,
    cacheWrite: r.cacheWriteTokens,
    requests: r.requests,
    fitAlt: r.fitAltCostUsd,
  };
}

function fromRecord(r: UsageRecord): Contribution {
  return {
    day: r.day,
    ts: r.ts,
    provider: r.provider,
    model: r.model ?? '',
    billingSource: r.billing_source,
    teamId: r.team_id,
    personId: r.person_id,
    sessionId: r.session_id,
    source: r.source,
    cost: r.cost_usd,
    input: r.input_tokens,
    output: r.output_tokens,
    cacheRead: r.cache_read_tokens,
    cacheWrite: r.cache_write_tokens,
    requests: r.requests,
    fitAlt: r.fit_alt_cost_usd,
  };
}

const COLUMNS =
  'idem_key, source, ts, day, provider, model, billing_source, bill_day, span_start, person_id, team_id, session_id, project, ' +
  'workspace_id, api_key_id, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, requests, cost_usd, cost_source, ' +
  'counted, fit_alt_cost_usd';

function params(r: UsageRowInput): unknown[] {
  return [
    r.idemKey,
    r.source,
    r.ts,
    r.day,
    r.provider,
    r.model,
    r.billingSource,
    r.billDay ?? null,
    r.spanStart ?? null,
    r.personId,
    r.teamId,
    r.sessionId,
    r.project ?? null,
    r.workspaceId ?? null,
    r.apiKeyId ?? null,
    r.inputTokens,
    r.outputTokens,
    r.cacheReadTokens,
    r.cacheWriteTokens,
    r.requests,
    r.costUsd,
    r.costSource,
    r.counted ? 1 : 0,
    r.fitAltCostUsd,
  ];
}

/** billing sources whose counted spend is compared with a polled bill (usage_hourly) */
const RECONCILED_SOURCES = new Set(Object.values(RECONCILED));
/** billing sources of Claude Code telemetry compared with the Analytics API (usage_utc_person) */
const PERSON_RECONCILED = new Set<string>([BILLING.anthropicApi, BILLING.subscription]);

export function usageRepo(db: Db) {
  return memoForDb(db, 'usage', () => {
    const sessions = sessionRepo(db);
    const s = {
      insert: db.prepare(
        `INSERT INTO usage_records (${COLUMNS}) VALUES (${COLUMNS.split(',').map(() => '?').join(', ')})
         ON CONFLICT (idem_key) DO NOTHING`,
      ),
      byKey: db.prepare('SELECT * FROM usage_records WHERE idem_key = ?'),
      update: db.prepare(
        `UPDATE usage_records SET source = ?, ts = ?, day = ?, provider = ?, model = ?, billing_source = ?, bill_day = ?, span_start = ?,
           person_id = ?, team_id = ?, session_id = ?, project = ?, workspace_id = ?, api_key_id = ?, input_tokens = ?,
           output_tokens = ?, cache_read_tokens = ?, cache_write_tokens = ?, requests = ?, cost_usd = ?, cost_source = ?,
           counted = ?, fit_alt_cost_usd = ?
         WHERE idem_key = ?`,
      ),
      delete: db.prepare('DELETE FROM usage_records WHERE idem_key = ?'),
      uncountMetrics: db.prepare(
        `UPDATE usage_records SET counted = 0 WHERE session_id = ? AND source = '${SOURCE.otlpMetric}' AND counted = 1 RETURNING *`,
      ),
      // a point's window [span_start, ts] meets [from, to]; rows from before windows were kept use ts alone
      uncountSessionless: db.prepare(
        `UPDATE usage_records SET counted = 0
         WHERE source = '${SOURCE.otlpMetric}' AND session_id IS NULL AND person_id = ? AND model = ? AND counted = 1
           AND ts >= ? AND COALESCE(span_start, ts) <= ? RETURNING *`,
      ),
      team: db.prepare(
        `INSERT INTO usage_daily_team (day, team_id, provider, model, billing_source, cost_usd, input_tokens, output_tokens,
           cache_read_tokens, cache_write_tokens, requests, fit_cost_usd, fit_alt_cost_usd, fit_requests)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (team_id, day, provider, model, billing_source) DO UPDATE SET
           cost_usd = cost_usd + excluded.cost_usd, input_tokens = input_tokens + excluded.input_tokens,
           output_tokens = output_tokens + excluded.output_tokens, cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens,
           cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens, requests = requests + excluded.requests,
           fit_cost_usd = fit_cost_usd + excluded.fit_cost_usd, fit_alt_cost_usd = fit_alt_cost_usd + excluded.fit_alt_cost_usd,
           fit_requests = fit_requests + excluded.fit_requests`,
      ),
      person: db.prepare(
        `INSERT INTO usage_daily_person (day, person_id, team_id, provider, model, billing_source, cost_usd, input_tokens,
           output_tokens, cache_read_tokens, cache_write_tokens, requests)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (person_id, day, provider, model, billing_source, team_id) DO UPDATE SET
           cost_usd = cost_usd + excluded.cost_usd, input_tokens = input_tokens + excluded.input_tokens,
           output_tokens = output_tokens + excluded.output_tokens, cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens,
           cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens, requests = requests + excluded.requests`,
      ),
      // rows that a correction emptied are dropped, so rollups hold only days that have spend
      teamEmpty: db.prepare(
        `DELETE FROM usage_daily_team WHERE team_id = ? AND day = ? AND provider = ? AND model = ? AND billing_source = ?
           AND ABS(cost_usd) < 1e-9 AND requests = 0 AND input_tokens = 0 AND output_tokens = 0 AND cache_read_tokens = 0
           AND cache_write_tokens = 0 AND fit_requests = 0`,
      ),
      personEmpty: db.prepare(
        `DELETE FROM usage_daily_person WHERE person_id = ? AND day = ? AND provider = ? AND model = ? AND billing_source = ? AND team_id = ?
           AND ABS(cost_usd) < 1e-9 AND requests = 0 AND input_tokens = 0 AND output_tokens = 0 AND cache_read_tokens = 0
           AND cache_write_tokens = 0`,
      ),
      hourlyEmpty: db.prepare('DELETE FROM usage_hourly WHERE billing_source = ? AND hour = ? AND team_id = ? AND ABS(cost_usd) < 1e-9'),
      hourly: db.prepare(
        `INSERT INTO usage_hourly (billing_source, hour, team_id, cost_usd) VALUES (?, ?, ?, ?)
         ON CONFLICT (billing_source, hour, team_id) DO UPDATE SET cost_usd = cost_usd + excluded.cost_usd`,
      ),
      utcPerson: db.prepare(
        `INSERT INTO usage_utc_person (billing_source, day, person_id, cost_usd) VALUES (?, ?, ?, ?)
         ON CONFLICT (billing_source, day, person_id) DO UPDATE SET cost_usd = cost_usd + excluded.cost_usd`,
      ),
      observedHours: db.prepare(
        'SELECT hour, team_id, cost_usd FROM usage_hourly WHERE billing_source = ? AND hour >= ? AND hour < ? AND cost_usd <> 0',
      ),
      adjustments: db.prepare('SELECT * FROM usage_records WHERE bill_day = ? AND source = ? AND billing_source = ?'),
      telemetryForPerson: db.prepare(
        'SELECT COALESCE(SUM(cost_usd), 0) AS cost FROM usage_utc_person WHERE billing_source = ? AND day = ? AND person_id = ?',
      ),
      coverMinute: db.prepare('INSERT OR IGNORE INTO telemetry_event_minutes (person_id, model, minute) VALUES (?, ?, ?)'),
      coveredMinute: db.prepare(
        'SELECT 1 FROM telemetry_event_minutes WHERE person_id = ? AND model = ? AND minute >= ? AND minute <= ? LIMIT 1',
      ),
      pruneMinutes: db.prepare('DELETE FROM telemetry_event_minutes WHERE minute < ?'),
      unattributedBy: {
        workspace: db.prepare(`SELECT * FROM usage_records WHERE team_id IS NULL AND workspace_id = ? AND bill_day IS NULL AND ts >= ?`),
        project: db.prepare(`SELECT * FROM usage_records WHERE team_id IS NULL AND project = ? AND bill_day IS NULL AND ts >= ?`),
        key: db.prepare(`SELECT * FROM usage_records WHERE team_id IS NULL AND api_key_id = ? AND bill_day IS NULL AND ts >= ?`),
        person: db.prepare(`SELECT * FROM usage_records WHERE team_id IS NULL AND person_id = ? AND bill_day IS NULL AND ts >= ?`),
      },
      personTelemetryOf: db.prepare(
        `SELECT * FROM usage_records WHERE person_id = ? AND billing_source = ?
           AND source IN (${TELEMETRY_SOURCES.map((x) => `'${x}'`).join(', ')})`,
      ),
      telemetryOfUtcDay: db.prepare(
        `SELECT * FROM usage_records WHERE provider = 'anthropic' AND day >= ? AND day <= ? AND ts >= ? AND ts < ?
           AND source IN (${TELEMETRY_SOURCES.map((x) => `'${x}'`).join(', ')})
           AND person_id IN (SELECT value FROM json_each(?))`,
      ),
      series: db.prepare('SELECT start_ns, last_time_ns, last_value FROM otel_series WHERE series_key = ?'),
      seriesSet: db.prepare(
        `INSERT INTO otel_series (series_key, start_ns, last_time_ns, last_value) VALUES (?, ?, ?, ?)
         ON CONFLICT (series_key) DO UPDATE SET start_ns = excluded.start_ns, last_time_ns = excluded.last_time_ns,
           last_value = excluded.last_value`,
      ),
      unpriced: db.prepare(
        `SELECT provider, model, SUM(n) AS rows, SUM(tokens) AS tokens, MIN(first_seen) AS first_seen, MAX(last_seen) AS last_seen FROM (
           SELECT provider, model, COUNT(*) AS n, SUM(input_tokens + output_tokens + cache_read_tokens + cache_write_tokens) AS tokens,
                  MIN(ts) AS first_seen, MAX(ts) AS last_seen
           FROM usage_records WHERE cost_source = 'unpriced' GROUP BY provider, model
           UNION ALL
           SELECT provider, model, COUNT(*), SUM(input_tokens + output_tokens + cache_read_tokens + cache_write_tokens),
                  MIN(bucket_start), MAX(bucket_start)
           FROM billing_buckets WHERE cost_source = 'unpriced' AND model IS NOT NULL GROUP BY provider, model
         ) GROUP BY provider, model ORDER BY tokens DESC, provider, model`,
      ),
    };

    function writer(): UsageWriter {
      const teamDeltas = new Map<string, TeamDelta>();
      const personDeltas = new Map<string, PersonDelta>();
      const sessionDeltas = new Map<string, Totals>();
      const hourlyDeltas = new Map<string, number>();
      const utcPersonDeltas = new Map<string, number>();
      const touched: UsageTouched = {
        billDays: new Set(),
        telemetryPersonDays: new Set(),
        teams: new Set(),
        sessions: new Set(),
      };

      // rows of a batch come in runs of the same team, day and model: the last delta is kept at hand
      let lastTeam: TeamDelta | undefined;
      let lastPerson: PersonDelta | undefined;
      let lastHour = NaN;
      let lastUtcDay = '';
      let lastUtc: { person: number | null; source: string; day: string; key: string } = { person: null, source: '', day: '', key: '' };
      let lastHourly = { hour: -1, source: '', team: -1, key: '' };
      const utcDay = (ts: number) => {
        const hour = Math.floor(ts / HOUR_MS);
        if (hour !== lastHour) {
          lastHour = hour;
          lastUtcDay = utcDayOf(ts);
        }
        return lastUtcDay;
      };
      const contribute = (c: Contribution, sign: 1 | -1) => {
        const team = c.teamId ?? 0;
        let t = lastTeam;
        let tk = '';
        if (!(t && t.team === team && t.day === c.day && t.model === c.model && t.provider === c.provider && t.billingSource === c.billingSource)) {
          tk = `${team}\u0000${c.day}\u0000${c.provider}\u0000${c.model}\u0000${c.billingSource}`;
          t = teamDeltas.get(tk);
        }
        if (!t) {
          t = { day: c.day, team, provider: c.provider, model: c.model, billingSource: c.billingSource, ...noTotals(), fitCost: 0, fitAlt: 0, fitRequests: 0 };
          teamDeltas.set(tk, t);
        }
        lastTeam = t;
        addTotals(t, c, sign);
        if (c.fitAlt !== null) {
          t.fitCost += sign * c.cost;
          t.fitAlt += sign * c.fitAlt;
          t.fitRequests += sign * c.requests;
        }
        if (c.personId !== null) {
          let p = lastPerson;
          let pk = '';
          if (!(p && p.person === c.personId && p.team === team && p.day === c.day && p.model === c.model && p.provider === c.provider && p.billingSource === c.billingSource)) {
            pk = `${c.personId}\u0000${team}\u0000${c.day}\u0000${c.provider}\u0000${c.model}\u0000${c.billingSource}`;
            p = personDeltas.get(pk);
          }
          if (!p) {
            p = { day: c.day, person: c.personId, team, provider: c.provider, model: c.model, billingSource: c.billingSource, ...noTotals() };
            personDeltas.set(pk, p);
          }
          lastPerson = p;
          addTotals(p, c, sign);
          if (c.provider === 'anthropic' && TELEMETRY_SOURCES.includes(c.source) && PERSON_RECONCILED.has(c.billingSource)) {
            const ud = utcDay(c.ts);
            // runs of rows share a person, source and day: their key is built once
            if (!(lastUtc.person === c.personId && lastUtc.source === c.billingSource && lastUtc.day === ud)) {
              lastUtc = { person: c.personId, source: c.billingSource, day: ud, key: `${c.billingSource}\u0000${ud}\u0000${c.personId}` };
              touched.telemetryPersonDays.add(`${c.personId}\u0000${ud}`);
            }
            utcPersonDeltas.set(lastUtc.key, (utcPersonDeltas.get(lastUtc.key) ?? 0) + sign * c.cost);
          }
        }
        if (RECONCILED_SOURCES.has(c.billingSource) && c.source !== SOURCE.billingGap) {
          const hour = Math.floor(c.ts / HOUR_MS) * HOUR_MS;
          if (!(lastHourly.hour === hour && lastHourly.source === c.billingSource && lastHourly.team === team)) {
            lastHourly = { hour, source: c.billingSource, team, key: `${c.billingSource}\u0000${hour}\u0000${team}` };
            // an analytics adjustment is the reconciler's own output: it does not ask for a reconciliation
            if (c.source !== SOURCE.analyticsGap) touched.billDays.add(`${c.billingSource}\u0000${utcDay(c.ts)}`);
          }
          hourlyDeltas.set(lastHourly.key, (hourlyDeltas.get(lastHourly.key) ?? 0) + sign * c.cost);
          // so the next telemetry row of the hour still marks its bill day
          if (c.source === SOURCE.analyticsGap) lastHourly.hour = -1;
        }
        if (c.sessionId !== null) {
          let d = sessionDeltas.get(c.sessionId);
          if (!d) {
            d = noTotals();
            sessionDeltas.set(c.sessionId, d);
          }
          addTotals(d, c, sign);
          touched.sessions.add(c.sessionId);
        }
        touched.teams.add(c.teamId);
      };

      return {
        touched,
        insert(row) {
          // the hot path of ingest: arguments bound as they are, no array per row
          const inserted =
            s.insert.run(
              row.idemKey,
              row.source,
              row.ts,
              row.day,
              row.provider,
              row.model,
              row.billingSource,
              row.billDay ?? null,
              row.spanStart ?? null,
              row.personId,
              row.teamId,
              row.sessionId,
              row.project ?? null,
              row.workspaceId ?? null,
              row.apiKeyId ?? null,
              row.inputTokens,
              row.outputTokens,
              row.cacheReadTokens,
              row.cacheWriteTokens,
              row.requests,
              row.costUsd,
              row.costSource,
              row.counted ? 1 : 0,
              row.fitAltCostUsd,
            ).changes > 0;
          if (inserted && row.counted) contribute(fromInput(row), 1);
          return inserted;
        },
        replace(row) {
          const old = s.byKey.get(row.idemKey) as UsageRecord | undefined;
          if (old) {
            if (old.counted === 1) contribute(fromRecord(old), -1);
            const p = params(row);
            s.update.run(...p.slice(1), row.idemKey);
          } else {
            s.insert.run(...params(row));
          }
          if (row.counted) contribute(fromInput(row), 1);
        },
        remove(idemKey) {
          const old = s.byKey.get(idemKey) as UsageRecord | undefined;
          if (!old) return false;
          if (old.counted === 1) contribute(fromRecord(old), -1);
          s.delete.run(idemKey);
          return true;
        },
        uncountSessionMetrics(sessionId) {
          const rows = s.uncountMetrics.all(sessionId) as UsageRecord[];
          for (const r of rows) contribute(fromRecord(r), -1);
          return rows.length;
        },
        uncountSessionlessMetrics(personId, model, from, to) {
          const rows = s.uncountSessionless.all(personId, model, from, to) as UsageRecord[];
          for (const r of rows) contribute(fromRecord(r), -1);
          return rows.length;
        },
        flush() {
          for (const t of teamDeltas.values()) {
            s.team.run(t.day, t.team, t.provider, t.model, t.billingSource, t.cost, t.input, t.output, t.cacheRead, t.cacheWrite, t.requests, t.fitCost, t.fitAlt, t.fitRequests);
            if (t.cost < 0 || t.requests < 0) s.teamEmpty.run(t.team, t.day, t.provider, t.model, t.billingSource);
          }
          for (const p of personDeltas.values()) {
            s.person.run(p.day, p.person, p.team, p.provider, p.model, p.billingSource, p.cost, p.input, p.output, p.cacheRead, p.cacheWrite, p.requests);
            if (p.cost < 0 || p.requests < 0) s.personEmpty.run(p.person, p.day, p.provider, p.model, p.billingSource, p.team);
          }
          for (const [k, cost] of hourlyDeltas) {
            const [source, hour, team] = k.split('\u0000') as [string, string, string];
            s.hourly.run(source, Number(hour), Number(team), cost);
            if (cost < 0) s.hourlyEmpty.run(source, Number(hour), Number(team));
          }
          for (const [k, cost] of utcPersonDeltas) {
            const [source, day, person] = k.split('\u0000') as [string, string, string];
            s.utcPerson.run(source, day, Number(person), cost);
          }
          for (const [id, d] of sessionDeltas) sessions.addUsage(id, d);
          teamDeltas.clear();
          personDeltas.clear();
          lastTeam = undefined;
          lastPerson = undefined;
          sessionDeltas.clear();
          hourlyDeltas.clear();
          utcPersonDeltas.clear();
        },
      };
    }

    return {
      /** A batch writer; use it inside one transaction and call flush() before it commits. */
      writer,
      byIdemKey: (key: string) => s.byKey.get(key) as UsageRecord | undefined,
      /**
       * Counted spend of a reconciled billing source in [from, to) by team (0 = unattributed) and UTC
       * hour index from `from`, billing adjustments excluded: what telemetry saw.
       */
      observedHours(billingSource: string, from: number, to: number): Map<number, number[]> {
        const out = new Map<number, number[]>();
        for (const r of s.observedHours.all(billingSource, from, to) as Array<{ hour: number; team_id: number; cost_usd: number }>) {
          let hours = out.get(r.team_id);
          if (!hours) {
            hours = new Array<number>(Math.ceil((to - from) / HOUR_MS)).fill(0);
            out.set(r.team_id, hours);
          }
          hours[Math.floor((r.hour - from) / HOUR_MS)]! += r.cost_usd;
        }
        return out;
      },
      /** adjustment rows (billing_gap, analytics_gap) of one UTC day and billing source */
      adjustmentRows: (billDay: string, source: string, billingSource: string) =>
        s.adjustments.all(billDay, source, billingSource) as UsageRecord[],
      telemetryCostForPerson: (billingSource: string, personId: number, utcDay: string) =>
        (s.telemetryForPerson.get(billingSource, utcDay, personId) as { cost: number }).cost,
      /** records that a person sent api_request events for a model in this minute; true when new */
      coverMinute: (personId: number, model: string, minute: number): boolean => s.coverMinute.run(personId, model, minute).changes > 0,
      /** whether a person sent api_request events for a model in any minute of [fromMinute, toMinute] */
      coveredMinutes: (personId: number, model: string, fromMinute: number, toMinute: number): boolean =>
        s.coveredMinute.get(personId, model, fromMinute, toMinute) !== undefined,
      /** forgets event minutes before `minute` (a metric that late is not matched any more) */
      pruneEventMinutes: (minute: number) => s.pruneMinutes.run(minute).changes,
      /** unattributed rows (adjustments excluded) of a mapped source or a person, from `since` on */
      unattributedRows: (by: 'workspace' | 'project' | 'key' | 'person', value: string | number, since: number) =>
        s.unattributedBy[by].all(value, since) as UsageRecord[],
      /** all of a person's Claude Code telemetry under one billing source (a rare admin change: a full scan) */
      personTelemetryOf: (personId: number, billingSource: string) => s.personTelemetryOf.all(personId, billingSource) as UsageRecord[],
      /** Claude Code telemetry of some people in [from, to) (the local days it spans given to use the index) */
      telemetryOfUtcDay: (from: number, to: number, fromDay: string, toDay: string, personIds: number[]) =>
        s.telemetryOfUtcDay.all(fromDay, toDay, from, to, JSON.stringify(personIds)) as UsageRecord[],
      /** last state of a cumulative OTLP series */
      seriesState(key: string): SeriesState | undefined {
        const r = s.series.get(key) as { start_ns: string; last_time_ns: string; last_value: number } | undefined;
        return r ? { startNs: BigInt(r.start_ns), lastTimeNs: BigInt(r.last_time_ns), lastValue: r.last_value } : undefined;
      },
      saveSeries: (key: string, st: SeriesState) =>
        void s.seriesSet.run(key, st.startNs.toString(), st.lastTimeNs.toString(), st.lastValue),
      /** models no price is known for, with how much usage they carry (for `/aispend admin unpriced`) */
      unpricedModels: () => s.unpriced.all() as UnpricedModel[],
    };
  });
}

export type UsageRepo = ReturnType<typeof usageRepo>;

/** Models no price is known for, with their usage (rows, tokens, first and last seen): `/aispend admin unpriced`. */
export function unpricedModels(db: Db): UnpricedModel[] {
  return usageRepo(db).unpricedModels();
}
