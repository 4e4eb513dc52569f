// `aispend tokens create|list|revoke`: bearer tokens for the ingest routes, stored as SHA-256 hashes.
import type { Db } from '../db/open.js';
import { generateToken, tokenRepo } from '../db/repos/token-repo.js';

export interface CliOutput {
  ok: boolean;
  lines: string[];
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function runTokensCommand(db: Db, args: string[], now: number): CliOutput {
  const [action, name] = args;
  const repo = tokenRepo(db);
  switch (action) {
    case 'create': {
      if (!name || !NAME.test(name)) {
        return { ok: false, lines: ['Give the token a name: letters, digits, . _ - (up to 64), e.g. `tokens create claude-code`.'] };
      }
      if (repo.byName(name)) return { ok: false, lines: [`A token named "${name}" exists already. Revoke it or pick another name.`] };
      const token = generateToken();
      repo.create(name, token, now);
      return {
        ok: true,
        lines: [
          `Created ingest token "${name}". Copy it now: it is not stored and will not be shown again.`,
          '',
          `  ${token}`,
          '',
          `Use it as: Authorization: Bearer ${token.slice(0, 8)}…`,
        ],
      };
    }
    case 'list': {
      const rows = repo.list();
      if (rows.length === 0) return { ok: true, lines: ['No tokens yet. Make one with: npx aispend tokens create <name>'] };
      const iso = (ms: number | null) => (ms ? new Date(ms).toISOString().slice(0, 16).replace('T', ' ') : '-');
      return {
        ok: true,
        lines: [
          'name                 created           last used         status',
          ...rows.map(
            (r) =>
              `${r.name.padEnd(20)} ${iso(r.created_at).padEnd(17)} ${iso(r.last_used_at).padEnd(17)} ${r.revoked_at ? `revoked ${iso(r.revoked_at)}` : 'active'}`,
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
      return { ok: false, lines: ['Usage: tokens create <name> | tokens list | tokens revoke <name>'] };
  }
}
