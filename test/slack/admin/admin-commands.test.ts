import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, TEST_ADMIN, type TestApp } from '../../helpers/test-app.js';
import { orgRepo } from '../../../src/db/repos/org-repo.js';
import { blockText, NOW } from '../../queries/summary-seed.js';

let t: TestApp;
const admin = (text: string) => t.command(`admin ${text}`, { user: TEST_ADMIN });
const audit = () =>
  t.db.prepare('SELECT actor, action, team_id AS teamId, subject, details FROM audit_log ORDER BY id').all() as Array<{
    actor: string;
    action: string;
    teamId: number | null;
    subject: string | null;
    details: string | null;
  }>;
const counts = () =>
  t.db
    .prepare(
      `SELECT (SELECT COUNT(*) FROM teams) AS teams, (SELECT COUNT(*) FROM people) AS people,
        (SELECT COUNT(*) FROM team_approvers) AS approvers, (SELECT COUNT(*) FROM team_mappings) AS mappings,
        (SELECT COUNT(*) FROM audit_log) AS audit`,
    )
    .get() as Record<string, number>;

beforeAll(async () => {
  t = await startTestApp({ now: NOW });
  t.slack.addUser({ id: 'U0ANA', name: 'Ana Lima', email: 'Ana@Example.com' });
  t.slack.addUser({ id: 'U0BO', name: 'Bo' }); // Slack shares no email for Bo
  t.slack.addUser({ id: 'U0DEE', name: 'Dee', email: 'dee@example.com' });
});
afterAll(async () => {
  await t.close();
});

describe('admin permission', () => {
  it('refuses every admin word to a non-admin and changes nothing', async () => {
    const before = counts();
    for (const text of [
      'team create platform <#C0PLAT|platform-eng>',
      'team add platform <@U0ANA|ana>',
      'team approvers platform <@U0ANA>',
      'link <@U0ANA> ana@example.com',
      'map workspace wrk_1 platform',
      'plan ana@example.com subscription',
      'reconcile anthropic week',
      'unpriced',
    ]) {
      const body = await t.command(`admin ${text}`, { user: 'U0ANA' });
      expect(body.text).toBe('Only aispend admins can run admin commands (AISPEND_ADMINS). Nothing was changed.');
    }
    expect(counts()).toEqual(before);
  });

  it('suggests the admin word for a typo', async () => {
    const body = await admin('tem create x');
    expect(body.text).toContain("I don't know `admin tem`. Did you mean `admin team`?");
  });
});

