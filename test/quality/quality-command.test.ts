// `/aispend quality` words and permissions: one team and one period in any order, the whole org for
// admins only, another team's figures for its approvers and admins, and kind refusals.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orgRepo } from '../../src/db/repos/org-repo.js';
import { parseQualityArgs } from '../../src/quality/quality-command.js';
import { startTestApp, TEST_ADMIN, type TestApp } from '../helpers/test-app.js';
import { blockText } from '../queries/summary-seed.js';
import { seedPerson, seedTeam } from '../ingest/delivery/seed.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ now: Date.parse('2026-11-30T10:00:00Z') });
  const platform = seedTeam(t.db, 'Platform');
  seedTeam(t.db, 'Payments');
  seedPerson(t.db, 'ada@acme.com', platform);
  orgRepo(t.db).linkSlackToEmail('U0ADA', 'ada@acme.com', 0);
});
afterAll(async () => {
  await t.close();
});

describe('parseQualityArgs', () => {
  it('takes one team and one period in any order, team:<name> for a team named like a period', () => {
    expect(parseQualityArgs([])).toEqual({ team: undefined, kind: 'week', extra: [] });
    expect(parseQualityArgs(['MONTH', 'Platform'])).toEqual({ team: 'Platform', kind: 'month', extra: [] });
    expect(parseQualityArgs(['mtd'])).toEqual({ team: undefined, kind: 'month', extra: [] });
    expect(parseQualityArgs(['team:week', 'week'])).toEqual({ team: 'week', kind: 'week', extra: [] });
    expect(parseQualityArgs(['a', 'b', 'week', 'month'])).toEqual({ team: 'a', kind: 'week', extra: ['b', 'month'] });
    expect(() => parseQualityArgs(['sprint'])).toThrow('Quality covers a week or a month');
  });
});

describe('/aispend quality answers', () => {
  it("shows the caller's team, says what to connect when nothing was recorded, and is listed in help", async () => {
    const body = await t.command('quality', { user: 'U0ADA' });
    expect(body.response_type).toBe('ephemeral');
    const text = blockText(body);
    expect(text).toContain('Quality · Platform · last 7 days');
    expect(text).toContain('No commits, merged pull requests or delivered stories recorded for Platform in Nov 24 – Nov 30.');
    expect(text).toContain('*Workflow runs*, *Check suites* and *Pull request reviews*');
    expect(blockText(await t.command('help', { user: 'U0ADA' }))).toContain('/aispend quality [team] [week|month]');
    expect(blockText(await t.command('help quality', { user: 'U0ADA' }))).toContain('/aispend quality platform week');
  });

  it('refuses another team, the org and extra words to members, kindly', async () => {
    expect(blockText(await t.command('quality payments', { user: 'U0ADA' }))).toContain("You can see your own team's figures");
    expect(blockText(await t.command('quality org', { user: 'U0ADA' }))).toContain('The whole-org view is for aispend admins');
    expect(blockText(await t.command('quality platform month week', { user: 'U0ADA' }))).toContain('I can take one team and one period');
    expect(blockText(await t.command('quality mnth', { user: 'U0ADA' }))).toContain('Did you mean `month`?');
    expect(blockText(await t.command('quality sprint', { user: 'U0ADA' }))).toContain('Quality covers a week or a month');
  });

  it('gives admins any team and the whole org', async () => {
    expect(blockText(await t.command('quality payments month', { user: TEST_ADMIN }))).toContain('Quality · Payments · November to date');
    expect(blockText(await t.command('quality org', { user: TEST_ADMIN }))).toContain('Quality · Whole org · last 7 days');
  });
});
