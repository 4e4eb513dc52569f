// `/aispend admin team …`: create teams, put people on them, name their approvers and channels.
// Translates words and Slack profiles into calls of the org service, and its outcome into an answer.
// Admin rights are checked by the admin dispatcher (src/slack/admin/admin-command.ts).
import { movedLine } from '../ingest/index.js';
import { orgRepo } from '../db/repos/org-repo.js';
import { adminDone, badArgs, channelRef } from '../slack/admin/answers.js';
import { mentionHint, peopleArgs, teamArg } from '../slack/admin/args.js';
import type { AdminHandler } from '../slack/admin/admin-handler.js';
import { code } from '../slack/blocks.js';
import { escapeMrkdwn, personLabel } from '../slack/format.js';
import { RESERVED_TEAM_NAMES, didYouMean, parseChannelRef, parseUserRef } from '../slack/parse.js';
import type { CommandContext, SlackMessage } from '../slack/subcommand.js';
import { teamListBlocks } from './org-blocks.js';
import { TEAM_NAME, addMembers, createTeam, removeMembers, setApprovers, setTeamChannel, teamList, type Member, type SlackProfile } from './org-service.js';

const VERBS = ['create', 'add', 'remove', 'approvers', 'channel', 'approvals-channel', 'list'];

const EXAMPLES = {
  create: '/aispend admin team create platform #platform-eng',
  add: '/aispend admin team add platform @ana bo@example.com',
  remove: '/aispend admin team remove platform @ana',
  approvers: '/aispend admin team approvers platform @lead @cto',
  channel: '/aispend admin team channel platform #platform-eng',
  approvalsChannel: '/aispend admin team approvals-channel platform #eng-budgets',
} as const;

/** Slack's email and name for a user (users:read.email); empty when Slack does not share them. */
async function slackProfile(ctx: CommandContext, userId: string): Promise<SlackProfile> {
  try {
    const info = await ctx.client.users.info({ user: userId });
    const email = info.user?.profile?.email;
    return { email: email ? email.toLowerCase() : undefined, name: info.user?.real_name || info.user?.name || undefined };
  } catch (e) {
    ctx.deps.logger.warn('users.info failed; adding the person without an email', { user: userId, err: e });
    return {};
  }
}

async function create(ctx: CommandContext, args: string[]): Promise<SlackMessage> {
  const [name, channelWord, ...extra] = args;
  if (!name) throw badArgs('Give the new team a name and a channel for its digests and alerts.', EXAMPLES.create);
  if (!TEAM_NAME.test(name)) {
    throw badArgs(
      `\`${escapeMrkdwn(name.slice(0, 60))}\` can't be a team name: use letters, digits, - and _ (up to 40 characters).`,
      EXAMPLES.create,
    );
  }
  if (RESERVED_TEAM_NAMES.has(name.toLowerCase())) {
    throw badArgs(`\`${name}\` is a word /aispend already uses (periods, org, looping, …): choose another team name.`, EXAMPLES.create);
  }
  const channel = channelWord ? parseChannelRef(channelWord) : undefined;
  if (!channel) {
    throw badArgs(
      channelWord
        ? `\`${escapeMrkdwn(channelWord.slice(0, 60))}\` is not a channel.${mentionHint(channelWord)}`
        : `Give ${name} a channel: its weekly digest and loop alerts post there.`,
      EXAMPLES.create,
    );
  }
  if (extra.length > 0) throw badArgs('`team create` takes a name and one channel.', EXAMPLES.create);
  const { team, created } = createTeam(ctx.deps, ctx.userId, name, channel);
  if (!created) {
    throw badArgs(
      `A team called *${escapeMrkdwn(team.name)}* already exists (digests in ${channelRef(team.channel_id)}). ` +
        `To move its digests: ${code(`/aispend admin team channel ${team.name} #channel`)}.`,
      EXAMPLES.create,
    );
  }
  return adminDone(
    [`Created team *${escapeMrkdwn(name)}*: its digests and loop alerts post in <#${channel}>.`],
    `Next: add people ${code(`/aispend admin team add ${name} @ana bo@example.com`)}, approvers ` +
      `${code(`/aispend admin team approvers ${name} @lead`)}, a budget ${code(`/aispend admin budget set ${name} 2k`)}. ` +
      'Invite the bot to the channel so it can post.',
  );
}

async function add(ctx: CommandContext, args: string[]): Promise<SlackMessage> {
  const [name, ...words] = args;
  const team = teamArg(ctx.deps, name, EXAMPLES.add);
  const targets = peopleArgs(words, EXAMPLES.add);
  // Slack lookups before the service's transaction: a mention becomes a person with their email
  const org = orgRepo(ctx.deps.db);
  const members: Member[] = [];
  for (const t of targets) {
    if (t.kind === 'email') members.push(t);
    else members.push({ kind: 'slack', id: t.id, profile: org.personBySlack(t.id)?.email ? {} : await slackProfile(ctx, t.id) });
  }
  const outcome = addMembers(ctx.deps, ctx.userId, team, members);
  const lines: string[] = [];
  const changed = outcome.added.length + outcome.moved.length;
  lines.push(
    changed === 0
      ? `Nobody changed: everyone named is already on *${escapeMrkdwn(team.name)}*.`
      : `Added ${changed} ${changed === 1 ? 'person' : 'people'} to *${escapeMrkdwn(team.name)}*.`,
  );
  if (outcome.added.length) lines.push(`Added: ${outcome.added.map(personLabel).join(', ')}`);
  for (const m of outcome.moved) lines.push(`Moved from *${escapeMrkdwn(m.from)}*: ${personLabel(m.person)}`);
  if (outcome.already.length) lines.push(`Already on the team: ${outcome.already.map(personLabel).join(', ')}`);
  const spend = changed > 0 ? movedLine(outcome.spend, team.name, ctx.deps.config.timezone) : undefined;
  if (spend) lines.push(spend);
  return adminDone(
    lines,
    (outcome.noEmail.length
      ? `Slack shared no email for ${outcome.noEmail.map(personLabel).join(', ')}: usage reported by email won't be theirs until you run ` +
        `${code('/aispend admin link @user <email>')}. `
      : '') +
      'Usage and delivery from now on count for the new team. Earlier records that had no team moved with them; ' +
      'records that already counted for another team stay there.',
  );
}

