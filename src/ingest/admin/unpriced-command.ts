// `/aispend admin unpriced`: models stored without a price (cost counted as $0, tokens kept).
import { unpricedModels } from '../../db/repos/usage-repo.js';
import { escapeMrkdwn } from '../../slack/format.js';
import { badArgs } from '../../slack/admin/answers.js';
import { unpricedBlocks } from './admin-blocks.js';
import type { AdminHandler } from '../../slack/admin/admin-handler.js';

export function unpricedAdminHandler(): AdminHandler {
  return {
    word: 'unpriced',
    async run(ctx, args) {
      if (args.length > 0) {
        throw badArgs(`\`admin unpriced\` takes no arguments (got \`${escapeMrkdwn(args.join(' ').slice(0, 60))}\`).`, '/aispend admin unpriced');
      }
      const rows = unpricedModels(ctx.deps.db).sort((a, b) => b.tokens - a.tokens || a.model.localeCompare(b.model));
      return unpricedBlocks(rows, ctx.deps.config.timezone);
    },
  };
}
