// `npm run bench [-- --scale 0.1 --runs 3 --keep-db data/bench.db]`: generates (or reuses) a year of
// data for the org, runs each phase in its own process, prints a table and writes bench/results.json.
// No network: HTTP goes to 127.0.0.1, Slack is never called.
import { fork } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { DEFAULT_END_DAY } from './generate.js';
import { machineInfo } from './lib/machine.js';
import { checkTargets, formatTable, type BenchResults, type PhaseOutcome } from './lib/report.js';
import type { PhaseName, PhaseReply } from './phase-runner.js';
import { dbBytes } from './lib/files.js';
import { STAMP_KEY, stampMatches, type DatasetStamp, type GenerateSummary } from './phases/generate.js';
import type { PhaseOptions } from './phases/options.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const MEASURED: PhaseName[] = ['otlp', 'events', 'generic', 'outage', 'queries', 'digests'];

export interface BenchOptions {
  scale: number;
  seed: number;
  runs: number;
  querySamples: number;
  /** size of each ingest workload; default from the scale */
  ingestPoints?: number;
  tz: string;
  endDay: string;
  /** keep (and reuse when it matches) the generated database at this path */
  keepDb?: string;
  /** regenerate even when --keep-db holds a matching dataset */
  regenerate: boolean;
  phases: PhaseName[];
  /** where to write the results JSON; null: do not write */
  out: string | null;
  log(line: string): void;
}

export const USAGE = `npm run bench -- [options]
  --scale <f>          size of the org: 1 = 2,000 engineers in 50 teams, ~10M usage rows (default 1)
  --runs <n>           repetitions of the ingest and digest measurements (default 3)
  --query-samples <n>  latency samples per subcommand (default 300)
  --points <n>         data points (records) per ingest workload (default 120,000 × scale, at least 5,000)
  --keep-db <path>     keep the generated year at <path>; a later run with the same seed/scale reuses it
  --regenerate         with --keep-db: generate again even if the file matches
  --phases <list>      comma-separated subset of: ${MEASURED.join(',')} (default: all)
  --seed <n>           generator seed (default 42)
  --tz <zone>          AISPEND_TIMEZONE of the generated org (default UTC)
  --out <path>         results file (default bench/results.json)`;

export function parseBenchArgs(argv: string[]): Omit<BenchOptions, 'log'> {
  const { values } = parseArgs({
    args: argv,
    options: {
      scale: { type: 'string', default: '1' },
      runs: { type: 'string', default: '3' },
      'query-samples': { type: 'string', default: '300' },
      points: { type: 'string' },
      'keep-db': { type: 'string' },
      regenerate: { type: 'boolean', default: false },
      phases: { type: 'string', default: MEASURED.join(',') },
      seed: { type: 'string', default: '42' },
      tz: { type: 'string', default: 'UTC' },
      'end-day': { type: 'string', default: DEFAULT_END_DAY },
      out: { type: 'string', default: join(ROOT, 'bench', 'results.json') },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) throw new UsageError('');
  const num = (name: string, v: string, min: number) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min) throw new UsageError(`--${name} must be a number ≥ ${min} (got "${v}")`);
    return n;
  };
  const phases = values.phases.split(',').map((p) => p.trim()).filter(Boolean);
  for (const p of phases) if (!MEASURED.includes(p as PhaseName)) throw new UsageError(`unknown phase "${p}"`);
  return {
    scale: num('scale', values.scale, 0.001),
    seed: Math.floor(num('seed', values.seed, 0)),
    runs: Math.floor(num('runs', values.runs, 1)),
    querySamples: Math.floor(num('query-samples', values['query-samples'], 1)),
    ingestPoints: values.points === undefined ? undefined : Math.floor(num('points', values.points, 10)),
    tz: values.tz,
    endDay: values['end-day'],
    keepDb: values['keep-db'] ? resolve(values['keep-db']) : undefined,
    regenerate: values.regenerate,
    phases: phases as PhaseName[],
    out: values.out,
  };
}

export class UsageError extends Error {}

