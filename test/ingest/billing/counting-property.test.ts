// The counting invariant as a property: for random zones (±13 h, +5:45, DST days), random call times,
// random telemetry coverage and random arrival orders of telemetry and (revised) cost reports, the
// spend counted for each UTC day and billing scope is max(bill, telemetry of the same calls), and
// every dollar of telemetry sits on the local day its call happened. Expected figures come from the
// generated calls, never from the code under test.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/clock.js';
import { testConfig } from '../../../src/config.js';
import type { Deps } from '../../../src/deps.js';
import { orgRepo } from '../../../src/db/repos/org-repo.js';
import { usageRepo } from '../../../src/db/repos/usage-repo.js';
import { ingestLogs } from '../../../src/ingest/otlp/logs.js';
import { ingestBatch } from '../../../src/ingest/usage/usage-batch.js';
import { silentLogger } from '../../../src/logger.js';
import { addDays, localDay } from '../../../src/domain/time.js';
import { anthropicCostPoller } from '../../../src/ingest/providers/anthropic-cost.js';
import { reconcileDays } from '../../../src/ingest/billing/reconcile.js';
import { openTempDb } from '../../helpers/temp-db.js';
import { logsExport } from '../otlp/otlp-builders.js';
import { costReportBucket } from '../providers/fake-provider.js';

const ZONES = ['UTC', 'America/Los_Angeles', 'Asia/Tokyo', 'Asia/Kolkata', 'Asia/Kathmandu', 'Pacific/Auckland', 'Pacific/Honolulu', 'Europe/Berlin'];
// three UTC days around Berlin's (Oct 25) or Los Angeles' (Nov 1) daylight-saving change
const FIRST_DAYS = ['2026-10-24', '2026-10-31', '2026-11-19'];
/** who makes the call, and which workspace the cost report bills it under */
const PEOPLE = [
  { email: 'ana@example.com', team: 'A', workspace: 'wrkspc_A' },
  { email: 'bo@example.com', team: 'B', workspace: 'wrkspc_B' },
  // no team and an unmapped (default) workspace: unattributed on both sides
  { email: 'cy@example.com', team: null, workspace: null },
] as const;
const SCOPES = ['A', 'B', 'none'] as const;

interface Call {
  day: number;
  minute: number;
  who: number;
  cents: number;
  /** telemetry saw it (an api_request event); otherwise only the bill knows it */
  seen: boolean;
}

const callArb = fc.record({
  day: fc.integer({ min: 0, max: 2 }),
  minute: fc.integer({ min: 0, max: 1439 }),
  who: fc.integer({ min: 0, max: 2 }),
  cents: fc.integer({ min: 1, max: 5_000 }),
  seen: fc.boolean(),
});

const scenarioArb = fc.record({
  tz: fc.constantFrom(...ZONES),
  first: fc.constantFrom(...FIRST_DAYS),
  calls: fc.array(callArb, { minLength: 1, maxLength: 12 }),
  // per day: is there a cost report at all (a key without an admin key has none), and extra billed
  // cents no telemetry could see (server tools, a different machine) per workspace
  billed: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
  extra: fc.array(fc.array(fc.integer({ min: 0, max: 3 }).map((n) => n * 250), { minLength: 3, maxLength: 3 }), { minLength: 3, maxLength: 3 }),
  order: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 30, maxLength: 30 }),
});

type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

const iso = (day: string, minute: number) => new Date(Date.parse(`${day}T00:00:00Z`) + minute * 60_000).toISOString();

