// Slack, as the bot will meet it: reachable at SLACK_API_URL; the bot token accepted; the scopes the
// token carries against those manifest.yml asks for; in Socket Mode the app-level token; and the bot a
// member of every channel it posts to (team, approvals, org). Uses the real Web API client.
import { LogLevel, webApi } from '@slack/bolt';
import type { Config } from '../../config.js';
import { slackClientOptions } from '../../slack/client.js';
import { describeSlackFailure, slackFailure } from '../../slack/slack-errors.js';
import { BOT_SCOPES } from '../../slack/scopes.js';
import { fail, ok, skip, type Check } from './checks.js';

/** a channel the bot posts to, and who uses it */
export interface PostingChannel {
  id: string;
  uses: string[];
}

function client(token: string | undefined, config: Config): webApi.WebClient {
  // one attempt, a short timeout: the doctor answers in seconds, and says why
  return new webApi.WebClient(token, { ...slackClientOptions(config), retryConfig: { retries: 0 }, timeout: 10_000, logLevel: LogLevel.ERROR });
}

const FIX_UNREACHABLE = 'check the network and any proxy between aispend and Slack, and SLACK_API_URL (unset means https://slack.com/api/)';

export async function slackChecks(config: Config, channels: PostingChannel[] | undefined): Promise<Check[]> {
  const out: Check[] = [];
  const bot = client(config.slack.botToken, config);
  let scopes: string[] | undefined;
  try {
    const auth = await bot.auth.test();
    scopes = auth.response_metadata?.scopes;
    out.push(ok('Slack', `reachable at ${config.slack.apiUrl}; SLACK_BOT_TOKEN accepted (bot ${auth.user ?? auth.user_id ?? '?'} in ${auth.team ?? auth.team_id ?? '?'})`));
  } catch (e) {
    const f = slackFailure(e);
    if (f.kind === 'unreachable') out.push(fail('Slack', describeSlackFailure(f, config.slack.apiUrl).replace(/\. The token.*$/, ''), FIX_UNREACHABLE));
    else if (f.kind === 'rejected') {
      out.push(
        fail(
          'Slack',
          `reachable at ${config.slack.apiUrl}, but ${describeSlackFailure(f, config.slack.apiUrl)}`,
          'copy the Bot User OAuth Token (xoxb-…) again from api.slack.com/apps → your app → OAuth & Permissions, and check the app is installed',
        ),
      );
    } else out.push(fail('Slack', `auth.test answered ${f.error}`, 'try again shortly; see status.slack.com'));
    out.push(skip('Slack scopes', 'not checked: the token was not accepted'));
    out.push(skip('Slack channels', 'not checked: the token was not accepted'));
    return out;
  }

  if (!scopes) out.push(skip('Slack scopes', 'Slack did not say which scopes the token has'));
  else {
    const missing = BOT_SCOPES.filter((s) => !scopes.includes(s));
    if (missing.length === 0) out.push(ok('Slack scopes', `the token has all ${BOT_SCOPES.length} scopes manifest.yml asks for`));
    else {
      out.push(
        fail(
          'Slack scopes',
          `the token lacks ${missing.join(', ')} (manifest.yml asks for them)`,
          'add them under OAuth & Permissions → Bot Token Scopes (or paste manifest.yml again), then reinstall the app to the workspace',
        ),
      );
    }
  }

  if (config.slack.socketMode) {
    try {
      await client(config.slack.appToken, config).apps.connections.open();
      out.push(ok('Slack Socket Mode', 'SLACK_APP_TOKEN accepted (apps.connections.open)'));
    } catch (e) {
      const f = slackFailure(e);
      out.push(
        fail(
          'Slack Socket Mode',
          f.kind === 'unreachable' ? describeSlackFailure(f, config.slack.apiUrl) : `Slack rejected SLACK_APP_TOKEN (${f.kind === 'rejected' || f.kind === 'error' ? f.error : ''})`,
          'make an App-Level Token with connections:write under Basic Information, and turn Socket Mode on in the app settings',
        ),
      );
    }
  }

  if (channels === undefined) out.push(skip('Slack channels', 'not checked: the database could not be read'));
  else if (channels.length === 0) out.push(skip('Slack channels', 'no team channel yet (/aispend admin team create <name> <#channel>)'));
  else {
    let member = 0;
    for (const ch of channels) {
      try {
        // one message at most, read and dropped: the cheapest call that fails when the bot is not in the channel
        await bot.conversations.history({ channel: ch.id, limit: 1 });
        member += 1;
      } catch (e) {
        const f = slackFailure(e);
        const error = f.kind === 'unreachable' ? f.reason : f.error;
        const what =
          error === 'not_in_channel'
            ? 'the bot is not a member'
            : error === 'channel_not_found'
              ? 'channel not found (a private channel the bot is not in, or deleted)'
              : `Slack answered ${error}`;
        out.push(fail(`Slack channel ${ch.id}`, `${what}; it is ${ch.uses.join(', ')}`, 'in that channel, type /invite @aispend (or point the team at another channel: /aispend admin team channel <team> <#channel>)'));
      }
    }
    if (member === channels.length) out.push(ok('Slack channels', `the bot is a member of all ${channels.length} ${channels.length === 1 ? 'channel' : 'channels'} it posts to`));
    else if (member > 0) out.push(ok('Slack channels', `the bot is a member of ${member} of the ${channels.length} channels it posts to (the others are above)`));
  }
  return out;
}
