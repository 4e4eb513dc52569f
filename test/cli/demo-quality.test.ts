// The demo's delivery quality: `/aispend quality` and the digest's quality line show real percentages for
// AI-assisted work and the rest, and every count is the one the scenario generated, counted by hand
// (demo-quality-count.ts) from what it sent: what was made with an AI tool, reverted, reopened, re-run,
// approved by someone else, and which commits touched tests.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_TIMEZONE, runDemo } from '../../src/cli/demo.js';
import { buildDelivery } from '../../src/cli/demo/delivery.js';
import type { DemoDelivery } from '../../src/cli/demo/delivery-model.js';
import { buildScenario } from '../../src/cli/demo/scenario.js';
import { digestWeeks } from '../../src/digest/digest.js';
import { weekPeriods } from '../../src/domain/periods.js';
import { startTestApp, TEST_ADMIN, type TestApp } from '../helpers/test-app.js';
import { blockText } from '../queries/summary-seed.js';
import { countQuality, type GroupCounts, type HandCounts, type Pair } from './demo-quality-count.js';

// a Friday evening: the last 7 days hold five whole working days
const NOW = Date.parse('2026-11-27T18:00:00Z');
const dir = mkdtempSync(join(tmpdir(), 'aispend-demo-quality-'));
const dbPath = join(dir, 'demo.db');
let delivery: DemoDelivery;
let t: TestApp;

beforeAll(async () => {
  await runDemo({ outDir: join(dir, 'out'), dbPath, log: () => undefined, now: NOW });
  const { weeks } = digestWeeks(NOW, DEMO_TIMEZONE);
  delivery = buildDelivery(buildScenario({ now: NOW, tz: DEMO_TIMEZONE, firstDay: weeks[0]!.from }), { now: NOW, tz: DEMO_TIMEZONE });
  t = await startTestApp({ dbPath, now: NOW + 60_000, env: { AISPEND_TIMEZONE: DEMO_TIMEZONE } });
}, 120_000);
afterAll(async () => {
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

const FIGURES = ['reverted', 'reopened', 'ciFirstPass', 'reviewed', 'testsTouched'] as const;
const pct = (p: Pair) => `${Math.round((100 * p.count) / p.of)}%`;

/** what the one-line figure shows for a group with enough items: "13% (9/68)" */
const short = (p: Pair) => `${pct(p)} (${p.count}/${p.of})`;
/** what `/aispend quality` shows: "13% (9 of 68 commits)" */
const long = (p: Pair, unit: string) => `${pct(p)} (${p.count} of ${p.of} ${unit})`;

function expectEnough(c: HandCounts): void {
  for (const g of [c.ai, c.rest]) for (const f of FIGURES) expect(g[f].of, f).toBeGreaterThanOrEqual(10);
}

/** the digest's quality line, rebuilt from the hand counts */
function lineOf(c: HandCounts): string {
  const pair = (label: string, f: keyof GroupCounts) => `${label} ${short(c.ai[f])} vs ${short(c.rest[f])}`;
  return [
    pair('reverted in 14 d', 'reverted'),
    pair('reopened in 14 d', 'reopened'),
    pair('CI first pass', 'ciFirstPass'),
    pair('reviewed', 'reviewed'),
    pair('tests touched', 'testsTouched'),
  ].join(' · ');
}

describe("the demo's delivery quality", () => {
  it('over its weeks, AI-assisted work is reverted and reopened more often, passes CI first time less often, and touches tests more', () => {
    const c = countQuality(delivery, null, 0, NOW + 1);
    const rate = (p: Pair) => p.count / p.of;
    expect(rate(c.ai.reverted)).toBeGreaterThan(rate(c.rest.reverted));
    expect(rate(c.ai.reopened)).toBeGreaterThan(rate(c.rest.reopened));
    expect(rate(c.ai.ciFirstPass)).toBeLessThan(rate(c.rest.ciFirstPass));
    expect(rate(c.ai.testsTouched)).toBeGreaterThan(rate(c.rest.testsTouched));
    expect(c.rework.sessions).toBeGreaterThan(0);
  });

  it("the digests' quality lines (Platform's and the whole org's) show the generated figures as percentages", () => {
    const { week } = digestWeeks(NOW, DEMO_TIMEZONE);
    for (const [file, team] of [['platform', 'Platform'], ['org', null]] as const) {
      const c = countQuality(delivery, team, week.startMs, week.endMs);
      expectEnough(c);
      const text = readFileSync(join(dir, 'out', `${file}.txt`), 'utf8');
      const line = /^Quality: +(.*)$/m.exec(text)?.[1];
      expect(line, file).toBeDefined();
      expect(line).toContain(`AI-assisted vs the rest: ${lineOf(c)} · rework $`);
      expect(line).not.toContain('not enough data');
    }
  });

  it('/aispend quality platform (the last 7 days) shows every figure with the counts the scenario generated', async () => {
    const { current } = weekPeriods(NOW + 60_000, DEMO_TIMEZONE);
    const c = countQuality(delivery, 'Platform', current.startMs, current.endMs);
    expectEnough(c);
    const text = blockText(await t.command('quality platform', { user: TEST_ADMIN }));
    const figure = (title: string, f: keyof GroupCounts, unit: string) =>
      `*${title}*\nAI-assisted: ${long(c.ai[f], unit)}\nThe rest: ${long(c.rest[f], unit)}`;
    expect(text).toContain(figure('Reverted within 14 days', 'reverted', 'commits'));
    expect(text).toContain(figure('Reopened within 14 days', 'reopened', 'stories'));
    expect(text).toContain(figure('CI passed on the first run', 'ciFirstPass', 'PRs'));
    expect(text).toContain(figure('Approved by someone else', 'reviewed', 'PRs'));
    expect(text).toContain(figure('Touched tests', 'testsTouched', 'PRs'));
    const s = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
    expect(text).toMatch(
      new RegExp(`\\*Rework spend\\*\\n\\$[\\d.,]+ \\(\\d+% of spend\\) in ${s(c.rework.sessions, 'session', 'sessions')} on ${s(c.rework.stories, 'story', 'stories')} already done`),
    );
    expect(text).not.toContain('(not enough data)');
    expect(text).not.toContain('Nothing received yet');
  });

  it('/aispend quality org: the whole org, AI-assisted beside the rest', async () => {
    const { current } = weekPeriods(NOW + 60_000, DEMO_TIMEZONE);
    const c = countQuality(delivery, null, current.startMs, current.endMs);
    expectEnough(c);
    const text = blockText(await t.command('quality org', { user: TEST_ADMIN }));
    expect(text).toContain(`*Reverted within 14 days*\nAI-assisted: ${long(c.ai.reverted, 'commits')}\nThe rest: ${long(c.rest.reverted, 'commits')}`);
    expect(text).toContain(`*Reopened within 14 days*\nAI-assisted: ${long(c.ai.reopened, 'stories')}\nThe rest: ${long(c.rest.reopened, 'stories')}`);
    expect(text).toContain(`*CI passed on the first run*\nAI-assisted: ${long(c.ai.ciFirstPass, 'PRs')}\nThe rest: ${long(c.rest.ciFirstPass, 'PRs')}`);
  });
});