async function remove(ctx: CommandContext, args: string[]): Promise<SlackMessage> {
  const [name, ...words] = args;
  const team = teamArg(ctx.deps, name, EXAMPLES.remove);
  const outcome = removeMembers(ctx.deps, ctx.userId, team, peopleArgs(words, EXAMPLES.remove));
  const named = outcome.notOn.map(({ ref, person }) => (person ? personLabel(person) : ref.kind === 'email' ? escapeMrkdwn(ref.email) : `<@${ref.id}>`));
  const lines = [
    outcome.removed.length
      ? `Removed ${outcome.removed.map(personLabel).join(', ')} from *${escapeMrkdwn(team.name)}*.`
      : `Nobody changed: nobody named is on *${escapeMrkdwn(team.name)}*.`,
  ];
  if (named.length && outcome.removed.length) lines.push(`Not on the team: ${named.join(', ')}`);
  return adminDone(lines);
}

async function approvers(ctx: CommandContext, args: string[]): Promise<SlackMessage> {
  const [name, ...words] = args;
  const team = teamArg(ctx.deps, name, EXAMPLES.approvers);
  const clear = words.length === 1 && words[0]!.toLowerCase() === 'none';
  const ids: string[] = [];
  if (!clear) {
    const bad = words.filter((w) => !parseUserRef(w));
    if (bad.length) {
      throw badArgs(
        `Approvers are Slack users: ${bad.map((b) => `\`${escapeMrkdwn(b.slice(0, 60))}\``).join(', ')} ${bad.length === 1 ? 'is' : 'are'} not.` +
          mentionHint(bad[0]!) +
          ' (`none` removes every approver.)',
        EXAMPLES.approvers,
      );
    }
    for (const w of words) {
      const id = parseUserRef(w)!;
      if (!ids.includes(id)) ids.push(id);
    }
    if (ids.length === 0) throw badArgs('Name the approvers (this replaces the list), or `none`.', EXAMPLES.approvers);
  }
  const before = setApprovers(ctx.deps, ctx.userId, team, ids);
  const list = (xs: string[]) => (xs.length ? xs.map((x) => `<@${x}>`).join(', ') : 'nobody');
  return adminDone(
    [
      ids.length
        ? `Approvers of *${escapeMrkdwn(team.name)}* are now ${list(ids)}.`
        : `*${escapeMrkdwn(team.name)}* has no approvers now: budget requests wait until someone is named.`,
      `Before: ${list(before)}.`,
    ],
    `They decide budget requests in ${channelRef(team.approvals_channel_id ?? team.channel_id)}; a requester never decides their own request.`,
  );
}

async function setChannel(ctx: CommandContext, args: string[], which: 'channel' | 'approvals'): Promise<SlackMessage> {
  const example = which === 'channel' ? EXAMPLES.channel : EXAMPLES.approvalsChannel;
  const [name, channelWord, ...extra] = args;
  const team = teamArg(ctx.deps, name, example);
  const clear = which === 'approvals' && channelWord?.toLowerCase() === 'none';
  const channel = clear ? null : channelWord ? parseChannelRef(channelWord) : undefined;
  if (channel === undefined || extra.length > 0) {
    throw badArgs(
      channelWord && !extra.length ? `\`${escapeMrkdwn(channelWord.slice(0, 60))}\` is not a channel.${mentionHint(channelWord)}` : 'Give the team and one channel.',
      example,
    );
  }
  const before = setTeamChannel(ctx.deps, ctx.userId, team, which, channel);
  if (which === 'channel') {
    return adminDone([`*${escapeMrkdwn(team.name)}* digests and loop alerts now post in <#${channel}> (before: ${channelRef(before)}).`], 'Invite the bot to the channel so it can post.');
  }
  return adminDone([
    channel
      ? `Budget requests of *${escapeMrkdwn(team.name)}* now go to <#${channel}> (before: ${channelRef(before ?? team.channel_id)}).`
      : `Budget requests of *${escapeMrkdwn(team.name)}* now go to its own channel ${channelRef(team.channel_id)}.`,
  ]);
}

export function teamAdminHandler(): AdminHandler {
  return {
    word: 'team',
    async run(ctx, args) {
      const verb = (args[0] ?? 'list').toLowerCase();
      const rest = args.slice(1);
      switch (verb) {
        case 'list':
          return teamListBlocks(teamList(ctx.deps));
        case 'create':
          return create(ctx, rest);
        case 'add':
          return add(ctx, rest);
        case 'remove':
          return remove(ctx, rest);
        case 'approvers':
          return approvers(ctx, rest);
        case 'channel':
          return setChannel(ctx, rest, 'channel');
        case 'approvals-channel':
          return setChannel(ctx, rest, 'approvals');
        default: {
          const guess = didYouMean(verb, VERBS);
          throw badArgs(
            `I don't know \`admin team ${escapeMrkdwn(verb.slice(0, 30))}\`.` +
              (guess ? ` Did you mean \`admin team ${guess}\`?` : '') +
              ` Team commands: ${VERBS.join(', ')}.`,
            EXAMPLES.create,
          );
        }
      }
    },
  };
}
