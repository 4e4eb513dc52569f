// Ingest through HTTP (the real routes of every feature, the real repositories, on 127.0.0.1)
// beside raw batched inserts of the very rows that ingest produced, into the same schema, in the
// same run. Each run starts from a fresh copy of a database holding only the org. The server
// (bench/lib/ingest-server.ts) and the client (bench/lib/http-client.mjs) run in processes of their
// own, so the server's CPU time and memory are the product's alone.
import { fork } from 'node:child_process';
import { copyFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { openDatabase, type Db } from '../../src/db/open.js';
import { features } from '../../src/features.js';
import { benchNow, seedOrg } from '../generate.js';
import { compiledIngestServer, productNodeFlags } from '../lib/compiled-server.js';
import { removeDb } from '../lib/files.js';
import { BENCH_TOKEN, ingestDeps } from '../lib/ingest-deps.js';
import { buildOrg } from '../lib/org.js';
import { rounded, summarize, type Summary } from '../lib/stats.js';
import type { PhaseOptions } from './options.js';

export interface IngestRequest {
  path: string;
  /** JSON text, or the bytes of an OTLP protobuf message */
  body: string | Uint8Array;
  points: number;
  gzip?: boolean;
  /** sent as application/x-protobuf */
  protobuf?: boolean;
}

export interface IngestModeResult {
  mode: string;
  requests: number;
  points: number;
  concurrency: number;
  /** rows the HTTP path wrote, by table (the raw baseline writes the same) */
  rowsWritten: Record<string, number>;
  /** points per wall-clock second (client-side, first request to last answer) */
  httpPointsPerSec: Summary;
  rawPointsPerSec: Summary;
  /** HTTP rate / raw rate, per run, wall clock */
  ratio: Summary;
  /**
   * points per CPU second of the server process (the client runs in its own process): unlike wall
   * time, not inflated by other processes competing for the cores
   */
  httpPointsPerCpuSec: Summary;
  rawPointsPerCpuSec: Summary;
  /** HTTP / raw, per run, in CPU time */
  cpuRatio: Summary;
  /**
   * the second baseline (issue 15): the same usage rows inserted into a minimal table (one table,
   * one unique key, no other index, no rollups), batched as the raw baseline is; points per second
   */
  minimalPointsPerSec: Summary;
  minimalPointsPerCpuSec: Summary;
  /** HTTP / minimal-table inserts, per run, wall clock and CPU */
  minimalRatio: Summary;
  minimalCpuRatio: Summary;
  /** memory high-water mark of the server process (its own process: the product alone), MB */
  serverPeakRssMb: number;
}

/** a workload written to disk, ready to send */
export interface PreparedRequests {
  file: string;
  requests: number;
  points: number;
  /** data points of each request, in order */
  requestPoints: number[];
  /** the route of each request, in order */
  requestPaths: string[];
}

/** a migrated database with the org only, copied for every run */
export function orgTemplate(o: PhaseOptions, name: string): string {
  const path = join(o.workDir, `${name}-template.db`);
  removeDb(path);
  const db = openDatabase(path);
  seedOrg(db, buildOrg(o.seed, o.scale), o.tz, benchNow(o.endDay, o.tz) - 400 * 86_400_000);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return path;
}

/** which route paths the product serves today (a phase whose route is not built yet is skipped) */
export function availableRoutes(o: PhaseOptions): Set<string> {
  const db = openDatabase(':memory:');
  const deps = ingestDeps(db, o);
  const paths = new Set(features.flatMap((f) => f.routes?.(deps) ?? []).map((r) => `${r.method} ${r.path}`));
  // init() hooks are not run here: this database is only for listing the routes
  db.close();
  return paths;
}

/** writes the request bodies once, in the format bench/lib/http-client.mjs reads */
export function prepareRequests(o: PhaseOptions, name: string, requests: IngestRequest[]): PreparedRequests {
  const file = join(o.workDir, `${name}-requests.bin`);
  const parts: Buffer[] = [];
  for (const r of requests) {
    const path = Buffer.from(r.path);
    const bytes = typeof r.body === 'string' ? Buffer.from(r.body) : Buffer.from(r.body.buffer, r.body.byteOffset, r.body.byteLength);
    const body = r.gzip ? gzipSync(bytes) : bytes;
    const head = Buffer.alloc(4 + path.length + 5);
    head.writeUInt32LE(path.length, 0);
    path.copy(head, 4);
    // flags: 1 gzip, 2 protobuf (bench/lib/http-client.mjs)
    head[4 + path.length] = (r.gzip ? 1 : 0) | (r.protobuf ? 2 : 0);
    head.writeUInt32LE(body.length, 5 + path.length);
    parts.push(head, body);
  }
  writeFileSync(file, Buffer.concat(parts));
  return { file, requests: requests.length, points: requests.reduce((a, r) => a + r.points, 0), requestPoints: requests.map((r) => r.points), requestPaths: requests.map((r) => r.path) };
}



export type ClientMessage =
  | { ready: true }
  | { ok: boolean; elapsedMs: number; statuses: Record<string, number>; failures: string[]; error?: string; latencies?: number[] };

/** a child process and its next message */
export function child(file: string, execArgv: string[]) {
  const proc = fork(file, [], { cwd: ROOT, execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = <T>() =>
    new Promise<T>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`${file} exited (${code}) before answering`));
      proc.once('exit', onExit);
      proc.once('message', (m) => {
        proc.off('exit', onExit);
        resolve(m as T);
      });
    });
  return { proc, next };
}

