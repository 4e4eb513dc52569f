import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, TEST_ADMIN, type TestApp } from '../helpers/test-app.js';
import { orgRepo } from '../../src/db/repos/org-repo.js';
import { blockText, NOW, seedOrg, type SeededOrg } from './summary-seed.js';

let t: TestApp;
let org: SeededOrg;
beforeAll(async () => {
  t = await startTestApp({ now: NOW });
  org = seedOrg(t.db);
});
afterAll(async () => {
  await t.close();
});

describe('/aispend summary end to end', () => {
  it("defaults to the caller's team and the last 7 days, key number first, with exact figures", async () => {
    const body = await t.command('summary', { user: 'U0ANA' });
    expect(body.response_type).toBe('ephemeral');
    const blocks = body.blocks as Array<Record<string, unknown>>;
    expect(blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'platform · last 7 days', emoji: true } });
    const text = blockText(body);
    expect((blocks[1]!.text as { text: string }).text).toBe(
      '*$450* spent on AI — ▲ 25% vs $360 the 7 days before\n' +
        '*3 stories* delivered (8 points) · *$150 per story* (▼ 17% vs $180)',
    );
    expect(text).toContain('*Cost per point*\n$56.25 (1 without points)');
    expect(text).toContain('*AI-assisted*\n2 of 3 stories (67%)');
    expect(text).toContain('*Waste*\n$75.00 (17% of spend): 1 ended without a commit, 1 raised a loop alert');
    expect(text).toContain('*Model fit*\n20 small-output calls on top-tier models cost $40.00; the cheaper model would have saved *$32.00*');
    expect(text).toContain('*Cost per story, last 8 weeks* `▂····▁█▆` $100 → $150');
    expect(text).toContain('Nov 10: $180 (2) · Nov 17: $150 (3)');
    expect(text).toContain('*Top models*: claude-opus-4-1 $300 (67%) · claude-sonnet-4-5 $100 (22%) · gpt-4o $50.00 (11%)');
    expect(text).toContain('Nov 17 – Nov 23 (today included) vs Nov 10 – Nov 16 · days in UTC');
    expect(body.text).toBe('platform, last 7 days: $450 spent (▲ 25%), 3 stories delivered, $150 per story');
    // never another team's money
    expect(text).not.toContain('999');
  });

  it('takes the team and the period in any order and any case: month to date vs the same days of last month', async () => {
    // `MONTH` is not a subcommand: the words belong after `summary`
    const body = await t.command('MONTH Platform', { user: 'U0ANA' });
    expect(body.text).toBe('Unknown subcommand MONTH. Did you mean /aispend summary month?');
    const month = await t.command('summary MONTH Platform', { user: 'U0ANA' });
    const text = blockText(month);
    expect(text).toContain('platform · November to date');
    expect(text).toContain('*$890* spent on AI — ▲ 790% vs $100 the same days of October');
    expect(text).toContain('*6 stories* delivered (13 points) · *$148 per story* (▲ 48% vs $100)');
    expect(text).toContain('Nov 1 – Nov 23 (today included) vs Oct 1 – Oct 23');
  });

  it('sprint: the running sprint against the same days of the sprint before', async () => {
    const body = await t.command('summary sprint', { user: 'U0BO' });
    const text = blockText(body);
    expect(text).toContain('platform · Sprint 14 (in progress)');
    expect(text).toContain('*$450* spent on AI — ▲ 463% vs $80.00 the same days of Sprint 13');
    expect(text).toContain('*3 stories* delivered (8 points) · *$150 per story* (▲ 88% vs $80.00)');
    expect(text).toContain('Nov 16 – Nov 23 (today included) vs Nov 2 – Nov 9');
  });

  it('a team without sprints is told where sprints come from', async () => {
    const body = await t.command('summary data sprint', { user: TEST_ADMIN });
    const text = blockText(body);
    expect(text).toContain('No sprint or cycle of data has started yet');
    expect(text).toContain('/aispend admin map project &lt;key&gt; data');
  });

  it("refuses a member asking for another team's figures, and shows none of them", async () => {
    const body = await t.command('summary data', { user: 'U0ANA' });
    expect(body.text).toContain("You can see your own team's figures; data's details need admin or approver rights for data.");
    expect(JSON.stringify(body)).not.toContain('999');
  });

  it("lets an approver of a team and an admin see it", async () => {
    const lead = await t.command('summary platform', { user: 'U0LEAD' });
    expect(blockText(lead)).toContain('*$450* spent on AI');
    const admin = await t.command('summary data', { user: TEST_ADMIN });
    expect(blockText(admin)).toContain('*$999* spent on AI — no figure for the 7 days before to compare with');
    expect(blockText(admin)).toContain('*No delivered stories* — no delivery data is linked to data yet. To count delivered stories, connect');
  });

  it('the whole org is for admins only', async () => {
    const admin = await t.command('summary org', { user: TEST_ADMIN });
    expect(blockText(admin)).toContain('Whole org · last 7 days');
    expect(blockText(admin)).toContain('*$1,449* spent on AI — ▲ 303% vs $360 the 7 days before');
    expect(blockText(admin)).toContain('*Waste*\n$75.00 (5% of spend): 1 ended without a commit, 1 raised a loop alert');
    // an admin on no team gets the whole org by default
    const byDefault = await t.command('models', { user: TEST_ADMIN });
    expect(blockText(byDefault)).toContain('Whole org · models, last 30 days');
    const member = await t.command('summary org', { user: 'U0ANA' });
    expect(member.text).toBe('The whole-org view is for aispend admins. You can see your own team: leave the team out.');
  });

  it('suggests the period for a typo, and explains bad arguments with an example', async () => {
    const typo = await t.command('summary weeek', { user: 'U0ANA' });
    expect(typo.text).toBe('`weeek` is not a team or a period. Did you mean `week`? Example: `/aispend summary platform month`');
    const extra = await t.command('summary platform data month', { user: 'U0ANA' });
    expect(extra.text).toContain('I can take one team and one period, but got `platform data month`.');
    expect(extra.text).toContain('Example: `/aispend summary platform month`');
    const unknown = await t.command('summary marketing', { user: 'U0ANA' });
    expect(unknown.text).toBe('There is no team called "marketing". Teams: data, platform.');
  });

  it('someone on no team is told how to name one or get added', async () => {
    const body = await t.command('summary', { user: 'U0STRANGER' });
    expect(body.text).toContain("You're not on a team yet");
    expect(body.text).toContain('/aispend summary platform');
  });

  it('a team with nothing recorded says so plainly, with what to connect', async () => {
    orgRepo(t.db).createTeam('empty', 'C0EMPTY', NOW);
    const body = await t.command('summary empty', { user: TEST_ADMIN });
    const text = blockText(body);
    expect(text).toContain('No AI spend or delivered stories recorded for empty in Nov 17 – Nov 23 or Nov 10 – Nov 16 yet.');
    expect(text).toContain('Claude Code telemetry');
    expect(text).toContain('provider admin API keys');
    expect(text).toContain('GitHub, Jira or Linear webhooks');
  });
});

