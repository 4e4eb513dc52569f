// All weekly digests (every team, plus the org digest) for the week before the bench's "now",
// through the digest job's own functions: numbers from the rollups, Block Kit, the chart PNG, and
// the outbox records, inside a transaction that is rolled back so the kept database stays as
// generated. Sending (Slack I/O) is left out. Charts are timed again on their own for the
// per-chart figure.
import { digestChartSpec } from '../../src/digest/digest-chart.js';
import { renderChartPng } from '../../src/charts/render.js';
import { fixedClock } from '../../src/clock.js';
import { testConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/open.js';
import type { Deps } from '../../src/deps.js';
import { digestKeys, digestTargets, enqueueDigest, prepareDigest, targetChannel } from '../../src/digest/digest-job.js';
import { silentLogger } from '../../src/logger.js';
import { benchNow } from '../generate.js';
import { MemorySampler } from '../lib/memory.js';
import { ADMIN_SLACK_ID } from '../lib/org.js';
import { rounded, summarize, type Summary } from '../lib/stats.js';
import type { PhaseOptions } from './options.js';

export const ORG_CHANNEL = 'CORGDIGEST';

/** between runs, outside the timings (the phase runs with --expose-gc) */
function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

export interface DigestResult {
  digests: number;
  teams: number;
  charts: number;
  /** all digests, charts included, per run */
  totalMs: Summary;
  /** one chart rendered to PNG */
  perChartMs: Summary;
  /** numbers and blocks of one digest, without its chart */
  perDigestNumbersMs: Summary;
  chartBytes: Summary;
  /** highest RSS while the job's loop ran (sampled after each digest), MB: the bot's footprint for this job */
  jobPeakRssMb: number;
}

export async function run(o: PhaseOptions): Promise<DigestResult> {
  const db = openDatabase(o.dbPath);
  try {
    const config = testConfig({ AISPEND_TIMEZONE: o.tz, AISPEND_ADMINS: ADMIN_SLACK_ID, AISPEND_ORG_CHANNEL: ORG_CHANNEL, LOG_LEVEL: 'silent' });
    const now = benchNow(o.endDay, o.tz);
    const deps: Deps = { db, config, logger: silentLogger, clock: fixedClock(now), afterIngest: [] };
    const targets = digestTargets(deps);
    const totals: number[] = [];
    const perChart: number[] = [];
    const perNumbers: number[] = [];
    const bytes: number[] = [];
    let charts = 0;
    const sampler = new MemorySampler();
    for (let run = 0; run < o.runs; run++) {
      // the job's loop (runDigests without the drain), in a transaction rolled back afterwards
      db.exec('BEGIN');
      try {
        const t0 = performance.now();
        let n = 0;
        for (const t of targets) {
          const channel = targetChannel(deps, t);
          if (!channel) continue;
          const prepared = prepareDigest(deps, t, now);
          if (prepared.chart) n += 1;
          enqueueDigest(deps, channel, prepared, digestKeys(t, prepared.figures.week.from));
          sampler.sample();
        }
        totals.push(performance.now() - t0);
        charts = n;
      } finally {
        db.exec('ROLLBACK');
      }
      collectGarbage();
    }
    const jobPeakRssMb = Math.round(sampler.stop().sampledRssMb);
    // the parts on their own: numbers + blocks, then the chart of the same figures
    for (let run = 0; run < o.runs; run++) {
      for (const t of targets) {
        const t1 = performance.now();
        const p = prepareDigest(deps, t, now, { chart: false });
        perNumbers.push(performance.now() - t1);
        if (p.figures.empty) continue;
        const spec = digestChartSpec(p.figures);
        const t2 = performance.now();
        const png = renderChartPng(spec);
        perChart.push(performance.now() - t2);
        bytes.push(png.length);
      }
    }
    return {
      digests: targets.length,
      teams: targets.filter((t) => t.kind === 'team').length,
      charts,
      totalMs: rounded(summarize(totals), 1),
      perChartMs: rounded(summarize(perChart), 2),
      perDigestNumbersMs: rounded(summarize(perNumbers), 2),
      chartBytes: rounded(summarize(bytes), 0),
      jobPeakRssMb,
    };
  } finally {
    db.close();
  }
}
