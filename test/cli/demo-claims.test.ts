// Every claim README.md makes about the demo holds, whatever day it runs: the demo is run on the 1st
// of a month, in February, and on the last evening of a month whose last week has a clock change
// (Europe/Berlin, 28 Mar 2027), and each line of the README's claims block is checked against what it
// printed and wrote. A claim added to the README without a check here fails this test.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo } from '../../src/cli/demo.js';
import { REPO } from '../helpers/run-node.js';

interface Run {
  lines: string[];
  text: (team: string) => string;
}

const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
const block = readme.slice(readme.indexOf('<!-- demo-claims'), readme.indexOf('<!-- /demo-claims -->'));
const claims = block
  .split('\n')
  .filter((l) => l.startsWith('- '))
  .map((l) => l.slice(2));

/** "forecast $804 by month end (115% of budget)" → 115 */
function forecastPct(text: string): number {
  const m = /forecast \$[\d,.]+ by month end \((\d+)% of budget\)/.exec(text);
  if (!m) throw new Error(`no budget forecast in: ${text.split('\n').find((l) => l.startsWith('Budget:'))}`);
  return Number(m[1]);
}

const CHECKS: Record<string, (r: Run) => void> = {
  'four teams, Platform, Mobile, Data and Growth, with 8 weeks of activity; all but Growth have a monthly budget;': (r) => {
    expect(r.lines.filter((l) => l.startsWith('  AI spend digest for ')).map((l) => /for (.+?), week/.exec(l)![1])).toEqual([
      'Data',
      'Growth',
      'Mobile',
      'Platform',
      'Whole org (all teams)',
    ]);
    expect(r.lines[1]).toMatch(/^Sent (5[6-9]|6\d) days of activity through the ingest routes/);
    expect(r.text('org')).toContain("(sum of 3 of 4 teams' budgets)");
    expect(r.text('growth')).toContain('no budget set');
  },
  'Platform is forecast to end the month over its $700 budget, and its digest says so;': (r) => {
    expect(r.text('platform')).toMatch(/of \$700 budget/);
    expect(forecastPct(r.text('platform'))).toBeGreaterThan(100);
    expect(r.text('platform')).toMatch(/— (on course to exceed the budget|over budget)\n/);
  },
  'Data runs close to its $150 budget: its forecast is at least 90% of it;': (r) => {
    expect(r.text('data')).toMatch(/of \$150 budget/);
    expect(forecastPct(r.text('data'))).toBeGreaterThanOrEqual(90);
  },
  'Mobile stays well inside its $400 budget;': (r) => {
    expect(r.text('mobile')).toMatch(/of \$400 budget/);
    expect(forecastPct(r.text('mobile'))).toBeLessThan(60);
  },
  'Growth has no delivery data connected, and its digest says what to connect instead of a cost per story;': (r) => {
    expect(r.text('growth')).toMatch(/^Delivered: +no delivery data connected yet \(GitHub, Jira, Linear or the generic delivery route\)$/m);
    expect(r.text('growth')).toMatch(/^Cost per story: cost per story needs delivery data$/m);
  },
  "one of Platform's sessions burned money for 2.5 hours without a commit: it raises a loop alert, and Platform's digest counts it as waste;": (r) => {
    expect(r.lines).toContainEqual(expect.stringMatching(/^Loop alerts raised: [1-9]\d* \(a session by grace@acme\.example burned money for 2\.5 h without a commit\)\.$/));
    expect(r.text('platform')).toMatch(/^Waste: .*\$[\d.,]+ in 1 session that raised loop alerts/m);
  },
  'Platform sends small calls to Opus, and its digest says what Sonnet would have saved;': (r) => {
    expect(r.text('platform')).toMatch(/claude-opus-[\w-]+: routing these \d+ small-output calls \(\$[\d.,]+\) to claude-sonnet-4-0 would have saved \$[\d.,]+/);
  },
  "Platform's digest puts its AI-assisted work beside the rest, in percentages: reverted and reopened within 14 days, CI passed first time, approved by someone else, tests touched;": (r) => {
    const line = /^Quality: +(.*)$/m.exec(r.text('platform'))?.[1] ?? '';
    const both = (label: string) => new RegExp(`${label} \\d+% \\(\\d+/\\d+\\) vs \\d+% \\(\\d+/\\d+\\)`);
    expect(line).toMatch(/^AI-assisted vs the rest: /);
    for (const label of ['reverted in 14 d', 'reopened in 14 d', 'CI first pass', 'reviewed', 'tests touched']) expect(line).toMatch(both(label));
    expect(line).not.toContain('not enough data');
  },
  'the org digest shows the spend that no team is attributed to.': (r) => {
    expect(r.text('org')).toMatch(/^Unattributed: +\$[\d.,]+ \(\d+%\) is not attributed to any team/m);
  },
};

// the 1st of a month early in the morning; mid-February; the last evening of March 2027
const DATES = ['2026-12-01T07:00:00Z', '2027-02-10T12:00:00Z', '2027-03-31T20:00:00Z'];
const runs = new Map<string, Run>();
const dir = mkdtempSync(join(tmpdir(), 'aispend-demo-claims-'));

beforeAll(async () => {
  for (const at of DATES) {
    const lines: string[] = [];
    const out = join(dir, at.slice(0, 10));
    await runDemo({ outDir: out, log: (l) => lines.push(l), now: Date.parse(at) });
    runs.set(at, { lines, text: (team) => readFileSync(join(out, `${team}.txt`), 'utf8') });
  }
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("README's claims about the demo", () => {
  it('are exactly the claims checked here', () => {
    expect(claims.length).toBeGreaterThan(5);
    expect(claims).toEqual(Object.keys(CHECKS));
  });

  for (const at of DATES) {
    it(`hold for a demo run at ${at}`, () => {
      const run = runs.get(at)!;
      for (const claim of claims) CHECKS[claim]!(run);
    });
  }
});