describe('did you mean, end to end', () => {
  it('a typo of a subcommand gets the help and a suggestion', async () => {
    const body = await t.command('summry platform', { user: 'U0ANA' });
    expect(body.text).toBe('Unknown subcommand summry. Did you mean /aispend summary?');
    expect(blockText(body)).toContain("I don't know `summry`. Did you mean `/aispend summary`?");
  });

  it('a team name alone suggests its summary', async () => {
    const body = await t.command('platform', { user: 'U0ANA' });
    expect(body.text).toBe('Unknown subcommand platform. Did you mean /aispend summary platform?');
  });

  it('help <subcommand> shows its usage and examples; an unknown topic gets a suggestion', async () => {
    const body = await t.command('help summary', { user: 'U0ANA' });
    const text = blockText(body);
    expect(text).toContain('`/aispend summary [team] [week|month|sprint]`');
    expect(text).toContain('`/aispend summary platform sprint`');
    const typo = await t.command('help modles', { user: 'U0ANA' });
    expect(typo.text).toBe('Unknown subcommand modles. Did you mean /aispend help models?');
  });
});

describe('internal errors', () => {
  it('answers a short apology with a reference, and logs the detail', async () => {
    expect(org.platform).not.toBe(org.data);
    t.db.exec('ALTER TABLE sprints RENAME TO sprints_away');
    try {
      const body = await t.command('summary sprint', { user: 'U0ANA' });
      expect(body.text).toMatch(/^Sorry, something went wrong answering that \(ref [0-9a-f]{8}\)\. It has been logged\.$/);
      const ref = /ref ([0-9a-f]{8})/.exec(String(body.text))![1]!;
      expect(t.logs.some((l) => l.includes('subcommand failed') && l.includes(ref) && l.includes('sprints'))).toBe(true);
    } finally {
      t.db.exec('ALTER TABLE sprints_away RENAME TO sprints');
    }
  });
});
