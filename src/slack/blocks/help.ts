import { catalog } from '../commands/catalog.js';

/** Usage of every subcommand; admins see the admin family too. */
export function helpBlocks(opts: { unknown?: string; suggestion?: string; isAdmin?: boolean } = {}) {
  const blocks: unknown[] = [];
  let intro = '*aispend* measures what AI spend delivers. Answers are private unless said otherwise.';
  if (opts.unknown) {
    intro = `I don't know \`${opts.unknown.slice(0, 40)}\`.` + (opts.suggestion ? ` Did you mean \`/aispend ${opts.suggestion}\`?` : '');
  }
  blocks.push({ type: 'section', text: { type: 'mrkdwn', text: intro } });
  const lines = catalog
    .filter((c) => !c.admin)
    .map((c) => `\`/aispend ${c.usage}\`\n${c.summary}`);
  blocks.push({ type: 'section', text: { type: 'mrkdwn', text: lines.join('\n') } });
  const admin = catalog.find((c) => c.admin)!;
  blocks.push({
    type: 'section',
    text: {
      type: 'mrkdwn',
      text:
        `*Admin* (${opts.isAdmin ? 'you are an admin' : 'admins only'})\n` +
        admin.usage
          .split(' | ')
          .map((u, i) => `\`/aispend ${i === 0 ? u : 'admin ' + u}\``)
          .join('\n'),
    },
  });
  blocks.push({
    type: 'context',
    elements: [{ type: 'mrkdwn', text: 'Amounts: `500`, `$500`, `1.5k`. Teams default to your own.' }],
  });
  const text = opts.unknown
    ? `Unknown subcommand ${opts.unknown}.` + (opts.suggestion ? ` Did you mean /aispend ${opts.suggestion}?` : '')
    : 'aispend help: ' + catalog.map((c) => c.name).join(', ');
  return { text, blocks };
}
