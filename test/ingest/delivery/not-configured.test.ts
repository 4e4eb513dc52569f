import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/test-app.js';
import { deliveryCounts, fixture, NOTHING_STORED, sendGithub, sendJira, sendLinear } from './webhook-client.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp(); // no webhook secrets
});
afterAll(async () => {
  await t.close();
});

describe('webhook routes without their secret', () => {
  it('answer 503 naming the variable, and store nothing', async () => {
    const answers = await Promise.all([
      sendGithub(t.url, 'push', fixture('github/push-trailers.json')),
      sendJira(t.url, fixture('jira/issue-done.json')),
      sendLinear(t.url, fixture('linear/issue-completed.json')),
    ]);
    expect(answers.map((r) => r.status)).toEqual([503, 503, 503]);
    const bodies = (await Promise.all(answers.map((r) => r.json()))) as Array<{ error: string; message: string }>;
    expect(bodies).toEqual([
      { error: 'not_configured', message: 'GITHUB_WEBHOOK_SECRET is not set' },
      { error: 'not_configured', message: 'JIRA_WEBHOOK_SECRET is not set' },
      { error: 'not_configured', message: 'LINEAR_WEBHOOK_SECRET is not set' },
    ]);
    expect(deliveryCounts(t.db)).toEqual(NOTHING_STORED);
  });
});
