import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { sendCommand } from '../helpers/slack-requests.js';
import { catalog } from '../../src/slack/catalog.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('/aispend help end to end', () => {
  it('answers /aispend alone with the usage of every subcommand, privately', async () => {
    const body = await t.command('');
    expect(body.response_type).toBe('ephemeral');
    // usage placeholders are escaped for Slack mrkdwn (&lt;amount&gt;)
    const text = JSON.stringify(body.blocks).replace(/&lt;/g, '<').replace(/&gt;/g, '>');
    for (const c of catalog) expect(text).toContain(`/aispend ${c.usage.split(' | ')[0]}`);
  });

  it('answers help the same way', async () => {
    const body = await t.command('help');
    expect(JSON.stringify(body.blocks)).toContain('/aispend summary [team] [week|month|sprint]');
  });

  it('suggests the closest subcommand for a typo', async () => {
    const body = await t.command('sumary');
    expect(body.text).toContain('Did you mean /aispend summary?');
    expect(JSON.stringify(body.blocks)).toContain('/aispend summary [team]');
  });

  it('refuses a bad signature with 401 and answers nothing', async () => {
    const before = t.slack.responses.length;
    const res = await sendCommand(t.url, { text: 'help', response_url: t.slack.responseUrl() }, { badSignature: true });
    expect(res.status).toBe(401);
    await new Promise((r) => setTimeout(r, 100));
    expect(t.slack.responses.length).toBe(before);
  });

  it('refuses a request signed more than 5 minutes ago', async () => {
    const stale = Math.floor(Date.now() / 1000) - 301;
    const res = await sendCommand(t.url, { text: 'help', response_url: t.slack.responseUrl() }, { timestamp: stale });
    expect(res.status).toBe(401);
  });
});
