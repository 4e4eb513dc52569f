// A small run of `npm run bench`, through the same code (child processes per phase, real HTTP on
// 127.0.0.1, real routes and repositories): it must complete and report every figure. No timings
// are asserted: the machine running the tests decides those.
import { describe, expect, it } from 'vitest';
import { DEFAULT_END_DAY } from '../../bench/generate.js';
import { formatTable } from '../../bench/lib/report.js';
import { MEASURED } from '../../bench/phases/queries.js';
import { runBench } from '../../bench/run.js';

describe('npm run bench (smoke)', () => {
  it('generates a small org, runs every phase and reports every figure with its run count', { timeout: 120_000 }, async () => {
    const lines: string[] = [];
    const r = await runBench({
      scale: 0.004,
      seed: 3,
      runs: 1,
      querySamples: 4,
      ingestPoints: 300,
      tz: 'UTC',
      endDay: DEFAULT_END_DAY,
      regenerate: false,
      phases: ['otlp', 'events', 'generic', 'outage', 'queries', 'digests'],
      out: null,
      log: (l) => lines.push(l),
    });

    for (const [name, p] of Object.entries(r.phases)) expect(p?.error, name).toBeUndefined();
    expect(r.dataset?.reused).toBe(false);
    expect(r.dataset?.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(r.dataset?.counts.people).toBe(8);
    expect(r.dataset?.counts.usage_records).toBeGreaterThan(10_000);

    const otlp = r.phases.otlp!.result!;
    expect(otlp.skipped).toBeUndefined();
    expect(otlp.modes.map((m) => m.mode.split(' ')[0])).toEqual(['exporter', 'collector']);
    for (const m of otlp.modes) {
      expect(m.points).toBeGreaterThanOrEqual(300);
      expect(m.rowsWritten.usage_records).toBeGreaterThan(0);
      expect(m.rowsWritten.agent_sessions).toBeGreaterThan(0);
      expect(m.serverPeakRssMb).toBeGreaterThan(20);
      for (const s of [m.httpPointsPerSec, m.rawPointsPerSec, m.ratio, m.cpuRatio]) {
        expect(s.runs).toBe(1);
        expect(s.p50).toBeGreaterThan(0);
      }
    }
    // issue 15: api_request events as JSON and protobuf, beside raw inserts into a minimal table
    const events = r.phases.events!.result!;
    expect(events.skipped).toBeUndefined();
    expect(events.modes.map((m) => m.mode.split(' ')[0])).toEqual(['json', 'protobuf']);
    for (const m of events.modes) {
      expect(m.points).toBe(1000);
      expect(m.rowsWritten.usage_records).toBe(1000);
      for (const s of [m.minimalPointsPerSec, m.minimalRatio, m.minimalCpuRatio]) expect(s.p50).toBeGreaterThan(0);
    }
    expect(r.targets.filter((x) => x.name.startsWith('OTLP events')).map((x) => x.target)).toEqual(['≥ 0.33', '≥ 0.33']);
    const generic = r.phases.generic!.result!.modes[0]!;
    expect(generic.points).toBe(300);
    expect(generic.rowsWritten.usage_records).toBe(300);

    const outage = r.phases.outage!.result!;
    expect(outage.skipped).toBeUndefined();
    expect(outage.modes.map((m) => [m.mode, m.slackAnswerMs])).toEqual([
      ['slack up', 0],
      ['slack 20 s late', 20_000],
    ]);
    for (const m of outage.modes) {
      expect(m.requests).toBeGreaterThan(0);
      expect(m.outboxMessages, m.mode).toBeGreaterThan(0);
      for (const s of [m.p50Ms, m.p99Ms, m.maxMs]) {
        expect(s.runs).toBe(1);
        expect(s.p50).toBeGreaterThan(0);
      }
    }
    // with Slack up, the after-ingest work really talked to Slack while the workload ran
    expect(outage.modes[0]!.slackCalls).toBeGreaterThan(0);

    const queries = r.phases.queries!.result!;
    expect(queries.skipped).toEqual([]);
    expect(queries.results.map((q) => q.subcommand)).toEqual([...MEASURED]);
    for (const q of queries.results) {
      expect(q.samples, q.subcommand).toBe(4);
      expect(q.refusals, q.subcommand).toBe(0);
      expect(q.sampleText.length, q.subcommand).toBeGreaterThan(0);
    }

    const digests = r.phases.digests!.result!;
    expect(digests.teams).toBe(2);
    expect(digests.digests).toBe(3);
    expect(digests.charts).toBe(3);
    expect(digests.totalMs.runs).toBe(1);
    expect(digests.perChartMs.runs).toBe(3);
    expect(digests.jobPeakRssMb).toBeGreaterThan(20);

    for (const name of ['generate', 'otlp', 'generic', 'outage', 'queries', 'digests'] as const) {
      expect(r.phases[name]!.memory!.peakRssMb, name).toBeGreaterThan(20);
    }
    expect(r.targets.map((t) => t.name)).toEqual(
      expect.arrayContaining([
        '/aispend summary p99',
        'all 3 weekly digests with charts',
        'peak memory: digests job',
        'peak memory: otlp server while ingesting',
        'ingest p99: Slack 20 s late vs Slack up',
      ]),
    );
    const table = formatTable(r);
    expect(table).toContain('/aispend sessions');
    expect(table).toContain('ratio HTTP / raw');
    expect(table).toContain('ratio HTTP / minimal table');
    expect(table).toContain('OTLP events (/v1/logs)');
    expect(table).toContain('slack 20 s late');
  });
});
