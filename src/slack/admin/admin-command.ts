// `/aispend admin …`: refuses non-admins (changing nothing), then routes by the next word.
import { UserFacingError } from '../../errors.js';
import { adminUsage } from '../catalog.js';
import { didYouMean } from '../parse.js';
import { escapeMrkdwn } from '../format.js';
import type { Subcommand } from '../subcommand.js';
import type { AdminHandler } from './admin-handler.js';

export function adminUsageMessage(intro: string) {
  const text = `${intro}\n${adminUsage.map((u) => `\`/aispend ${escapeMrkdwn(u)}\``).join('\n')}`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}

export function adminCommand(handlers: AdminHandler[]): Subcommand {
  const table = new Map(handlers.map((h) => [h.word, h]));
  return {
    name: 'admin',
    async run(ctx) {
      if (!ctx.isAdmin) {
        throw new UserFacingError(
          'Only aispend admins can run admin commands (AISPEND_ADMINS). Nothing was changed.',
          'forbidden',
        );
      }
      const word = (ctx.args[0] ?? '').toLowerCase();
      const handler = table.get(word);
      if (!handler) {
        const guess = word ? didYouMean(word, [...table.keys()]) : undefined;
        const intro = word
          ? `I don't know \`admin ${escapeMrkdwn(word.slice(0, 30))}\`.` + (guess ? ` Did you mean \`admin ${guess}\`?` : '')
          : 'Admin commands:';
        return adminUsageMessage(intro);
      }
      return handler.run(ctx, ctx.args.slice(1));
    },
  };
}