describe('admin team', () => {
  it('creates a team with its channel, recorded in the audit log', async () => {
    const body = await admin('team create platform <#C0PLAT|platform-eng>');
    expect(body.text).toBe('Created team platform: its digests and loop alerts post in <#C0PLAT>.');
    expect(blockText(body)).toContain('`/aispend admin team add platform @ana bo@example.com`');
    const team = orgRepo(t.db).teamByName('platform')!;
    expect(team.channel_id).toBe('C0PLAT');
    expect(audit().at(-1)).toEqual({
      actor: TEST_ADMIN,
      action: 'team.create',
      teamId: team.id,
      subject: 'team',
      details: JSON.stringify({ name: 'platform', channel: 'C0PLAT' }),
    });
    await admin('team create data <#C0DATA>');
    expect(orgRepo(t.db).teams().map((x) => x.name)).toEqual(['data', 'platform']);
  });

  it('refuses a duplicate name (any case), bad names, reserved words and missing channels; nothing changes', async () => {
    const before = counts();
    const dup = await admin('team create PLATFORM <#C0OTHER|x>');
    expect(dup.text).toBe(
      'A team called *platform* already exists (digests in <#C0PLAT>). To move its digests: `/aispend admin team channel platform #channel`. ' +
        'Nothing was changed. Example: `/aispend admin team create platform #platform-eng`',
    );
    const bad = await admin('team create plat.form <#C0X>');
    expect(bad.text).toContain("`plat.form` can't be a team name: use letters, digits, - and _ (up to 40 characters).");
    const long = await admin(`team create ${'x'.repeat(41)} <#C0X>`);
    expect(long.text).toContain("can't be a team name");
    const reserved = await admin('team create Week <#C0X>');
    expect(reserved.text).toContain('`Week` is a word /aispend already uses');
    const noChannel = await admin('team create web');
    expect(noChannel.text).toBe(
      'Give web a channel: its weekly digest and loop alerts post there. Nothing was changed. Example: `/aispend admin team create platform #platform-eng`',
    );
    const plain = await admin('team create web #web-team');
    expect(plain.text).toContain('`#web-team` is not a channel. `#web-team` arrived as plain text');
    expect(counts()).toEqual(before);
  });

  it('adds people by mention (email from Slack) and by email; reports who was moved and who was already there', async () => {
    // Dee starts on data
    await admin('team add data <@U0DEE|dee>');
    const body = await admin('team add platform <@U0ANA|ana> <mailto:cy@example.com|cy@example.com> <@U0BO> <@U0DEE>');
    expect(body.text).toBe('Added 4 people to platform.');
    const text = blockText(body);
    expect(text).toContain('Added: <@U0ANA> (ana@example.com), cy@example.com, <@U0BO>');
    expect(text).toContain('Moved from *data*: <@U0DEE> (dee@example.com)');
    expect(text).toContain("Slack shared no email for <@U0BO>: usage reported by email won't be theirs until you run `/aispend admin link @user &lt;email&gt;`.");
    const org = orgRepo(t.db);
    const platform = org.teamByName('platform')!;
    const members = org.teamMembers(platform.id).map((p) => [p.name, p.email, p.slack_user_id]);
    expect(members.sort((a, b) => String(a[2] ?? a[1]).localeCompare(String(b[2] ?? b[1])))).toEqual([
      [null, 'cy@example.com', null],
      ['Ana Lima', 'ana@example.com', 'U0ANA'],
      ['Bo', null, 'U0BO'],
      ['Dee', 'dee@example.com', 'U0DEE'],
    ]);
    const again = await admin('team add platform ana@example.com');
    expect(again.text).toBe('Nobody changed: everyone named is already on platform.');
    const rows = audit().filter((a) => a.action === 'team.add');
    expect(rows).toHaveLength(3);
    expect(JSON.parse(rows[1]!.details!).moved).toEqual([{ person: org.personBySlack('U0DEE')!.id, from: 'data' }]);
  });

  it('refuses a word that is neither a user nor an email, adding nobody', async () => {
    const before = counts();
    const body = await admin('team add platform <@U0NEW1> not-an-email @eve');
    expect(body.text).toBe(
      '`not-an-email`, `@eve` are neither a Slack user nor an email. Nothing was changed. Example: `/aispend admin team add platform @ana bo@example.com`',
    );
    const unknown = await admin('team add marketing <@U0ANA>');
    expect(unknown.text).toContain('There is no team called `marketing`. Teams: data, platform.');
    expect(counts()).toEqual(before);
  });

  it('replaces the approvers, and `none` clears them', async () => {
    const body = await admin('team approvers platform <@U0LEAD|lead> <@U0CTO> <@U0LEAD>');
    expect(body.text).toBe('Approvers of platform are now <@U0LEAD>, <@U0CTO>.');
    const org = orgRepo(t.db);
    const platform = org.teamByName('platform')!;
    expect(org.approvers(platform.id)).toEqual(['U0CTO', 'U0LEAD']);
    const replaced = await admin('team approvers platform <@U0CTO>');
    expect(blockText(replaced)).toContain('Before: <@U0CTO>, <@U0LEAD>.');
    expect(org.approvers(platform.id)).toEqual(['U0CTO']);
    const bad = await admin('team approvers platform lead@example.com');
    expect(bad.text).toContain('Approvers are Slack users: `lead@example.com` is not.');
    expect(org.approvers(platform.id)).toEqual(['U0CTO']);
    await admin('team approvers platform none');
    expect(org.approvers(platform.id)).toEqual([]);
    await admin('team approvers platform <@U0LEAD>');
    expect(audit().filter((a) => a.action === 'team.approvers').map((a) => JSON.parse(a.details!).after)).toEqual([
      ['U0LEAD', 'U0CTO'],
      ['U0CTO'],
      [],
      ['U0LEAD'],
    ]);
  });

  it('moves the digest channel and sets a separate channel for budget requests', async () => {
    const body = await admin('team channel platform <#C0NEWPLAT|plat>');
    expect(body.text).toBe('platform digests and loop alerts now post in <#C0NEWPLAT> (before: <#C0PLAT>).');
    const req = await admin('team approvals-channel platform <#C0BUDGETS|budgets>');
    expect(req.text).toBe('Budget requests of platform now go to <#C0BUDGETS> (before: <#C0NEWPLAT>).');
    const team = orgRepo(t.db).teamByName('platform')!;
    expect([team.channel_id, team.approvals_channel_id]).toEqual(['C0NEWPLAT', 'C0BUDGETS']);
    await admin('team approvals-channel platform none');
    expect(orgRepo(t.db).teamByName('platform')!.approvals_channel_id).toBeNull();
  });

  it('removes people from a team', async () => {
    const body = await admin('team remove platform cy@example.com <@U0NOBODY1>');
    expect(body.text).toBe('Removed cy@example.com from platform.');
    expect(blockText(body)).toContain('Not on the team: <@U0NOBODY1>');
    expect(orgRepo(t.db).personByEmail('cy@example.com')!.team_id).toBeNull();
  });

  it('lists teams with channels, members and approvers', async () => {
    const body = await admin('team list');
    const text = blockText(body);
    expect(text).toContain('*2 teams*');
    expect(text).toContain('• *data* — digests in <#C0DATA> · 0 members · no approvers · no budget');
    expect(text).toContain('• *platform* — digests in <#C0NEWPLAT> · 3 members · approvers <@U0LEAD> · no budget');
  });
});

