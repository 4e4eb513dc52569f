// `aispend tokens create|list|revoke`: bearer tokens for the ingest routes, stored as SHA-256 hashes.
// `create <name> --team <team>` scopes a token to one team: its records may name no other team
// (403 naming the field) and what names none counts for that team.
import type { Db } from '../db/open.js';
import { orgRepo } from '../db/repos/org-repo.js';
import { generateToken, tokenRepo } from '../db/repos/token-repo.js';

export interface CliOutput {
  ok: boolean;
  lines: string[];
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** `--team <team>` (or `--team=<team>`) taken out of the arguments */
function teamOption(args: string[]): { rest: string[]; team?: string; missing?: boolean } {
  const rest: string[] = [];
  let team: string | undefined;
  let missing = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--team') {
      team = args[++i];
      if (team === undefined || team.startsWith('--')) missing = true;
    } else if (a.startsWith('--team=')) {
      team = a.slice('--team='.length);
      if (!team) missing = true;
    } else rest.push(a);
  }
  return { rest, team, missing };
}

const USAGE = 'Usage: tokens create <name> [--team <team>] | tokens list | tokens revoke <name>';

export function runTokensCommand(db: Db, args: string[], now: number): CliOutput {
  const opts = teamOption(args);
  const [action, name, extra] = opts.rest;
  const repo = tokenRepo(db);
  if (opts.team !== undefined || opts.missing) {
    if (action !== 'create') return { ok: false, lines: ['--team goes with `tokens create <name> --team <team>`.', USAGE] };
  }
  switch (action) {
    case 'create': {
      if (!name || !NAME.test(name)) {
        return { ok: false, lines: ['Give the token a name: letters, digits, . _ - (up to 64), e.g. `tokens create claude-code`.'] };
      }
      if (extra !== undefined) return { ok: false, lines: [`Unexpected "${extra}".`, USAGE] };
      if (opts.missing) return { ok: false, lines: ['--team needs a team name, e.g. `tokens create platform-gateway --team platform`.'] };
      let teamId: number | null = null;
      let teamName: string | undefined;
      if (opts.team !== undefined) {
        const team = orgRepo(db).teamByName(opts.team.trim());
        if (!team) {
          const known = orgRepo(db).teams().map((t) => t.name);
          return {
            ok: false,
            lines: [
              `No team named "${opts.team}".`,
              known.length > 0 ? `Teams: ${known.join(', ')}.` : 'No teams yet: create one in Slack with /aispend admin team create <name> <#channel>.',
            ],
          };
        }
        teamId = team.id;
        teamName = team.name;
      }
      if (repo.byName(name)) return { ok: false, lines: [`A token named "${name}" exists already. Revoke it or pick another name.`] };
      const token = generateToken();
      repo.create(name, token, now, teamId);
      return {
        ok: true,
        lines: [
          `Created ingest token "${name}"${teamName ? ` for team ${teamName}` : ''}. Copy it now: it is not stored and will not be shown again.`,
          '',
          `  ${token}`,
          '',
          `Use it as: Authorization: Bearer ${token.slice(0, 8)}…`,
          ...(teamName
            ? [
                `Its records count for team ${teamName}; a record naming another team (a team field, a team.id or team attribute) is refused with 403.`,
              ]
            : []),
        ],
      };
    }
    case 'list': {
      const rows = repo.list();
      if (rows.length === 0) return { ok: true, lines: ['No tokens yet. Make one with: npx aispend tokens create <name>'] };
      const iso = (ms: number | null) => (ms ? new Date(ms).toISOString().slice(0, 16).replace('T', ' ') : '-');
      const scope = (r: (typeof rows)[number]) => (r.team_id === null ? 'any team' : `team ${r.team_name ?? `#${r.team_id}`}`);
      const width = Math.max(20, ...rows.map((r) => scope(r).length));
      return {
        ok: true,
        lines: [
          `name                 ${'scope'.padEnd(width)} created           last used         status`,
          ...rows.map(
            (r) =>
              `${r.name.padEnd(20)} ${scope(r).padEnd(width)} ${iso(r.created_at).padEnd(17)} ${iso(r.last_used_at).padEnd(17)} ${r.revoked_at ? `revoked ${iso(r.revoked_at)}` : 'active'}`,
          ),
        ],
      };
    }
    case 'revoke': {
      if (!name) return { ok: false, lines: ['Which token? `tokens revoke <name>` (see `tokens list`).'] };
      if (!repo.byName(name)) return { ok: false, lines: [`No token named "${name}".`] };
      if (!repo.revoke(name, now)) return { ok: false, lines: [`Token "${name}" was already revoked.`] };
      return { ok: true, lines: [`Revoked "${name}". Requests using it now get 401.`] };
    }
    default:
      return { ok: false, lines: [USAGE] };
  }
}
