import { afterEach, describe, expect, it } from 'vitest';
import { startFakeSlack } from './helpers/fake-slack.js';
import { FakeSocketMode } from './helpers/fake-socket-mode.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';

let t: TestApp | undefined;
let ws: FakeSocketMode | undefined;
afterEach(async () => {
  await t?.close();
  await ws?.stop();
  t = undefined;
});

describe('Socket Mode', () => {
  it('takes /aispend over the socket and still serves the HTTP routes on PORT', async () => {
    const slack = await startFakeSlack();
    ws = await new FakeSocketMode().start();
    slack.socketUrl = ws.url;
    t = await startTestApp({ slack, env: { SLACK_APP_TOKEN: 'xapp-1-test', SLACK_SIGNING_SECRET: '' } });
    try {
      expect(slack.callsOf('apps.connections.open')).toHaveLength(1);
      // HTTP routes on PORT in Socket Mode
      expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
      const responseUrl = slack.responseUrl('sock1');
      ws.send({
        envelope_id: 'env-1',
        type: 'slash_commands',
        accepts_response_payload: true,
        payload: {
          token: 'x', team_id: 'T1', team_domain: 'fake', channel_id: 'C1', channel_name: 'general', user_id: 'U0USER',
          user_name: 'u', command: '/aispend', text: 'help', api_app_id: 'A1', response_url: responseUrl, trigger_id: '1.2.3',
        },
      });
      await slack.waitFor(() => ws!.received.find((m) => m.envelope_id === 'env-1'));
      const answer = await slack.waitFor(() => slack.responses.find((r) => r.id === 'sock1'));
      expect(JSON.stringify(answer.body.blocks)).toContain('/aispend summary');
    } finally {
      await slack.stop();
    }
  });
});