/** runs one phase in a child process (its own memory high-water mark) */
export function runPhase(phase: PhaseName, options: PhaseOptions): Promise<PhaseOutcome<unknown>> {
  return new Promise((resolvePhase) => {
    const child = fork(join(ROOT, 'bench', 'phase-runner.ts'), [], { cwd: ROOT, execArgv: ['--import', 'tsx', '--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let reply: PhaseReply | undefined;
    child.on('message', (m) => (reply = m as PhaseReply));
    child.on('exit', (code) => {
      if (reply?.ok) resolvePhase({ result: reply.result, wallMs: reply.wallMs, memory: reply.memory });
      else resolvePhase({ error: reply && !reply.ok ? reply.error : `phase process exited with code ${code}`, memory: reply?.memory });
    });
    child.send({ phase, options });
  });
}

function readStamp(path: string): DatasetStamp | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const db = new Database(path, { readonly: true, fileMustExist: true });
    try {
      const row = db.prepare('SELECT value FROM settings WHERE key = ?').get(STAMP_KEY) as { value: string } | undefined;
      return row ? (JSON.parse(row.value) as DatasetStamp) : undefined;
    } finally {
      db.close();
    }
  } catch {
    return undefined;
  }
}

export async function runBench(o: BenchOptions): Promise<BenchResults> {
  const workDir = mkdtempSync(join(tmpdir(), 'aispend-bench-'));
  const dbPath = o.keepDb ?? join(workDir, 'year.db');
  const options: PhaseOptions = {
    dbPath,
    workDir,
    seed: o.seed,
    scale: o.scale,
    tz: o.tz,
    endDay: o.endDay,
    runs: o.runs,
    querySamples: o.querySamples,
    ingestPoints: o.ingestPoints,
  };
  const results: BenchResults = {
    version: 1,
    startedAt: new Date().toISOString(),
    machine: machineInfo(),
    options: { scale: o.scale, seed: o.seed, runs: o.runs, querySamples: o.querySamples, tz: o.tz, endDay: o.endDay, dbPath, kept: o.keepDb !== undefined },
    phases: {},
    targets: [],
  };
  try {
    const needsData = o.phases.some((p) => p === 'queries' || p === 'digests');
    const stamp = o.keepDb && !o.regenerate ? readStamp(o.keepDb) : undefined;
    if (stampMatches(stamp, o)) {
      o.log(`reusing the generated year in ${dbPath} (checksum ${stamp!.checksum.slice(0, 16)})`);
      results.dataset = { ...stamp!, usageRowsPerSec: 0, dbBytes: dbBytes(dbPath), reused: true };
      results.phases.generate = { reused: true };
    } else if (needsData) {
      o.log(`generating a year for scale ${o.scale} into ${dbPath} …`);
      const g = (await runPhase('generate', options)) as PhaseOutcome<GenerateSummary>;
      results.phases.generate = g;
      if (g.error) throw new Error(`generation failed: ${g.error}`);
      results.dataset = { ...g.result!, dbBytes: dbBytes(dbPath), reused: false };
      o.log(`  ${g.result!.counts.usage_records} usage rows in ${(g.result!.generatedMs / 1000).toFixed(1)} s`);
    }
    for (const phase of o.phases) {
      o.log(`running ${phase} …`);
      (results.phases as Record<string, PhaseOutcome<unknown>>)[phase] = await runPhase(phase, options);
    }
    results.targets = checkTargets(results);
    if (o.out) writeFileSync(o.out, JSON.stringify(results, null, 2) + '\n');
    return results;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  let parsed: Omit<BenchOptions, 'log'>;
  try {
    parsed = parseBenchArgs(process.argv.slice(2));
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (msg) console.error(msg);
    console.error(USAGE);
    process.exitCode = e instanceof UsageError && !msg ? 0 : 2;
    return;
  }
  const results = await runBench({ ...parsed, log: (l) => console.error(l) });
  console.log(formatTable(results));
  if (parsed.out) console.error(`\nresults written to ${parsed.out}`);
  const failed = Object.values(results.phases).some((p) => p?.error);
  if (failed) process.exitCode = 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  void main();
}