/**
 * requests sent before a measured run, to a scratch database: at least 3,000 points or a tenth of the
 * requests, and at least one request of every route the run uses (a long-running bot has served each
 * of them: its code compiled, its decode thread started)
 */
export function warmupCount(requestPoints: number[], requestPaths: string[] = []): number {
  const total = requestPoints.length;
  let n = 0;
  let points = 0;
  while (n < total && (points < 3_000 || n < total / 10)) points += requestPoints[n++]!;
  for (const path of new Set(requestPaths)) n = Math.max(n, requestPaths.indexOf(path) + 1);
  return Math.min(n, Math.max(1, total - 1));
}

/**
 * One HTTP run: the product's server in one process, the client in another. The server first
 * serves a warm-up share of the requests into a scratch copy of the template, then all of them into
 * `dbPath`. Returns the client's wall time (first request to last answer) and the server's CPU
 * time and memory high-water mark for the measured part.
 */
async function httpRunIn(
  o: PhaseOptions,
  paths: { db: string; warmup: string },
  prepared: PreparedRequests,
  concurrency: number,
): Promise<{ wallMs: number; cpuMs: number; peakRssMb: number }> {
  const server = child(compiledIngestServer(ROOT), productNodeFlags(ROOT));
  const client = child(fileURLToPath(new URL('../lib/http-client.mjs', import.meta.url)), []);
  const open = async (dbPath: string) => {
    const listening = server.next<{ port: number }>();
    server.proc.send({ open: dbPath, tz: o.tz, endDay: o.endDay });
    return (await listening).port;
  };
  const send = async (port: number, from: number, to: number) => {
    const done = client.next<ClientMessage>();
    client.proc.send({ port, from, to });
    const result = (await done) as Exclude<ClientMessage, { ready: true }>;
    if (!result.ok) throw new Error(`bench client failed: ${result.error}`);
    if (result.failures.length > 0) {
      throw new Error(`ingest refused requests (${JSON.stringify(result.statuses)}): ${result.failures.join(' | ')}`);
    }
    return result.elapsedMs;
  };
  try {
    const ready = client.next<ClientMessage>();
    client.proc.send({ file: prepared.file, token: BENCH_TOKEN, concurrency });
    await ready;
    await send(await open(paths.warmup), 0, warmupCount(prepared.requestPoints, prepared.requestPaths));
    const port = await open(paths.db);
    const going = server.next<{ going: true }>();
    server.proc.send('go');
    await going;
    const wallMs = await send(port, 0, prepared.requests);
    const stopped = server.next<{ cpuMs: number; peakRssMb: number }>();
    server.proc.send('stop');
    const usage = await stopped;
    return { wallMs, cpuMs: usage.cpuMs, peakRssMb: usage.peakRssMb };
  } finally {
    client.proc.kill();
    server.proc.kill();
  }
}

