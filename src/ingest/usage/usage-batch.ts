// One ingest request's worth of usage, written in one transaction: attribution and sessions are
// looked up once per batch (cached), usage rows go through the usage repository's writer, session
// counters are summed and applied once, and the counting-rule adjustments of the touched days are
// recomputed before commit. Used by the OTLP routes and the generic route alike.
import type { Deps, IngestEffects } from '../../deps.js';
import { orgRepo } from '../../db/repos/org-repo.js';
import { emptyCounters, sessionRepo, type SessionCounters, type SessionRepo, type ToolResultInput } from '../../db/repos/session-repo.js';
import { usageRepo, type UsageRowInput, type UsageWriter } from '../../db/repos/usage-repo.js';
import { attribute, type Attribution, type AttributionDirectory, type AttributionSignals, type DirectoryPerson } from '../../domain/attribution.js';
import { isTooOld } from '../../domain/retention.js';
import { localDay } from '../../domain/time.js';
import { reconcileTouched } from '../billing/reconcile.js';
import { kickAfterIngest, recordAfterIngest } from '../after-ingest.js';

export interface SessionSighting {
  sessionId: string;
  source: string;
  at: number;
  attribution: Attribution;
  email?: string | null;
  accountUuid?: string | null;
  project?: string | null;
}

/** A directory over the org repository that remembers every answer for the life of one batch. */
function cachedDirectory(deps: Deps, now: number): AttributionDirectory {
  const org = orgRepo(deps.db);
  const teams = new Map<string, number | undefined>();
  const byEmail = new Map<string, DirectoryPerson>();
  const byUuid = new Map<string, DirectoryPerson | undefined>();
  const mappings = new Map<string, number | undefined>();
  return {
    teamIdByName(name) {
      const k = name.toLowerCase();
      if (!teams.has(k)) teams.set(k, org.teamByName(name)?.id);
      return teams.get(k);
    },
    personByEmail(email) {
      let p = byEmail.get(email);
      if (!p) {
        const row = org.ensurePersonByEmail(email, now);
        p = { id: row.id, team_id: row.team_id, claude_plan: row.claude_plan };
        byEmail.set(email, p);
      }
      return p;
    },
    personByAccountUuid(uuid) {
      if (!byUuid.has(uuid)) {
        const row = org.personByIdentity('account_uuid', uuid);
        byUuid.set(uuid, row ? { id: row.id, team_id: row.team_id, claude_plan: row.claude_plan } : undefined);
      }
      return byUuid.get(uuid);
    },
    linkAccountUuid(uuid, personId) {
      if (byUuid.has(uuid) && byUuid.get(uuid)?.id === personId) return;
      const current = org.personByIdentity('account_uuid', uuid);
      if (current?.id !== personId) org.setIdentity('account_uuid', uuid, personId);
      const p = org.personById(personId);
      byUuid.set(uuid, p ? { id: p.id, team_id: p.team_id, claude_plan: p.claude_plan } : undefined);
    },
    mappedTeam(kind, id) {
      const k = `${kind}\u0000${id}`;
      if (!mappings.has(k)) mappings.set(k, org.mappedTeam(kind, id));
      return mappings.get(k);
    },
  };
}

export class UsageBatch {
  readonly writer: UsageWriter;
  readonly now: number;
  private readonly dir: AttributionDirectory;
  private readonly attributions = new Map<string, Attribution>();
  private readonly sessions = new Map<string, { hasEvents: boolean; teamId: number | null }>();
  private readonly counters = new Map<string, SessionCounters>();
  private readonly days = new Map<number, string>();
  private readonly coveredMinutes = new Set<string>();
  private readonly lastCovered = { personId: -1, model: '', minute: -1 };
  private readonly sessionRepo: SessionRepo;

  constructor(private readonly deps: Deps) {
    this.now = deps.clock.now();
    this.writer = usageRepo(deps.db).writer();
    this.dir = cachedDirectory(deps, this.now);
    this.sessionRepo = sessionRepo(deps.db);
  }

  get db() {
    return this.deps.db;
  }

  get retentionDays(): number {
    return this.deps.config.retentionDays;
  }

  /** older than RETENTION_DAYS: not counted, since its row may have been deleted and a replay would count twice */
  tooOld(ts: number): boolean {
    return isTooOld(ts, this.now, this.deps.config.retentionDays);
  }

