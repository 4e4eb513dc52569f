// `/aispend digest [team|org]` previews the last complete week's digest privately (same blocks, the
// chart described in words); `/aispend digest post [team|org] [again]` (admins) posts it now through
// the same outbox path as the schedule. A digest already posted for the week is not posted twice:
// the answer links it, and `again` posts a fresh, separately keyed copy.
import type { Deps } from '../deps.js';
import { orgRepo } from '../db/repos/org-repo.js';
import { outboxRepo } from '../db/repos/outbox-repo.js';
import { UserFacingError } from '../errors.js';
import { digestWeeks } from './digest.js';
import { dayRange } from './digest-text.js';
import { addDays } from '../domain/time.js';
import {
  digestKeys,
  enqueueDigest,
  prepareDigest,
  targetChannel,
  type DigestTarget,
} from './digest-job.js';
import { escapeMrkdwn } from '../slack/format.js';
import { drainOutbox, sentResult } from '../slack/outbox.js';
import { permalinkOf } from '../slack/permalink.js';
import { resolveCaller, teamFor } from '../slack/caller.js';
import type { CommandContext, SlackMessage, Subcommand } from '../slack/subcommand.js';

const ORG_WORDS = new Set(['org', 'all', 'everyone']);
const USAGE = 'Usage: `/aispend digest [team]` to preview, `/aispend digest post [team] [again]` to post (admins).';

function note(text: string): SlackMessage {
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}

async function resolveTarget(ctx: CommandContext, name: string | undefined): Promise<DigestTarget> {
  if (name && !orgRepo(ctx.deps.db).teamByName(name) && ORG_WORDS.has(name.toLowerCase())) {
    if (!ctx.isAdmin) {
      throw new UserFacingError('The org-wide digest is for aispend admins. `/aispend digest` shows your own team\'s.', 'forbidden');
    }
    return { kind: 'org' };
  }
  const caller = await resolveCaller(ctx);
  return { kind: 'team', team: teamFor(ctx, caller, name) };
}

function targetLabel(t: DigestTarget): string {
  return t.kind === 'org' ? 'the whole org' : escapeMrkdwn(t.team.name);
}

async function permalink(ctx: CommandContext, key: string): Promise<string | undefined> {
  const sent = sentResult(ctx.deps, key);
  if (!sent?.ts) return undefined;
  return permalinkOf(ctx.client, ctx.deps.logger, sent.channel, sent.ts);
}

function where(channel: string, link: string | undefined): string {
  return link ? `<${link}|in <#${channel}>>` : `in <#${channel}>`;
}

async function preview(ctx: CommandContext, t: DigestTarget): Promise<SlackMessage> {
  const now = ctx.deps.clock.now();
  const prepared = prepareDigest(ctx.deps, t, now, { chart: false, preview: true });
  const channel = targetChannel(ctx.deps, t);
  const keys = digestKeys(t, prepared.figures.week.from);
  const recorded = outboxRepo(ctx.deps.db).byKey(keys.post);
  let status: string;
  if (!channel) {
    status = t.kind === 'org'
      ? 'It is not posted anywhere: set AISPEND_ORG_CHANNEL to a channel ID.'
      : 'It is not posted anywhere: this team has no channel (`/aispend admin team create <name> <#channel>`).';
  } else if (recorded?.status === 'sent') {
    status = `This week's digest was posted ${where(channel, await permalink(ctx, keys.post))}.`;
  } else if (recorded) {
    status = `This week's digest is queued for <#${channel}>.`;
  } else {
    status = `It posts to <#${channel}> on the digest schedule.`;
  }
  const intro = { type: 'context', elements: [{ type: 'mrkdwn', text: `:eyes: Preview, only you can see this. ${status}` }] };
  // the builder keeps the message within 50 blocks; the intro replaces the last one if it must
  const blocks = [intro, ...prepared.message.blocks].slice(0, 50);
  return { text: prepared.message.text, blocks, response_type: 'ephemeral' };
}

async function post(ctx: CommandContext, t: DigestTarget, again: boolean): Promise<SlackMessage> {
  const deps: Deps = ctx.deps;
  const now = deps.clock.now();
  const channel = targetChannel(deps, t);
  if (!channel) {
    throw new UserFacingError(
      t.kind === 'org'
        ? 'There is no org channel: set AISPEND_ORG_CHANNEL to a channel ID and restart. Nothing was posted.'
        : `${t.team.name} has no channel to post to: \`/aispend admin team create ${t.team.name} <#channel>\`. Nothing was posted.`,
    );
  }
  const { week } = digestWeeks(now, deps.config.timezone);
  const repo = outboxRepo(deps.db);
  let keys = digestKeys(t, week.from);
  const existing = repo.byKey(keys.post);
  const label = `${targetLabel(t)}, week of ${dayRange(week.from, addDays(week.to, -1))}`;
  if (existing && !again) {
    const state =
      existing.status === 'sent'
        ? `was already posted ${where(channel, await permalink(ctx, keys.post))}`
        : existing.status === 'dead'
          ? `was refused by Slack (${escapeMrkdwn(existing.last_error ?? 'unknown error')})`
          : `is already queued for <#${channel}> and will be posted shortly`;
    return note(`The digest for ${label} ${state}. To post another copy: \`/aispend digest post ${t.kind === 'org' ? 'org' : t.team.name} again\`.`);
  }
  if (existing) {
    let n = 1;
    while (repo.byKey(digestKeys(t, week.from, n).post)) n += 1;
    keys = digestKeys(t, week.from, n);
  }
  const prepared = prepareDigest(deps, t, now);
  enqueueDigest(deps, channel, prepared, keys);
  deps.logger.info('digest posted by command', { user: ctx.userId, key: keys.post });
  await drainOutbox(deps);
  const row = repo.byKey(keys.post);
  if (row?.status === 'sent') return note(`Posted the digest for ${label} ${where(channel, await permalink(ctx, keys.post))}.`);
  if (row?.status === 'dead') {
    return note(`Slack refused the digest for ${label} (${escapeMrkdwn(row.last_error ?? 'unknown error')}). Is the bot in <#${channel}>?`);
  }
  return note(`The digest for ${label} is recorded; Slack did not take it yet, and it will be retried until it is posted (once).`);
}

export function digestSubcommand(): Subcommand {
  return {
    name: 'digest',
    async run(ctx) {
      const words = [...ctx.args];
      const isPost = words[0]?.toLowerCase() === 'post';
      if (isPost) words.shift();
      let again = false;
      if (isPost && words.length > 0 && words[words.length - 1]!.toLowerCase() === 'again') {
        words.pop();
        again = true;
      }
      if (isPost && !ctx.isAdmin) {
        throw new UserFacingError(
          'Only aispend admins can post digests (AISPEND_ADMINS). Nothing was posted. `/aispend digest` previews it for you.',
          'forbidden',
        );
      }
      const name = words.join(' ').trim() || undefined;
      if (name && name.length > 100) throw new UserFacingError(USAGE);
      const target = await resolveTarget(ctx, name);
      return isPost ? post(ctx, target, again) : preview(ctx, target);
    },
  };
}
