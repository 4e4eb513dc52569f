// `/aispend admin team …`: create teams, put people on them, name their approvers and channels.
// Admin rights are checked by admin-command.ts. Every change is one transaction with its audit row.
import { auditRepo } from '../db/repos/audit-repo.js';
import { orgRepo, type Person, type Team } from '../db/repos/org-repo.js';
import { PERIOD_KINDS } from '../queries/summary.js';
import { escapeMrkdwn } from '../slack/format.js';
import { adminDone, badArgs, channelRef, movedLine, teamListBlocks, type MovedSummary } from '../slack/admin/answers.js';
import { attributeAfterTheFact } from '../ingest/billing/late-attribution.js';
import { code } from '../queries/summary-blocks.js';
import { didYouMean, isUnescapedMention, parseChannelRef, parseEmail, parseUserRef } from '../slack/parse.js';
import type { CommandContext, SlackMessage } from '../slack/subcommand.js';
import type { AdminHandler } from '../slack/admin/admin-handler.js';

export const TEAM_NAME = /^[A-Za-z0-9_-]{1,40}$/;

/** words that mean something else where a team name may appear (`summary platform week`, `sessions looping`, …) */
export const RESERVED_TEAM_NAMES = new Set([
  ...PERIOD_KINDS,
  'weekly', 'monthly', 'mtd', '7d', 'cycle', 'org', 'all', 'looping', 'post', 'history', 'help', 'list', 'none', 'me',
]);

const VERBS = ['create', 'add', 'remove', 'approvers', 'channel', 'approvals-channel', 'list'];

const EXAMPLES = {
  create: '/aispend admin team create platform #platform-eng',
  add: '/aispend admin team add platform @ana bo@example.com',
  remove: '/aispend admin team remove platform @ana',
  approvers: '/aispend admin team approvers platform @lead @cto',
  channel: '/aispend admin team channel platform #platform-eng',
  approvalsChannel: '/aispend admin team approvals-channel platform #eng-budgets',
} as const;

function mentionHint(word: string): string {
  return isUnescapedMention(word)
    ? ` \`${escapeMrkdwn(word.slice(0, 40))}\` arrived as plain text: pick the person or channel from Slack's autocomplete ` +
        '(the /aispend command must have "Escape channels, users, and links" on), or give a member ID (U…) or channel ID (C…).'
    : '';
}

function teamNamed(ctx: CommandContext, name: string | undefined, example: string): Team {
  if (!name) throw badArgs('Name the team.', example);
  const org = orgRepo(ctx.deps.db);
  const team = org.teamByName(name);
  if (!team) {
    const known = org.teams().map((t) => t.name);
    throw badArgs(
      `There is no team called \`${escapeMrkdwn(name.slice(0, 40))}\`.` +
        (known.length ? ` Teams: ${known.slice(0, 20).map(escapeMrkdwn).join(', ')}.` : ' No teams exist yet.'),
      example,
    );
  }
  return team;
}

export type Target = { kind: 'slack'; id: string } | { kind: 'email'; email: string };