  /** local day of an instant (cached per hour: whole-hour zones share a day across the hour) */
  day(ts: number): string {
    const hour = Math.floor(ts / 3_600_000);
    let d = this.days.get(hour);
    if (d === undefined) {
      d = localDay(ts, this.deps.config.timezone);
      // zones with a half-hour offset change day inside an hour: those are not cached
      if (localDay(hour * 3_600_000, this.deps.config.timezone) === localDay(hour * 3_600_000 + 3_599_999, this.deps.config.timezone)) {
        this.days.set(hour, d);
      }
    }
    return d;
  }

  attribute(s: AttributionSignals): Attribution {
    const key = `${s.email ?? ''}\u0000${s.accountUuid ?? ''}\u0000${s.team ?? ''}\u0000${s.apiKeyId ?? ''}\u0000${s.workspaceId ?? ''}\u0000${s.project ?? ''}\u0000${s.scopeTeamId ?? ''}`;
    let a = this.attributions.get(key);
    if (!a) {
      a = attribute(s, this.dir);
      this.attributions.set(key, a);
    }
    return a;
  }

  /** Creates or fills in the session (once per batch) and widens its activity window; its team as stored. */
  session(s: SessionSighting): { hasEvents: boolean; teamId: number | null } {
    let st = this.sessions.get(s.sessionId);
    if (!st) {
      st = this.sessionRepo.ensure({
        sessionId: s.sessionId,
        source: s.source,
        at: s.at,
        personId: s.attribution.personId,
        teamId: s.attribution.teamId,
        email: s.email,
        accountUuid: s.accountUuid,
        project: s.project,
      });
      this.sessions.set(s.sessionId, st);
    }
    this.activity(s.sessionId, s.at);
    return st;
  }

  /** The batch's counters of a session (activity window widened to `at`). */
  activity(sessionId: string, at: number): SessionCounters {
    let c = this.counters.get(sessionId);
    if (!c) {
      c = emptyCounters(at);
      this.counters.set(sessionId, c);
    } else {
      if (at < c.firstAt) c.firstAt = at;
      if (at > c.lastAt) c.lastAt = at;
    }
    return c;
  }

  /** Counting rule a: the session's first api_request event uncounts its metric rows. */
  markHasEvents(sessionId: string): void {
    const st = this.sessions.get(sessionId);
    if (st?.hasEvents) return;
    if (this.sessionRepo.setHasEvents(sessionId)) this.writer.uncountSessionMetrics(sessionId);
    if (st) st.hasEvents = true;
  }

  /** idempotency of telemetry without a row of its own */
  claimOnce(source: string, key: string): boolean {
    return this.sessionRepo.claimOnce(source, key, this.now);
  }

  /** true when new (not a replay) */
  insertToolResult(t: ToolResultInput): boolean {
    return this.sessionRepo.insertToolResult(t);
  }

  addUsage(row: UsageRowInput): boolean {
    return this.writer.insert(row);
  }

  /**
   * Counting rule a without session ids: an api_request event of a person and model means metric
   * points of the same person and model around it describe the same calls. Marks its minute and
   * uncounts such points that arrived first.
   */
  coverEvent(personId: number, model: string, ts: number): void {
    const minute = Math.floor(ts / MINUTE_MS);
    // events come in runs of one person, model and minute
    const last = this.lastCovered;
    if (last.personId === personId && last.minute === minute && last.model === model) return;
    last.personId = personId;
    last.model = model;
    last.minute = minute;
    const key = `${personId}\u0000${model}\u0000${minute}`;
    if (this.coveredMinutes.has(key)) return;
    this.coveredMinutes.add(key);
    if (usageRepo(this.deps.db).coverMinute(personId, model, minute)) {
      this.writer.uncountSessionlessMetrics(personId, model, minute * MINUTE_MS, minute * MINUTE_MS + MINUTE_MS - 1);
    }
  }

  /** whether api_request events of this person and model fall in a metric point's window [from, to] */
  eventsCover(personId: number, model: string, from: number, to: number): boolean {
    return usageRepo(this.deps.db).coveredMinutes(personId, model, Math.floor(from / MINUTE_MS), Math.floor(to / MINUTE_MS));
  }

