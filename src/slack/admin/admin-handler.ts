import type { CommandContext, SlackMessage } from '../subcommand.js';

/** One word of `/aispend admin <word> …`; `args` are the words after it. Admin rights are checked before. */
export interface AdminHandler {
  word: string;
  run(ctx: CommandContext, args: string[]): Promise<SlackMessage>;
}