export function parseTargets(words: string[], example: string): Target[] {
  const targets: Target[] = [];
  const bad: string[] = [];
  for (const w of words) {
    const id = parseUserRef(w);
    if (id) {
      targets.push({ kind: 'slack', id });
      continue;
    }
    const email = parseEmail(w);
    if (email) targets.push({ kind: 'email', email });
    else bad.push(w);
  }
  if (bad.length > 0) {
    throw badArgs(
      `${bad.map((b) => `\`${escapeMrkdwn(b.slice(0, 60))}\``).join(', ')} ${bad.length === 1 ? 'is' : 'are'} neither a Slack user nor an email.` +
        mentionHint(bad[0]!),
      example,
    );
  }
  if (targets.length === 0) throw badArgs('Name at least one person: a Slack mention or an email.', example);
  return targets;
}

export function who(p: Person): string {
  if (p.slack_user_id) return `<@${p.slack_user_id}>${p.email ? ` (${escapeMrkdwn(p.email)})` : ''}`;
  return escapeMrkdwn(p.email ?? p.name ?? `person ${p.id}`);
}

/** Slack's email and name for a user (users:read.email); empty when Slack does not share them. */
async function slackProfile(ctx: CommandContext, userId: string): Promise<{ email?: string; name?: string }> {
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
  const { deps } = ctx;
  const org = orgRepo(deps.db);
  const now = deps.clock.now();
  const existing = deps.db.transaction((): Team | undefined => {
    const found = org.teamByName(name);
    if (found) return found;
    const t = org.createTeam(name, channel, now);
    auditRepo(deps.db).record({ actor: ctx.userId, action: 'team.create', teamId: t.id, subject: 'team', details: { name, channel }, at: now });
    return undefined;
  })();
  if (existing) {
    throw badArgs(
      `A team called *${escapeMrkdwn(existing.name)}* already exists (digests in ${channelRef(existing.channel_id)}). ` +
        `To move its digests: ${code(`/aispend admin team channel ${existing.name} #channel`)}.`,
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
  const team = teamNamed(ctx, name, EXAMPLES.add);
  const targets = parseTargets(words, EXAMPLES.add);
  const { deps } = ctx;
  const org = orgRepo(deps.db);
  const now = deps.clock.now();
  // Slack lookups first (outside the transaction): a mention becomes a person with their email
  const profiles = new Map<string, { email?: string; name?: string }>();
  for (const t of targets) {
    if (t.kind !== 'slack' || profiles.has(t.id)) continue;
    const known = org.personBySlack(t.id);
    profiles.set(t.id, known?.email ? {} : await slackProfile(ctx, t.id));
  }
  const outcome = deps.db.transaction(() => {
    const added: Person[] = [];
    const movedPeople: Array<{ person: Person; from: string }> = [];
    const already: Person[] = [];
    const noEmail: Person[] = [];
    const seen = new Set<number>();
    const moved: MovedSummary = { costUsd: 0, since: null, until: null, sessions: 0, stories: 0, commits: 0, pullRequests: 0 };
    for (const t of targets) {
      let person: Person;
      if (t.kind === 'email') {
        person = org.ensurePersonByEmail(t.email, now);
      } else {
        const profile = profiles.get(t.id) ?? {};
        if (profile.email) {
          org.ensurePersonByEmail(profile.email, now, profile.name); // keeps the name Slack knows
          person = org.linkSlackToEmail(t.id, profile.email, now);
        } else {
          person = org.ensurePersonBySlack(t.id, now, undefined, profile.name);
        }
      }
      if (seen.has(person.id)) continue;
      seen.add(person.id);
      if (person.team_id === team.id) {
        already.push(person);
        continue;
      }
      const from = person.team_id !== null ? org.teamById(person.team_id)?.name : undefined;
      org.setPersonTeam(person.id, team.id);
      const m = attributeAfterTheFact(deps, { kind: 'person', personId: person.id }, team.id);
      moved.costUsd += m.costUsd;
      if (m.since !== null) moved.since = moved.since === null ? m.since : Math.min(moved.since, m.since);
      if (m.until !== null) moved.until = moved.until === null ? m.until : Math.max(moved.until, m.until);
      moved.sessions += m.sessions;
      moved.stories += m.stories;
      moved.commits += m.commits;
      moved.pullRequests += m.pullRequests;
      const updated = org.personById(person.id)!;
      if (from) movedPeople.push({ person: updated, from });
      else added.push(updated);
      if (!updated.email) noEmail.push(updated);
    }
    auditRepo(deps.db).record({
      actor: ctx.userId,
      action: 'team.add',
      teamId: team.id,
      subject: 'members',
      details: {
        added: added.map((p) => p.id),
        moved: movedPeople.map((m) => ({ person: m.person.id, from: m.from })),
        already: already.map((p) => p.id),
        moved_usd: Math.round(moved.costUsd * 100) / 100,
        moved_since: moved.since,
      },
      at: now,
    });
    return { added, moved: movedPeople, already, noEmail, spend: moved };
  })();
  const lines: string[] = [];
  const changed = outcome.added.length + outcome.moved.length;
  lines.push(
    changed === 0
      ? `Nobody changed: everyone named is already on *${escapeMrkdwn(team.name)}*.`
      : `Added ${changed} ${changed === 1 ? 'person' : 'people'} to *${escapeMrkdwn(team.name)}*.`,
  );
  if (outcome.added.length) lines.push(`Added: ${outcome.added.map(who).join(', ')}`);
  for (const m of outcome.moved) lines.push(`Moved from *${escapeMrkdwn(m.from)}*: ${who(m.person)}`);
  if (outcome.already.length) lines.push(`Already on the team: ${outcome.already.map(who).join(', ')}`);
  const spend = changed > 0 ? movedLine(outcome.spend, team.name, deps.config.timezone) : undefined;
  if (spend) lines.push(spend);
  return adminDone(
    lines,
    (outcome.noEmail.length
      ? `Slack shared no email for ${outcome.noEmail.map(who).join(', ')}: usage reported by email won't be theirs until you run ` +
        `${code('/aispend admin link @user <email>')}. `
      : '') +
      'Usage and delivery from now on count for the new team. Earlier records that had no team moved with them; ' +
      'records that already counted for another team stay there.',
  );
}