describe('admin link', () => {
  it('links a Slack user to an email, folding a Slack-only record into the email one', async () => {
    const org = orgRepo(t.db);
    // usage arrived under bo's email before anyone linked him (the ingest creates people by email)
    org.ensurePersonByEmail('bo@example.com', NOW);
    const body = await admin('link <mailto:BO@example.com|BO@example.com> <@U0BO|bo>');
    expect(body.text).toBe('Linked <@U0BO> to bo@example.com: usage and delivery reported under that email are theirs.');
    const text = blockText(body);
    expect(text).toContain('Their Slack-only record was folded into the one that holds the email (and its history).');
    expect(text).toContain('Team: *platform*.');
    const bo = org.personBySlack('U0BO')!;
    expect(bo.email).toBe('bo@example.com');
    expect(bo.team_id).toBe(org.teamByName('platform')!.id);
    const row = audit().at(-1)!;
    expect(row.action).toBe('person.link');
    expect(JSON.parse(row.details!)).toMatchObject({ slack_user_id: 'U0BO', email: 'bo@example.com', merged: true });
  });

  it('explains bad arguments with an example', async () => {
    const before = counts();
    const missing = await admin('link <@U0BO>');
    expect(missing.text).toBe(
      'Give the email their AI usage is reported under (or a tracker identity such as `jira:<accountId>`). Nothing was changed. Example: `/aispend admin link @ana ana@example.com`',
    );
    const bad = await admin('link @bo bo@example.com');
    expect(bad.text).toContain('`@bo` is not what I expected: give one Slack user and one email. The mention arrived as plain text');
    expect(counts()).toEqual(before);
  });
});

describe('admin link to a tracker identity', () => {
  it('gives a Jira accountId seen without an email, and its stories, to the Slack user', async () => {
    const org = orgRepo(t.db);
    const placeholder = org.ensurePersonByIdentity('jira', '712020:abc', NOW, { name: 'Dee (Jira)' });
    t.db
      .prepare(
        `INSERT INTO stories (source, external_id, key, title, points, done, done_at, person_id, updated_at)
         VALUES ('jira', '90001', 'PROJ-9', 'A story', 3, 1, ?, ?, ?)`,
      )
      .run(NOW, placeholder.id, NOW);
    const body = await admin('link <@U0DEE|dee> jira:712020:abc');
    expect(body.text).toBe('Linked <@U0DEE> to jira:712020:abc: work recorded under it is theirs.');
    expect(blockText(body)).toContain('Stories, commits and pull requests already recorded under it moved to them.');
    const dee = org.personBySlack('U0DEE')!;
    expect(dee.email).toBe('dee@example.com');
    expect(org.personByIdentity('jira', '712020:abc')!.id).toBe(dee.id);
    expect(t.db.prepare("SELECT person_id FROM stories WHERE key = 'PROJ-9'").get()).toEqual({ person_id: dee.id });
    expect(JSON.parse(audit().at(-1)!.details!)).toMatchObject({ identity: 'jira:712020:abc', moved_from: placeholder.id });
  });
});

