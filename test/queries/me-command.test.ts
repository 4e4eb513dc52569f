import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, TEST_INGEST_TOKEN, type TestApp } from '../helpers/test-app.js';
import { orgRepo } from '../../src/db/repos/org-repo.js';
import { blockText, NOW, seedOrg } from './summary-seed.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ now: NOW });
  seedOrg(t.db);
});
afterAll(async () => {
  await t.close();
});

describe('/aispend me end to end', () => {
  it("shows the caller's own week: spend, sessions, stories, cost per story, open loop alerts", async () => {
    const body = await t.command('me', { user: 'U0ANA' });
    expect(body.response_type).toBe('ephemeral');
    const text = blockText(body);
    expect(text).toContain('Your last 7 days');
    expect(text).toContain(
      '*$120* spent on AI — ▲ 100% vs $60.00 the 7 days before\n' +
        '*2 stories* delivered (8 points) · *$60.00 per story*\n' +
        '*3 agent sessions* (1 active) · $95.00 · 3 commits ($31.67 per commit)\n' +
        '$75.00 in sessions that produced nothing (1 ended without a commit, 1 raised a loop alert).',
    );
    expect(text).toContain('Models: claude-opus-4-1 $120 (100%)');
    expect(text).toContain(':rotating_light: *1 open loop alert* on your sessions');
    expect(text).toContain('session `s-loop` — No commit for 2 h while spending $40.00 ($45.00 so far, raised 1 h 00 min ago)');
    expect(body.text).toBe('Your last 7 days: $120 spent, 3 sessions, 2 stories delivered, $60.00 per story, 1 open loop alert');
    // only the caller's numbers: bo's spend on the same team is not here
    expect(text).not.toContain('$180');
  });

  it('a teammate sees their own figures, not the team total', async () => {
    const body = await t.command('me', { user: 'U0BO' });
    const text = blockText(body);
    expect(text).toContain('*$280* spent on AI — ▼ 7% vs $300 the 7 days before');
    expect(text).toContain('*1 story* delivered · *$280 per story*');
    expect(text).toContain('No agent sessions.');
    expect(text).toContain('No open loop alerts on your sessions.');
  });

  it('someone Slack gives an email for is matched on first use; with nothing linked yet, says what to connect', async () => {
    t.slack.addUser({ id: 'U0NEW', name: 'Neo', email: 'neo@example.com' });
    const body = await t.command('me', { user: 'U0NEW' });
    const text = blockText(body);
    expect(text).toContain('No AI usage, sessions or delivered stories are linked to you (neo@example.com) in Nov 17 – Nov 23 yet.');
    expect(text).toContain('Claude Code telemetry');
    expect(text).toContain("You're not on a team yet");
    expect(orgRepo(t.db).personBySlack('U0NEW')?.email).toBe('neo@example.com');
  });

  it('stories delivered without AI spend show no cost per story (not $0.00)', async () => {
    orgRepo(t.db).linkSlackToEmail('U0HAND', 'hand@example.com', NOW);
    const res = await fetch(`${t.url}/ingest/delivery`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_INGEST_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ events: [{ id: 'hand-1', type: 'story_done', timestamp: '2026-11-22T09:00:00Z', story_key: 'HAND-1', points: 3, user: 'hand@example.com' }] }),
    });
    expect(res.status).toBe(200);
    const body = await t.command('me', { user: 'U0HAND' });
    const text = blockText(body);
    expect(text).toContain('*1 story* delivered (3 points) · no AI spend on them');
    expect(text).not.toContain('per story');
    expect(body.text).toBe('Your last 7 days: $0.00 spent, 0 sessions, 1 story delivered');
  });

  it('someone aispend cannot match is told how to get linked', async () => {
    const body = await t.command('me', { user: 'U0GHOST' });
    expect(body.text).toBe("I don't know who you are yet: your Slack account isn't linked to the email your AI usage is reported under.");
    expect(blockText(body)).toContain('`/aispend admin link @you &lt;your work email&gt;`');
    expect(blockText(body)).toContain('your member ID is U0GHOST');
  });

  it('takes no arguments', async () => {
    const body = await t.command('me platform', { user: 'U0ANA' });
    expect(body.text).toBe('`me` takes no arguments: it always shows your own last 7 days. For a team, try `/aispend summary &lt;team&gt;`.');
  });
});