async function remove(ctx: CommandContext, args: string[]): Promise<SlackMessage> {
  const [name, ...words] = args;
  const team = teamNamed(ctx, name, EXAMPLES.remove);
  const targets = parseTargets(words, EXAMPLES.remove);
  const { deps } = ctx;
  const org = orgRepo(deps.db);
  const now = deps.clock.now();
  const outcome = deps.db.transaction(() => {
    const removed: Person[] = [];
    const notOn: string[] = [];
    for (const t of targets) {
      const person = t.kind === 'email' ? org.personByEmail(t.email) : org.personBySlack(t.id);
      if (!person || person.team_id !== team.id) {
        notOn.push(person ? who(person) : t.kind === 'email' ? escapeMrkdwn(t.email) : `<@${t.id}>`);
        continue;
      }
      org.setPersonTeam(person.id, null);
      removed.push(person);
    }
    if (removed.length) {
      auditRepo(deps.db).record({
        actor: ctx.userId,
        action: 'team.remove',
        teamId: team.id,
        subject: 'members',
        details: { removed: removed.map((p) => p.id) },
        at: now,
      });
    }
    return { removed, notOn };
  })();
  const lines = [
    outcome.removed.length
      ? `Removed ${outcome.removed.map(who).join(', ')} from *${escapeMrkdwn(team.name)}*.`
      : `Nobody changed: nobody named is on *${escapeMrkdwn(team.name)}*.`,
  ];
  if (outcome.notOn.length && outcome.removed.length) lines.push(`Not on the team: ${outcome.notOn.join(', ')}`);
  return adminDone(lines);
}

async function approvers(ctx: CommandContext, args: string[]): Promise<SlackMessage> {
  const [name, ...words] = args;
  const team = teamNamed(ctx, name, EXAMPLES.approvers);
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
  const { deps } = ctx;
  const org = orgRepo(deps.db);
  const now = deps.clock.now();
  const before = deps.db.transaction(() => {
    const prev = org.approvers(team.id);
    org.setApprovers(team.id, ids);
    auditRepo(deps.db).record({
      actor: ctx.userId,
      action: 'team.approvers',
      teamId: team.id,
      subject: 'approvers',
      details: { before: prev, after: ids },
      at: now,
    });
    return prev;
  })();
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
  const team = teamNamed(ctx, name, example);
  const clear = which === 'approvals' && channelWord?.toLowerCase() === 'none';
  const channel = clear ? null : channelWord ? parseChannelRef(channelWord) : undefined;
  if (channel === undefined || extra.length > 0) {
    throw badArgs(
      channelWord && !extra.length ? `\`${escapeMrkdwn(channelWord.slice(0, 60))}\` is not a channel.${mentionHint(channelWord)}` : 'Give the team and one channel.',
      example,
    );
  }
  const { deps } = ctx;
  const org = orgRepo(deps.db);
  const now = deps.clock.now();
  const before = which === 'channel' ? team.channel_id : team.approvals_channel_id;
  deps.db.transaction(() => {
    if (which === 'channel') org.setTeamChannel(team.id, channel!);
    else org.setApprovalsChannel(team.id, channel);
    auditRepo(deps.db).record({
      actor: ctx.userId,
      action: which === 'channel' ? 'team.channel' : 'team.approvals_channel',
      teamId: team.id,
      subject: 'team',
      details: { before, after: channel },
      at: now,
    });
  })();
  if (which === 'channel') {
    return adminDone([`*${escapeMrkdwn(team.name)}* digests and loop alerts now post in <#${channel}> (before: ${channelRef(before)}).`], 'Invite the bot to the channel so it can post.');
  }
  return adminDone([
    channel
      ? `Budget requests of *${escapeMrkdwn(team.name)}* now go to <#${channel}> (before: ${channelRef(before ?? team.channel_id)}).`
      : `Budget requests of *${escapeMrkdwn(team.name)}* now go to its own channel ${channelRef(team.channel_id)}.`,
  ]);
}

function list(ctx: CommandContext): SlackMessage {
  const org = orgRepo(ctx.deps.db);
  return teamListBlocks(
    org.teams().map((team) => ({ team, members: org.teamMembers(team.id).length, approvers: org.approvers(team.id) })),
  );
}

export function teamAdminHandler(): AdminHandler {
  return {
    word: 'team',
    async run(ctx, args) {
      const verb = (args[0] ?? 'list').toLowerCase();
      const rest = args.slice(1);
      switch (verb) {
        case 'list':
          return list(ctx);
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