  /** Writes rollups, counters and adjustments; call inside the batch's transaction, last. */
  finish(): IngestEffects {
    this.writer.flush();
    for (const [id, c] of this.counters) this.sessionRepo.applyCounters(id, c);
    reconcileTouched({ db: this.deps.db, timezone: this.deps.config.timezone, writer: this.writer }, this.writer.touched);
    const sessionIds = new Set<string>([...this.writer.touched.sessions, ...this.counters.keys()]);
    return { sessionIds: [...sessionIds], teamIds: [...this.writer.touched.teams] };
  }
}

const MINUTE_MS = 60_000;

interface Job {
  fill: (batch: UsageBatch) => unknown;
  resolve: (value: unknown) => void;
  reject: (e: unknown) => void;
}

const queues = new WeakMap<Deps, { jobs: Job[]; scheduled: boolean }>();

/**
 * Runs `fill` and the batch's writes atomically (all or nothing), records the after-ingest work in
 * the same transaction, and resolves with what `fill` returned as soon as it commits; the hooks run
 * in the background (src/ingest/after-ingest.ts).
 *
 * Group commit: requests that arrive together (an exporter fleet posting at once) are written as one
 * batch in one transaction, so lookups, rollup upserts, session updates, the commit and the
 * after-ingest run are paid once per group instead of once per request. If anything in the group
 * fails, the group is rolled back and each request runs again alone, so a failure only ever fails
 * its own request. `fill` must therefore only read its input and write through the batch.
 */
export function ingestBatch<T>(deps: Deps, fill: (batch: UsageBatch) => T): Promise<T> {
  let q = queues.get(deps);
  if (!q) {
    q = { jobs: [], scheduled: false };
    queues.set(deps, q);
  }
  const queue = q;
  return new Promise<T>((resolve, reject) => {
    queue.jobs.push({ fill, resolve: resolve as (v: unknown) => void, reject });
    if (!queue.scheduled) {
      queue.scheduled = true;
      setImmediate(() => {
        queue.scheduled = false;
        void runGroup(deps, queue.jobs.splice(0));
      });
    }
  });
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

function runTogether(deps: Deps, jobs: Job[]): { outcomes: Outcome[]; effects: IngestEffects } {
  return deps.db.transaction(() => {
    const batch = new UsageBatch(deps);
    const outcomes: Outcome[] = jobs.map((job) => ({ ok: true, value: job.fill(batch) }));
    const effects = batch.finish();
    recordAfterIngest(deps, effects);
    return { outcomes, effects };
  })();
}

function runAlone(deps: Deps, jobs: Job[]): { outcomes: Outcome[]; effects: IngestEffects } {
  const sessions = new Set<string>();
  const teams = new Set<number | null>();
  const outcomes = jobs.map((job): Outcome => {
    try {
      const value = deps.db.transaction(() => {
        const batch = new UsageBatch(deps);
        const r = job.fill(batch);
        const e = batch.finish();
        recordAfterIngest(deps, e);
        for (const id of e.sessionIds) sessions.add(id);
        for (const t of e.teamIds) teams.add(t);
        return r;
      })();
      return { ok: true, value };
    } catch (error) {
      return { ok: false, error };
    }
  });
  return { outcomes, effects: { sessionIds: [...sessions], teamIds: [...teams] } };
}

async function runGroup(deps: Deps, jobs: Job[]): Promise<void> {
  let result: { outcomes: Outcome[]; effects: IngestEffects };
  try {
    result = runTogether(deps, jobs);
  } catch (e) {
    if (jobs.length > 1) deps.logger.warn('a grouped ingest failed; retrying its requests one by one', { requests: jobs.length });
    result = jobs.length > 1 ? runAlone(deps, jobs) : { outcomes: [{ ok: false, error: e }], effects: { sessionIds: [], teamIds: [] } };
  }
  // the after-ingest work was recorded with the writes; it runs in the background, so the answer
  // never waits on it (nor on Slack)
  if (result.effects.sessionIds.length > 0 || result.effects.teamIds.length > 0) kickAfterIngest(deps);
  jobs.forEach((job, i) => {
    const o = result.outcomes[i]!;
    if (o.ok) job.resolve(o.value);
    else job.reject(o.error);
  });
}
