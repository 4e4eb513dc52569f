import { adminUsage, catalog } from './catalog.js';
import { escapeMrkdwn } from './format.js';

/** Worked examples per subcommand, for `/aispend help <subcommand>`. */
const EXAMPLES: Record<string, string[]> = {
  summary: ['/aispend summary', '/aispend summary month', '/aispend summary platform sprint', '/aispend summary week platform'],
  me: ['/aispend me'],
  budget: ['/aispend budget', '/aispend budget platform', '/aispend budget history'],
  request: ['/aispend request 500 agent time for the billing migration', '/aispend request $1.5k load tests team:platform'],
  sessions: ['/aispend sessions', '/aispend sessions looping'],
  models: ['/aispend models', '/aispend models platform'],
  digest: ['/aispend digest', '/aispend digest platform', '/aispend digest post platform'],
  quality: ['/aispend quality', '/aispend quality month', '/aispend quality platform week'],
  help: ['/aispend help', '/aispend help summary'],
};

const cmd = (usage: string) => '`/aispend ' + escapeMrkdwn(usage) + '`';

/** Usage of every subcommand; admins see the admin family too. `topic`: one subcommand in detail. */
export function helpBlocks(opts: { unknown?: string; suggestion?: string; isAdmin?: boolean; topic?: string } = {}) {
  const topic = opts.topic?.toLowerCase();
  const entry = topic ? catalog.find((c) => c.name === topic) : undefined;
  if (entry) return topicBlocks(entry.name, opts.isAdmin ?? false);
  const blocks: unknown[] = [];
  let intro = '*aispend* measures what AI spend delivers. Answers are private unless said otherwise.';
  if (opts.unknown) {
    intro =
      `I don't know \`${escapeMrkdwn(opts.unknown.slice(0, 40))}\`.` +
      (opts.suggestion ? ` Did you mean ${cmd(opts.suggestion)}?` : ' Here is what I can do:');
  }
  blocks.push({ type: 'section', text: { type: 'mrkdwn', text: intro } });
  const lines = catalog.filter((c) => !c.admin).map((c) => `${cmd(c.usage)}\n${c.summary}`);
  blocks.push({ type: 'section', text: { type: 'mrkdwn', text: lines.join('\n') } });
  blocks.push({
    type: 'section',
    text: {
      type: 'mrkdwn',
      text: `*Admin* (${opts.isAdmin ? 'you are an admin' : 'admins only'})\n` + adminUsage.map(cmd).join('\n'),
    },
  });
  blocks.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: 'Amounts: `500`, `$500`, `1.5k`, `$1,200.50`. Teams default to your own. Details and examples: `/aispend help <subcommand>`.',
      },
    ],
  });
  const text = opts.unknown
    ? `Unknown subcommand ${opts.unknown}.` + (opts.suggestion ? ` Did you mean /aispend ${opts.suggestion}?` : '')
    : 'aispend help: ' + catalog.map((c) => c.name).join(', ');
  return { text, blocks };
}

function topicBlocks(name: string, isAdmin: boolean) {
  const entry = catalog.find((c) => c.name === name)!;
  const usages = entry.admin ? adminUsage : entry.usage.split(' | ');
  const examples = EXAMPLES[name] ?? [];
  const text =
    `*${escapeMrkdwn(entry.summary)}*${entry.admin ? ` (${isAdmin ? 'you are an admin' : 'admins only'})` : ''}\n` +
    usages.map(cmd).join('\n') +
    (examples.length ? `\n*Examples*\n${examples.map((e) => '`' + escapeMrkdwn(e) + '`').join('\n')}` : '');
  return {
    text: `aispend help: ${entry.usage}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'Words are case-insensitive; answers are private. `/aispend help` lists everything.' }] },
    ],
  };
}
