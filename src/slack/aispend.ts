// The /aispend dispatcher: ack at once, then route to a subcommand and answer privately.
import type { App } from '@slack/bolt';
import { randomUUID } from 'node:crypto';
import type { Deps } from '../deps.js';
import { isAppError } from '../errors.js';
import { orgRepo } from '../db/repos/org-repo.js';
import { helpBlocks } from './help.js';
import { escapeMrkdwn } from './format.js';
import { catalog } from './catalog.js';
import { didYouMean, tokenize } from './parse.js';
import type { CommandContext, SlackMessage, Subcommand } from './subcommand.js';

/** `/aispend platform` or `/aispend month` most likely meant a summary */
function summaryGuess(deps: Deps, word: string): string | undefined {
  const w = word.toLowerCase();
  if (['week', 'month', 'sprint'].includes(w)) return `summary ${w}`;
  const team = /^[A-Za-z0-9_-]{1,40}$/.test(word) ? orgRepo(deps.db).teamByName(word) : undefined;
  return team ? `summary ${team.name}` : undefined;
}

export function registerAispendCommand(app: App, deps: Deps, subcommands: Subcommand[]): void {
  const table = new Map(subcommands.map((s) => [s.name, s]));
  table.set('help', {
    name: 'help',
    run: async (ctx) => {
      const topic = ctx.args[0]?.toLowerCase();
      if (!topic || catalog.some((c) => c.name === topic)) return helpBlocks({ isAdmin: ctx.isAdmin, topic });
      const guess = didYouMean(topic, catalog.map((c) => c.name));
      return helpBlocks({ isAdmin: ctx.isAdmin, unknown: topic, suggestion: guess ? `help ${guess}` : undefined });
    },
  });

  app.command('/aispend', async ({ command, ack, respond, client }) => {
    const started = performance.now();
    await ack();
    const words = tokenize(command.text ?? '');
    const name = (words[0] ?? 'help').toLowerCase();
    const isAdmin = deps.config.admins.includes(command.user_id);
    const log = deps.logger.child({ command: name, user: command.user_id });
    const send = async (m: SlackMessage) => {
      await respond({ response_type: m.response_type ?? 'ephemeral', text: m.text, blocks: m.blocks as never });
    };
    const sub = table.get(name);
    // the subcommand's name (a fixed set), never the words typed
    const observe = (ok: boolean) => deps.metrics?.command(sub?.name ?? 'unknown', (performance.now() - started) / 1000, ok);
    if (!sub) {
      const known = catalog.map((c) => c.name);
      await send(helpBlocks({ unknown: words[0], suggestion: didYouMean(name, known) ?? summaryGuess(deps, words[0]!), isAdmin }));
      observe(true);
      return;
    }
    const ctx: CommandContext = {
      deps,
      userId: command.user_id,
      channelId: command.channel_id,
      teamId: command.team_id,
      triggerId: command.trigger_id,
      args: words.slice(1),
      rest: (command.text ?? '').trim().slice(words[0]?.length ?? 0).trim(),
      isAdmin,
      client,
      respond: send,
    };
    try {
      const answer = await sub.run(ctx);
      if (answer) await send(answer);
      observe(true);
    } catch (e) {
      if (isAppError(e) && e.status < 500) {
        await send({ text: e.message, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `:warning: ${escapeMrkdwn(e.message)}` } }] });
        observe(true);
        return;
      }
      observe(false);
      const ref = randomUUID().slice(0, 8);
      log.error('subcommand failed', { err: e, ref });
      await send({
        text: `Sorry, something went wrong answering that (ref ${ref}). It has been logged.`,
      }).catch(() => undefined);
    }
  });
}