/** the rows a run added to each table (everything not in the org template) */
function addedRows(path: string, template: string): Map<string, Array<Record<string, unknown>>> {
  const db = openDatabase(path);
  const out = new Map<string, Array<Record<string, unknown>>>();
  try {
    db.prepare('ATTACH DATABASE ? AS tmpl').run(template);
    const tables = db.prepare(`SELECT name FROM main.sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).all() as Array<{ name: string }>;
    for (const { name } of tables) {
      const rows = db.prepare(`SELECT * FROM main."${name}" EXCEPT SELECT * FROM tmpl."${name}"`).all() as Array<Record<string, unknown>>;
      if (rows.length > 0) out.set(name, rows);
    }
  } finally {
    db.close();
  }
  return out;
}

const ROLLUPS = new Set(['usage_daily_team', 'usage_daily_person']);
const ZERO_SESSION_USAGE = { cost_usd: 0, input_tokens: 0, output_tokens: 0, cache_read_tokens: 0, cache_write_tokens: 0, api_requests: 0 };

/** transactions of the raw baseline: one per this many data points of the workload (a Collector's send_batch_size) */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export const RAW_BATCH_POINTS = 8192;

/**
 * The baseline: the same rows, inserted with prepared statements in well-filled transactions (one
 * per RAW_BATCH_POINTS data points, whatever the client's batching), with the rollups kept in step
 * per transaction as the schema requires: usage_daily_team / usage_daily_person upserts and the
 * agent sessions' usage totals, summed per transaction. No HTTP, no JSON, no validation, no
 * attribution, no counting rule, no after-ingest hooks: what SQLite itself costs for these rows.
 */
function rawInsert(db: Db, added: Map<string, Array<Record<string, unknown>>>, chunks: number): number {
  const usage = (added.get('usage_records') ?? []).map(({ id: _id, ...rest }) => rest);
  const others = [...added.entries()].filter(([t]) => t !== 'usage_records' && t !== 'agent_sessions' && !ROLLUPS.has(t));
  // sessions are created with zero usage and their totals added per transaction, as ingest does
  const sessions = (added.get('agent_sessions') ?? []).map((r) => ({ ...r, ...ZERO_SESSION_USAGE }));
  const sessionCols = sessions[0] ? Object.keys(sessions[0]) : [];
  const insSession = sessionCols.length
    ? db.prepare(`INSERT INTO agent_sessions (${sessionCols.join(', ')}) VALUES (${sessionCols.map((c) => '@' + c).join(', ')})`)
    : undefined;
  const sessionUsage = db.prepare(
    `UPDATE agent_sessions SET cost_usd = cost_usd + ?, input_tokens = input_tokens + ?, output_tokens = output_tokens + ?,
       cache_read_tokens = cache_read_tokens + ?, cache_write_tokens = cache_write_tokens + ?, api_requests = api_requests + ?
     WHERE session_id = ?`,
  );
  const usageCols = usage[0] ? Object.keys(usage[0]) : [];
  const insUsage = usageCols.length
    ? db.prepare(`INSERT INTO usage_records (${usageCols.join(', ')}) VALUES (${usageCols.map((c) => '@' + c).join(', ')})`)
    : undefined;
  const insOther = new Map(
    others.map(([t, rows]) => {
      const cols = Object.keys(rows[0]!);
      return [t, db.prepare(`INSERT OR REPLACE INTO "${t}" (${cols.join(', ')}) VALUES (${cols.map((c) => '@' + c).join(', ')})`)];
    }),
  );
  const team = db.prepare(
    `INSERT INTO usage_daily_team (day, team_id, provider, model, billing_source, cost_usd, input_tokens, output_tokens, cache_read_tokens,
       cache_write_tokens, requests, fit_cost_usd, fit_alt_cost_usd, fit_requests) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (team_id, day, provider, model, billing_source) DO UPDATE SET cost_usd = cost_usd + excluded.cost_usd,
       input_tokens = input_tokens + excluded.input_tokens, output_tokens = output_tokens + excluded.output_tokens,
       cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens, cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens,
       requests = requests + excluded.requests, fit_cost_usd = fit_cost_usd + excluded.fit_cost_usd,
       fit_alt_cost_usd = fit_alt_cost_usd + excluded.fit_alt_cost_usd, fit_requests = fit_requests + excluded.fit_requests`,
  );
  const person = db.prepare(
    `INSERT INTO usage_daily_person (day, person_id, team_id, provider, model, billing_source, cost_usd, input_tokens, output_tokens,
       cache_read_tokens, cache_write_tokens, requests) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (person_id, day, provider, model, billing_source, team_id) DO UPDATE SET cost_usd = cost_usd + excluded.cost_usd,
       input_tokens = input_tokens + excluded.input_tokens, output_tokens = output_tokens + excluded.output_tokens,
       cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens, cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens,
       requests = requests + excluded.requests`,
  );
  const slice = <T>(rows: T[], k: number) => rows.slice(Math.floor((rows.length * k) / chunks), Math.floor((rows.length * (k + 1)) / chunks));
  const chunk = db.transaction((k: number) => {
    const teamAcc = new Map<string, number[]>();
    const personAcc = new Map<string, number[]>();
    const sessionAcc = new Map<string, number[]>();
    if (k === 0) for (const r of sessions) insSession!.run(r);
    for (const r of slice(usage, k)) {
      insUsage!.run(r);
      if (r.counted !== 1) continue;
      const model = (r.model as string | null) ?? '';
      const t = (r.team_id as number | null) ?? 0;
      const v = [r.cost_usd, r.input_tokens, r.output_tokens, r.cache_read_tokens, r.cache_write_tokens, r.requests] as number[];
      const fit = r.fit_alt_cost_usd === null ? [0, 0, 0] : [r.cost_usd as number, r.fit_alt_cost_usd as number, r.requests as number];
      const tk = `${t}\u0000${r.day}\u0000${r.provider}\u0000${model}\u0000${r.billing_source}`;
      const ta = teamAcc.get(tk) ?? new Array<number>(9).fill(0);
      [...v, ...fit].forEach((x, i) => (ta[i]! += x));
      teamAcc.set(tk, ta);
      if (r.person_id !== null) {
        const pk = `${r.person_id}\u0000${tk}`;
        const pa = personAcc.get(pk) ?? new Array<number>(6).fill(0);
        v.forEach((x, i) => (pa[i]! += x));
        personAcc.set(pk, pa);
      }
      if (r.session_id !== null) {
        const sa = sessionAcc.get(r.session_id as string) ?? new Array<number>(6).fill(0);
        v.forEach((x, i) => (sa[i]! += x));
        sessionAcc.set(r.session_id as string, sa);
      }
    }
    for (const [id, a] of sessionAcc) sessionUsage.run(...a, id);
    for (const [k2, a] of teamAcc) {
      const [t, day, provider, model, source] = k2.split('\u0000');
      team.run(day, Number(t), provider, model, source, ...a);
    }
    for (const [k2, a] of personAcc) {
      const [p, t, day, provider, model, source] = k2.split('\u0000');
      person.run(day, Number(p), Number(t), provider, model, source, ...a);
    }
    for (const [t, rows] of others) {
      const ins = insOther.get(t)!;
      for (const r of slice(rows, k)) ins.run(r);
    }
  });
  const started = performance.now();
  for (let k = 0; k < chunks; k++) chunk(k);
  return performance.now() - started;
}

/** the minimal table: the columns of usage_records, one unique key, nothing else */
const MINIMAL_TABLE = `CREATE TABLE minimal_rows (
  idem_key TEXT NOT NULL UNIQUE, source TEXT, ts INTEGER, day TEXT, provider TEXT, model TEXT, billing_source TEXT, bill_day TEXT,
  span_start INTEGER, person_id INTEGER, team_id INTEGER, session_id TEXT, project TEXT, workspace_id TEXT, api_key_id TEXT,
  input_tokens INTEGER, output_tokens INTEGER, cache_read_tokens INTEGER, cache_write_tokens INTEGER, requests INTEGER,
  cost_usd REAL, cost_source TEXT, counted INTEGER, fit_alt_cost_usd REAL)`;

/**
 * The second baseline: the usage rows ingest wrote, inserted with one prepared statement into a
 * minimal table in a database of its own (WAL, synchronous = NORMAL, as the product's), one
 * transaction per RAW_BATCH_POINTS data points. What SQLite costs for these rows with no schema
 * around them: the ratio against it shows the schema's own cost, which the first baseline hides.
 */
function minimalInsert(path: string, added: Map<string, Array<Record<string, unknown>>>, chunks: number): { wallMs: number; cpuMs: number; rows: number } {
  const usage = (added.get('usage_records') ?? []).map(({ id: _id, ...rest }) => rest);
  removeDb(path);
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec(MINIMAL_TABLE);
    const cols = usage[0] ? Object.keys(usage[0]) : [];
    const ins = cols.length ? db.prepare(`INSERT INTO minimal_rows (${cols.join(', ')}) VALUES (${cols.map((c) => '@' + c).join(', ')})`) : undefined;
    const slice = (k: number) => usage.slice(Math.floor((usage.length * k) / chunks), Math.floor((usage.length * (k + 1)) / chunks));
    const chunk = db.transaction((rows: Array<Record<string, unknown>>) => {
      for (const r of rows) ins!.run(r);
    });
    const cpu0 = process.cpuUsage();
    const started = performance.now();
    for (let k = 0; k < chunks; k++) chunk(slice(k));
    const wallMs = performance.now() - started;
    const cpu = process.cpuUsage(cpu0);
    const rows = (db.prepare('SELECT COUNT(*) AS n FROM minimal_rows').get() as { n: number }).n;
    if (rows !== usage.length) throw new Error(`bench: the minimal table holds ${rows} rows, ingest wrote ${usage.length}`);
    return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, rows };
  } finally {
    db.close();
    removeDb(path);
  }
}

/** the baseline must end where ingest ended: same spend in each rollup and in the sessions */
function checkSameTotals(db: Db, added: Map<string, Array<Record<string, unknown>>>): void {
  for (const table of ['usage_daily_team', 'usage_daily_person', 'agent_sessions']) {
    const expected = (added.get(table) ?? []).reduce((a, r) => a + (r.cost_usd as number), 0);
    const got = (db.prepare(`SELECT COALESCE(SUM(cost_usd), 0) AS c FROM "${table}"`).get() as { c: number }).c;
    if (Math.abs(got - expected) > 1e-6 * Math.max(1, Math.abs(expected))) {
      throw new Error(`bench: the raw baseline's ${table} spend (${got}) differs from ingest's (${expected})`);
    }
  }
}

export async function measureIngest(o: PhaseOptions, name: string, mode: string, prepared: PreparedRequests, concurrency: number): Promise<IngestModeResult> {
  const template = orgTemplate(o, name);
  const { file, points } = prepared;
  const source = join(o.workDir, `${name}-source.db`);
  const m = {
    http: [] as number[],
    raw: [] as number[],
    ratio: [] as number[],
    httpCpu: [] as number[],
    rawCpu: [] as number[],
    cpuRatio: [] as number[],
    min: [] as number[],
    minCpu: [] as number[],
    minRatio: [] as number[],
    minCpuRatio: [] as number[],
  };
  let rowsWritten: Record<string, number> = {};
  let serverPeakRssMb = 0;
  const httpRun = async () => {
    const path = join(o.workDir, `${name}-http.db`);
    const warmup = join(o.workDir, `${name}-warmup.db`);
    for (const p of [path, warmup]) {
      removeDb(p);
      copyFileSync(template, p);
    }
    try {
      const t = await httpRunIn(o, { db: path, warmup }, prepared, concurrency);
      serverPeakRssMb = Math.max(serverPeakRssMb, t.peakRssMb);
      return t;
    } finally {
      // the first run's database is the raw baseline's source of rows
      if (m.http.length === 0 && !exists(source)) renameSync(path, source);
      removeDb(path);
      removeDb(warmup);
    }
  };
  const rawRun = () => {
    const added = addedRows(source, template);
    rowsWritten = Object.fromEntries([...added.entries()].map(([t, rows]) => [t, rows.length]));
    const path = join(o.workDir, `${name}-raw.db`);
    removeDb(path);
    copyFileSync(template, path);
    const db = openDatabase(path);
    try {
      const cpu0 = process.cpuUsage();
      const wallMs = rawInsert(db, added, Math.max(1, Math.ceil(points / RAW_BATCH_POINTS)));
      const cpu = process.cpuUsage(cpu0);
      checkSameTotals(db, added);
      const minimal = minimalInsert(join(o.workDir, `${name}-minimal.db`), added, Math.max(1, Math.ceil(points / RAW_BATCH_POINTS)));
      return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, minimal };
    } finally {
      db.close();
      removeDb(path);
    }
  };
  try {
    for (let run = 0; run < o.runs; run++) {
      // alternate the order (after the first run, which must make the rows): drift in the
      // machine's load then hits both sides alike
      let h: { wallMs: number; cpuMs: number };
      let r: { wallMs: number; cpuMs: number; minimal: { wallMs: number; cpuMs: number } };
      if (run % 2 === 1) {
        r = rawRun();
        h = await httpRun();
      } else {
        h = await httpRun();
        r = rawRun();
      }
      const rate = (ms: number) => points / (ms / 1000);
      m.http.push(rate(h.wallMs));
      m.raw.push(rate(r.wallMs));
      m.ratio.push(r.wallMs / h.wallMs);
      m.httpCpu.push(rate(h.cpuMs));
      m.rawCpu.push(rate(r.cpuMs));
      m.cpuRatio.push(r.cpuMs / h.cpuMs);
      m.min.push(rate(r.minimal.wallMs));
      m.minCpu.push(rate(r.minimal.cpuMs));
      m.minRatio.push(r.minimal.wallMs / h.wallMs);
      m.minCpuRatio.push(r.minimal.cpuMs / h.cpuMs);
    }
  } finally {
    removeDb(template);
    removeDb(source);
    rmSync(file, { force: true });
  }
  return {
    mode,
    requests: prepared.requests,
    points,
    concurrency,
    rowsWritten,
    httpPointsPerSec: rounded(summarize(m.http), 0),
    rawPointsPerSec: rounded(summarize(m.raw), 0),
    ratio: rounded(summarize(m.ratio), 3),
    httpPointsPerCpuSec: rounded(summarize(m.httpCpu), 0),
    rawPointsPerCpuSec: rounded(summarize(m.rawCpu), 0),
    cpuRatio: rounded(summarize(m.cpuRatio), 3),
    minimalPointsPerSec: rounded(summarize(m.min), 0),
    minimalPointsPerCpuSec: rounded(summarize(m.minCpu), 0),
    minimalRatio: rounded(summarize(m.minRatio), 3),
    minimalCpuRatio: rounded(summarize(m.minCpuRatio), 3),
    serverPeakRssMb: Math.round(serverPeakRssMb),
  };
}

function exists(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
