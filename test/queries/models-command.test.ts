import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, TEST_ADMIN, type TestApp } from '../helpers/test-app.js';
import { orgRepo } from '../../src/db/repos/org-repo.js';
import { blockText, NOW, rollup, seedOrg, type SeededOrg } from './summary-seed.js';

let t: TestApp;
let org: SeededOrg;
beforeAll(async () => {
  t = await startTestApp({ now: NOW });
  org = seedOrg(t.db);
  // a model the price library does not know: stored at $0 with its tokens
  rollup(t.db, { day: '2026-11-19', teamId: org.platform, provider: 'custom', model: 'mystery-1', cost: 0, requests: 5, input: 1000, output: 500 });
  // outside the 30 days: not in the mix
  rollup(t.db, { day: '2026-10-24', teamId: org.platform, model: 'claude-3-opus', cost: 7, requests: 1 });
});
afterAll(async () => {
  await t.close();
});

describe('/aispend models end to end', () => {
  it('shows the 30-day model mix with shares, requests, tokens, fit savings and unpriced models', async () => {
    const body = await t.command('models', { user: 'U0ANA' });
    expect(body.response_type).toBe('ephemeral');
    const text = blockText(body);
    expect(text).toContain('platform · models, last 30 days');
    expect(text).toContain(
      '*$890* across 4 models · 403 requests — ▲ 732% vs $107 the 30 days before\n6 stories delivered · *$148 per story*',
    );
    expect(text).toContain(
      '*claude-opus-4-1* (anthropic) — $740 · 83% · 148 requests · 6k tokens\n' +
        '*claude-sonnet-4-5* (anthropic) — $100 · 11% · 200 requests\n' +
        '*gpt-4o* (openai) — $50.00 · 6% · 50 requests\n' +
        '*mystery-1* (custom) — unpriced · 0% · 5 requests · 1.5k tokens',
    );
    expect(text).toContain(
      '*Model fit:* 20 small-output calls went to top-tier models and cost $40.00. ' +
        "On the provider's cheaper model (Sonnet for Opus, -mini for GPT) they would have cost $8.00: " +
        'routing them would have saved *$32.00* (4% of spend).\n' +
        '• claude-opus-4-1 → claude-sonnet-4-0: 20 calls, $32.00 to save',
    );
    expect(text).toContain(':warning: No price known for `mystery-1`');
    expect(text).toContain('Oct 25 – Nov 23 (today included) vs Sep 25 – Oct 24');
    expect(text).not.toContain('claude-3-opus');
    expect(body.text).toBe('platform, last 30 days: $890 across 4 models (top: claude-opus-4-1 83%); cheaper routing would have saved $32.00');
  });

  it("refuses another team's models to a member; an admin may see them", async () => {
    const refused = await t.command('models data', { user: 'U0ANA' });
    expect(refused.text).toContain("data's details need admin or approver rights for data");
    const admin = await t.command('models DATA', { user: TEST_ADMIN });
    expect(blockText(admin)).toContain('*claude-sonnet-4-5* (anthropic) — $999 · 100% · 10 requests');
    expect(blockText(admin)).toContain('no small-output calls went to top-tier models');
  });

  it('says plainly when a team has no usage, and what to connect', async () => {
    orgRepo(t.db).createTeam('quiet', 'C0QUIET', NOW);
    const body = await t.command('models quiet', { user: TEST_ADMIN });
    expect(blockText(body)).toContain('No AI usage recorded for quiet in the last 30 days.\nTo see spend, connect Claude Code telemetry');
  });

  it('explains bad arguments with an example', async () => {
    const body = await t.command('models platform data', { user: 'U0ANA' });
    expect(body.text).toBe('`models` takes at most one team, but got `platform data`. Example: `/aispend models platform`');
  });
});
