import type { webApi } from '@slack/bolt';
import type { Deps } from '../deps.js';

export interface SlackMessage {
  text: string;
  blocks?: unknown[];
  /** 'ephemeral' (default) answers privately; 'in_channel' shows everyone */
  response_type?: 'ephemeral' | 'in_channel';
}

export interface CommandContext {
  deps: Deps;
  userId: string;
  channelId: string;
  teamId?: string;
  triggerId?: string;
  /** the words after the subcommand name, as Slack sent them (escaped mentions kept) */
  args: string[];
  /** the whole text after the subcommand name */
  rest: string;
  isAdmin: boolean;
  client: webApi.WebClient;
  /** answer privately (or in channel) through response_url */
  respond(message: SlackMessage): Promise<void>;
}

export interface Subcommand {
  /** first word, lower case: 'summary', 'admin', … */
  name: string;
  /** run it; throw UserFacingError for refusals and bad arguments. Return a message to respond with. */
  run(ctx: CommandContext): Promise<SlackMessage | void>;
}