describe('admin map', () => {
  it('maps a workspace, a project and a key to teams, and says when a mapping moves', async () => {
    const body = await admin('map workspace wrkspc_01AbC platform');
    expect(body.text).toBe('Workspace `wrkspc_01AbC` now counts for platform.');
    const org = orgRepo(t.db);
    expect(org.mappedTeam('workspace', 'wrkspc_01AbC')).toBe(org.teamByName('platform')!.id);
    const moved = await admin('map Workspace wrkspc_01AbC data');
    expect(blockText(moved)).toContain('It counted for *platform* before.');
    expect(org.mappedTeam('workspace', 'wrkspc_01AbC')).toBe(org.teamByName('data')!.id);
    await admin('map project PLAT platform');
    await admin('map key apikey_01 data');
    const list = await admin('map');
    expect(blockText(list)).toContain(
      '*3 source mappings*\n• key `apikey_01` → *data*\n• project `PLAT` → *platform*\n• workspace `wrkspc_01AbC` → *data*',
    );
    expect(audit().filter((a) => a.action === 'mapping.set')).toHaveLength(4);
  });

  it('refuses a bad kind with a suggestion, a missing id and an unknown team', async () => {
    const before = counts();
    const kind = await admin('map workspcae w1 platform');
    expect(kind.text).toContain('`workspcae` is not a kind of source');
    expect(kind.text).toContain('Did you mean `workspace`?');
    const missing = await admin('map project PLAT');
    expect(missing.text).toBe(
      'Give the project id and then the team. Nothing was changed. Example: `/aispend admin map workspace wrkspc_01AbC platform`',
    );
    const team = await admin('map project WEB web');
    expect(team.text).toContain('There is no team called `web`. Teams: data, platform.');
    expect(counts()).toEqual(before);
  });
});

describe('admin plan and reconcile', () => {
  it('explain bad arguments with an example, changing nothing', async () => {
    const before = counts();
    const plan = await admin('plan ana@example.com');
    expect(plan.text).toContain('Name the people, then `subscription`');
    expect(plan.text).toContain('Nothing was changed. Example: `/aispend admin plan @ana bo@example.com subscription`');
    const nobody = await admin('plan subscription');
    expect(nobody.text).toContain('Name at least one person');
    const rec = await admin('reconcile anthropic fortnight');
    expect(rec.text).toContain('`fortnight` is neither a provider (anthropic, openai) nor a period (week, month).');
    expect(counts()).toEqual(before);
  });

  it('plan auto hands the decision back to the Analytics API; it is audited', async () => {
    const body = await admin('plan ana@example.com auto');
    expect(body.text).toBe('The Claude Code Analytics API decides the plan of <@U0ANA> (ana@example.com) from now on.');
    expect(audit().at(-1)).toMatchObject({ action: 'person.plan', actor: TEST_ADMIN });
  });

  it('reconcile with no bill and no telemetry says so for both providers', async () => {
    const body = blockText(await admin('reconcile month'));
    expect(body).toContain('Anthropic API: bill against telemetry');
    expect(body).toContain('OpenAI API: bill against telemetry');
    expect(body).toContain('No bill and no telemetry in this period.');
  });
});

describe('admin unpriced', () => {
  it('lists models stored without a price, most tokens first', async () => {
    const none = await admin('unpriced');
    expect(none.text).toBe('Every model seen so far has a price.');
    const insert = t.db.prepare(
      `INSERT INTO usage_records (idem_key, source, ts, day, provider, model, input_tokens, output_tokens, requests, cost_usd, cost_source)
       VALUES (?, 'generic', ?, ?, ?, ?, ?, ?, 1, 0, 'unpriced')`,
    );
    insert.run('u1', Date.parse('2026-11-01T10:00:00Z'), '2026-11-01', 'custom', 'mystery-1', 1000, 500);
    insert.run('u2', Date.parse('2026-11-20T10:00:00Z'), '2026-11-20', 'custom', 'mystery-1', 2000, 0);
    insert.run('u3', Date.parse('2026-11-21T10:00:00Z'), '2026-11-21', 'acme', 'acme-large', 100, 100);
    const body = await admin('unpriced');
    expect(body.text).toBe('2 models have no price');
    expect(blockText(body)).toContain(
      '• *mystery-1* (custom) — 2 records, 3.5k tokens, seen Nov 1, 2026 – Nov 20, 2026\n' +
        '• *acme-large* (acme) — 1 record, 200 tokens, seen Nov 21, 2026 – Nov 21, 2026',
    );
  });
});