async function run(s: Scenario): Promise<void> {
  const tmp = openTempDb();
  try {
    const days = [0, 1, 2].map((i) => addDays(s.first, i));
    const deps: Deps = {
      db: tmp.db,
      config: testConfig({ AISPEND_TIMEZONE: s.tz }),
      logger: silentLogger,
      clock: fixedClock(Date.parse(`${addDays(s.first, 5)}T12:00:00Z`)),
      afterIngest: [],
    };
    const org = orgRepo(tmp.db);
    const teams = new Map<string, number>();
    for (const name of ['A', 'B']) teams.set(name, org.createTeam(name, `C${name}`, 0).id);
    for (const p of PEOPLE) {
      const person = org.ensurePersonByEmail(p.email, 0);
      if (p.team) org.setPersonTeam(person.id, teams.get(p.team)!);
      if (p.workspace && p.team) org.setMapping('workspace', p.workspace, teams.get(p.team)!);
    }

    // the full bill of each day, and a first version missing the last line (revised the next day)
    const bills = days.map((day, d) => {
      const full = new Map<string | null, number>();
      PEOPLE.forEach((p, w) => full.set(p.workspace, s.extra[d]![w]!));
      for (const c of s.calls) if (c.day === d) full.set(PEOPLE[c.who]!.workspace, full.get(PEOPLE[c.who]!.workspace)! + c.cents);
      const partial = new Map([...full].slice(0, 2));
      return { day, full, partial };
    });

    type Arrival = { kind: 'event'; call: Call } | { kind: 'bill'; day: number; version: 'partial' | 'full' };
    const arrivals: Arrival[] = [];
    for (const c of s.calls) if (c.seen) arrivals.push({ kind: 'event', call: c });
    for (let d = 0; d < 3; d++) {
      if (!s.billed[d]) continue;
      arrivals.push({ kind: 'bill', day: d, version: 'partial' }, { kind: 'bill', day: d, version: 'full' });
    }
    const keyed = arrivals.map((a, i) => ({ a, k: s.order[i % s.order.length]! + i * 1e-9 })).sort((x, y) => x.k - y.k).map((x) => x.a);
    // a revision replaces what came before it: the full version of a day's bill comes after its first one
    for (let d = 0; d < 3; d++) {
      const p = keyed.findIndex((a) => a.kind === 'bill' && a.day === d && a.version === 'partial');
      const f = keyed.findIndex((a) => a.kind === 'bill' && a.day === d && a.version === 'full');
      if (p > f) [keyed[p], keyed[f]] = [keyed[f]!, keyed[p]!];
    }

    let n = 0;
    for (const a of keyed) {
      if (a.kind === 'event') {
        const c = a.call;
        n += 1;
        const body = logsExport({ 'service.name': 'claude-code' }, [
          {
            name: 'api_request',
            at: iso(days[c.day]!, c.minute),
            attrs: {
              'session.id': `s-${c.who}-${c.day}`,
              'user.email': PEOPLE[c.who]!.email,
              model: 'claude-sonnet-4-5-20250929',
              cost_usd: c.cents / 100,
              input_tokens: 10,
              output_tokens: 10,
              'event.sequence': String(n),
            },
          },
        ]);
        await ingestBatch(deps, (b) => ingestLogs(b, body as Parameters<typeof ingestLogs>[1]));
      } else {
        const b = bills[a.day]!;
        const writer = usageRepo(tmp.db).writer();
        tmp.db.transaction(() => {
          anthropicCostPoller.storeBucket({ db: tmp.db, now: deps.clock.now(), timezone: s.tz }, costReportBucket(b.day, a.version === 'full' ? b.full : b.partial));
          reconcileDays({ db: tmp.db, timezone: s.tz, writer }, [['anthropic', b.day]]);
        })();
      }
    }

    // expected, from the calls alone
    const scopeOf = (who: number) => PEOPLE[who]!.team ?? 'none';
    let expectedTotal = 0;
    const expectedByTeam = new Map<string, number>();
    for (let d = 0; d < 3; d++) {
      for (const scope of SCOPES) {
        const w = SCOPES.indexOf(scope);
        const seen = s.calls.filter((c) => c.day === d && c.seen && scopeOf(c.who) === scope).reduce((t, c) => t + c.cents, 0);
        const billed = s.calls.filter((c) => c.day === d && scopeOf(c.who) === scope).reduce((t, c) => t + c.cents, 0) + s.extra[d]![w]!;
        const counted = s.billed[d] ? Math.max(billed, seen) : seen;
        expectedTotal += counted;
        expectedByTeam.set(scope, (expectedByTeam.get(scope) ?? 0) + counted);
      }
    }

    // what was counted over the three UTC days: usage rows of those days and adjustments naming them
    const start = Date.parse(`${days[0]}T00:00:00Z`);
    const end = Date.parse(`${addDays(days[2]!, 1)}T00:00:00Z`);
    const counted = tmp.db
      .prepare(
        `SELECT COALESCE(t.name, 'none') AS scope, SUM(u.cost_usd) AS cost FROM usage_records u LEFT JOIN teams t ON t.id = u.team_id
         WHERE u.counted = 1 AND (u.bill_day IN (?, ?, ?) OR (u.bill_day IS NULL AND u.ts >= ? AND u.ts < ?)) GROUP BY 1`,
      )
      .all(...days, start, end) as Array<{ scope: string; cost: number }>;
    const byScope = new Map(counted.map((r) => [r.scope, r.cost]));
    for (const scope of SCOPES) expect(byScope.get(scope) ?? 0).toBeCloseTo((expectedByTeam.get(scope) ?? 0) / 100, 6);
    const total = counted.reduce((t, r) => t + r.cost, 0);
    expect(total).toBeCloseTo(expectedTotal / 100, 6);

    // the rollups every answer reads hold the same dollars
    const rollup = (tmp.db.prepare('SELECT COALESCE(SUM(cost_usd), 0) AS c FROM usage_daily_team').get() as { c: number }).c;
    expect(rollup).toBeCloseTo(expectedTotal / 100, 6);

    // telemetry dollars sit on the local day their call happened
    const seenByLocalDay = new Map<string, number>();
    for (const c of s.calls) {
      if (!c.seen) continue;
      const day = localDay(Date.parse(iso(days[c.day]!, c.minute)), s.tz);
      seenByLocalDay.set(day, (seenByLocalDay.get(day) ?? 0) + c.cents);
    }
    const telemetryDays = tmp.db
      .prepare(`SELECT day, SUM(cost_usd) AS cost FROM usage_records WHERE counted = 1 AND source = 'otlp_event' GROUP BY day`)
      .all() as Array<{ day: string; cost: number }>;
    expect(telemetryDays.length).toBe(seenByLocalDay.size);
    for (const r of telemetryDays) expect(r.cost).toBeCloseTo(seenByLocalDay.get(r.day)! / 100, 6);
  } finally {
    tmp.cleanup();
  }
}

describe('the counting invariant, for any zone and arrival order', () => {
  it('counts max(bill, telemetry) per UTC day and billing scope, each dollar once', async () => {
    await fc.assert(fc.asyncProperty(scenarioArb, run), { numRuns: 60, seed: 20261129 });
  });

  it('the issue’s case 1: $90 of calls at 02:00 UTC (Los Angeles) and 20:00 UTC (Tokyo), billed and seen, count $90', async () => {
    for (const [tz, minute] of [
      ['America/Los_Angeles', 2 * 60],
      ['Asia/Tokyo', 20 * 60],
    ] as const) {
      await run({
        tz,
        first: '2026-11-19',
        calls: [{ day: 1, minute, who: 0, cents: 9_000, seen: true }],
        billed: [false, true, false],
        extra: [
          [0, 0, 0],
          [0, 0, 0],
          [0, 0, 0],
        ],
        order: Array.from({ length: 30 }, (_, i) => i / 30),
      });
    }
  });
});
