// A link to a message the bot knows by channel and ts (chat.getPermalink: it handles thread replies
// and every conversation type). Undefined when Slack will not say: the caller names the channel instead.
import type { webApi } from '@slack/bolt';
import type { Logger } from '../logger.js';

export async function permalinkOf(client: webApi.WebClient, logger: Logger, channel: string, ts: string): Promise<string | undefined> {
  try {
    const res = await client.chat.getPermalink({ channel, message_ts: ts });
    return res.permalink ?? undefined;
  } catch (e) {
    logger.warn('chat.getPermalink failed', { channel, err: e });
    return undefined;
  }
}
