// `/aispend admin map <workspace|project|key> <id> <team>`: attributes a provider workspace, an
// OpenAI/Jira/Linear/generic project, or an API key to a team. `map` alone lists the mappings.
import { orgRepo, type MappingKind } from '../../db/repos/org-repo.js';
import { escapeMrkdwn } from '../../slack/format.js';
import { adminDone, badArgs } from '../../slack/admin/answers.js';
import { teamArg } from '../../slack/admin/args.js';
import { didYouMean } from '../../slack/parse.js';
import { mappingListBlocks, movedLine } from './admin-blocks.js';
import { mapSource } from './source-admin.js';
import type { AdminHandler } from '../../slack/admin/admin-handler.js';

const KINDS: MappingKind[] = ['workspace', 'project', 'key'];
const EXAMPLE = '/aispend admin map workspace wrkspc_01AbC platform';
const ALIASES: Record<string, MappingKind> = { workspaces: 'workspace', projects: 'project', keys: 'key', 'api-key': 'key', apikey: 'key' };

/** Slack may wrap a pasted id as a link (<https://…|text>) or escape it; take the text as typed. */
function plainId(word: string): string {
  const m = /^<[^|>]*\|([^>]+)>$/.exec(word) ?? /^<([^>|]+)>$/.exec(word);
  return (m ? m[1]! : word).replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>');
}

export function mapAdminHandler(): AdminHandler {
  return {
    word: 'map',
    async run(ctx, args) {
      const org = orgRepo(ctx.deps.db);
      if (args.length === 0 || (args.length === 1 && args[0]!.toLowerCase() === 'list')) return mappingListBlocks(org.mappings());
      const [kindWord, idWord, teamName, ...extra] = args;
      const lower = kindWord!.toLowerCase();
      const kind = (KINDS as string[]).includes(lower) ? (lower as MappingKind) : ALIASES[lower];
      if (!kind) {
        const guess = didYouMean(lower, KINDS);
        throw badArgs(
          `\`${escapeMrkdwn(kindWord!.slice(0, 40))}\` is not a kind of source: use workspace (Anthropic), project ` +
            `(OpenAI project, Jira project key, Linear team key, generic \`project\`) or key (provider API key id).` +
            (guess ? ` Did you mean \`${guess}\`?` : ''),
          EXAMPLE,
        );
      }
      if (!idWord || !teamName || extra.length > 0) {
        throw badArgs(`Give the ${kind} id and then the team${extra.length ? ' (ids have no spaces)' : ''}.`, EXAMPLE);
      }
      const id = plainId(idWord);
      if (id.length > 200) throw badArgs('That id is over 200 characters.', EXAMPLE);
      const team = teamArg(ctx.deps, teamName, EXAMPLE);
      const { deps } = ctx;
      const { before, moved } = mapSource(deps, ctx.userId, kind, id, team);
      const lines = [`${kind[0]!.toUpperCase()}${kind.slice(1)} \`${escapeMrkdwn(id)}\` now counts for *${escapeMrkdwn(team.name)}*.`];
      if (before && before.id !== team.id) lines.push(`It counted for *${escapeMrkdwn(before.name)}* before.`);
      if (before && before.id === team.id) lines[0] = `${kind[0]!.toUpperCase()}${kind.slice(1)} \`${escapeMrkdwn(id)}\` already counted for *${escapeMrkdwn(team.name)}*.`;
      lines.push(movedLine(moved, team.name, deps.config.timezone) ?? 'No unattributed spend was waiting for it.');
      return adminDone(
        lines,
        'A mapping names the team of usage and delivery when nothing more specific (a team attribute, the person\'s team) does. ' +
          'Spend already attributed to a team stays where it was.',
      );
    },
  };
}
