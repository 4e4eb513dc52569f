// The doctor's checks of what is on this machine: the database (writable, schema version, size, the
// disk), retention, webhook secrets, the provider pollers (one cheap authenticated call each), ingest
// tokens, admins and teams.
import { accessSync, constants, existsSync, statfsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Config } from '../../config.js';
import type { Deps } from '../../deps.js';
import { checkWritable, latestSchemaVersion, schemaVersion, type Db } from '../../db/open.js';
import { opsRepo } from '../../db/repos/ops-repo.js';
import { orgRepo } from '../../db/repos/org-repo.js';
import { tokenRepo } from '../../db/repos/token-repo.js';
import { POLLER_LAST_SUCCESS, probeProviders } from '../../ingest/index.js';
import { lastRetentionRun } from '../retention.js';
import { ago, bytes, fail, ok, skip, type Check } from './checks.js';
import type { PostingChannel } from './slack-checks.js';

/** below this much free disk the database (and its backups) will soon fill it */
export const MIN_FREE_DISK_BYTES = 1024 ** 3;

function size(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function freeDisk(path: string): number | undefined {
  try {
    const s = statfsSync(path);
    return s.bavail * s.bsize;
  } catch {
    return undefined;
  }
}

/** the nearest existing folder at or above `path` */
function existingFolder(path: string): string {
  let dir = resolve(path);
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

export function missingDatabaseCheck(config: Config): Check {
  const folder = existingFolder(dirname(config.databasePath));
  try {
    accessSync(folder, constants.W_OK);
    return ok('Database', `${config.databasePath} does not exist yet; npm start creates it (${folder} is writable)`);
  } catch {
    return fail('Database', `${config.databasePath} does not exist, and ${folder} is not writable`, 'point DATABASE_PATH at a writable place (in the container: /data, a volume)');
  }
}

export function databaseChecks(config: Config, db: Db, now: number): Check[] {
  const out: Check[] = [];
  const path = config.databasePath;
  const version = schemaVersion(db);
  const latest = latestSchemaVersion();
  let writable: string | undefined;
  try {
    checkWritable(db);
  } catch (e) {
    writable = e instanceof Error ? e.message : String(e);
  }
  const total = size(path) + size(`${path}-wal`);
  const pages = opsRepo(db).pageStats();
  const disk = freeDisk(dirname(resolve(path)));
  const figures = `${bytes(total)} (${bytes(pages.freePages * pages.pageSize)} free inside)${disk === undefined ? '' : `, ${bytes(disk)} free on the disk`}`;
  if (writable !== undefined) {
    out.push(fail('Database', `${path} cannot be written: ${writable}`, 'check the file and its folder belong to the user aispend runs as, and that no other program holds the database locked'));
  } else if (version > latest) {
    out.push(fail('Database', `${path} is at schema version ${version}, newer than this aispend knows (${latest})`, 'upgrade aispend, or point DATABASE_PATH at another file'));
  } else if (disk !== undefined && disk < MIN_FREE_DISK_BYTES) {
    out.push(fail('Database', `${path}, ${figures}: the disk is nearly full`, 'free space, lower RETENTION_DAYS, or move DATABASE_PATH to a larger disk'));
  } else {
    const schema = version === latest ? `schema version ${version} (current)` : `schema version ${version} (the next start migrates it to ${latest})`;
    out.push(ok('Database', `${path} writable, ${schema}, ${figures}`));
  }
  const run = lastRetentionRun({ db });
  out.push(
    ok(
      'Retention',
      `raw records kept ${config.retentionDays} days (RETENTION_DAYS); ` +
        (run ? `last run ${ago(run.at, now)}, deleted ${run.usageRows + run.toolResults + run.claims} records` : 'not run yet (it runs at start and daily at 03:23)'),
    ),
  );
  return out;
}

const WEBHOOKS = [
  { source: 'github', label: 'GitHub webhook', variable: 'GITHUB_WEBHOOK_SECRET', route: '/webhooks/github', secret: (c: Config) => c.webhooks.githubSecret },
  { source: 'jira', label: 'Jira webhook', variable: 'JIRA_WEBHOOK_SECRET', route: '/webhooks/jira', secret: (c: Config) => c.webhooks.jiraSecret },
  { source: 'linear', label: 'Linear webhook', variable: 'LINEAR_WEBHOOK_SECRET', route: '/webhooks/linear', secret: (c: Config) => c.webhooks.linearSecret },
] as const;

/** shorter secrets can be guessed offline from one signed delivery */
export const MIN_SECRET_LENGTH = 16;

export function webhookChecks(config: Config, db: Db | undefined, now: number): Check[] {
  return WEBHOOKS.map((w) => {
    const secret = w.secret(config);
    if (!secret) return skip(w.label, `${w.variable} unset: ${w.route} answers 503 until it is set`);
    if (secret.length < MIN_SECRET_LENGTH) {
      return fail(w.label, `${w.variable} is only ${secret.length} characters`, `use a long random secret (openssl rand -hex 32) here and in the webhook's settings`);
    }
    const last = db ? opsRepo(db).lastDeliveryAt(w.source) : null;
    return ok(w.label, `${w.variable} set; ${last === null ? 'no delivery received yet' : `last delivery ${ago(last, now)}`}`);
  });
}

export async function pollerChecks(deps: Deps, now: number, dbReadable: boolean): Promise<Check[]> {
  const out: Check[] = [];
  const probes = await probeProviders(deps, now);
  const done = dbReadable ? opsRepo(deps.db).settingsWithPrefix(POLLER_LAST_SUCCESS) : new Map<string, string>();
  for (const provider of ['anthropic', 'openai'] as const) {
    const p = probes.find((x) => x.provider === provider);
    if (!p) {
      const variable = provider === 'anthropic' ? 'ANTHROPIC_ADMIN_API_KEY' : 'OPENAI_ADMIN_API_KEY';
      out.push(skip(provider === 'anthropic' ? 'Anthropic Admin API' : 'OpenAI organization API', `${variable} unset: its bills are not polled`));
      continue;
    }
    const lastRuns = [...done].filter(([name]) => name.startsWith(provider === 'anthropic' ? 'anthropic_' : 'openai_') || (provider === 'anthropic' && name.startsWith('claude_code'))).map(([, at]) => Number(at));
    const last = lastRuns.length > 0 ? `last successful poll ${ago(Math.max(...lastRuns), now)}` : 'no successful poll yet';
    if (p.outcome === 'ok') out.push(ok(p.label, `reachable at ${p.url}; ${p.keyVariable} accepted; ${last}`));
    else if (p.outcome === 'rejected') {
      out.push(fail(p.label, `reachable at ${p.url}, but it rejected ${p.keyVariable} (${p.detail})`, `make a new admin key (${provider === 'anthropic' ? 'Claude Console → Settings → Admin keys' : 'platform.openai.com → Organization → Admin keys'}) and set ${p.keyVariable}`));
    } else if (p.outcome === 'unreachable') {
      out.push(fail(p.label, `cannot reach ${p.label} at ${p.url}: ${p.detail}`, `check the network, any proxy, and ${provider === 'anthropic' ? 'ANTHROPIC_API_URL' : 'OPENAI_API_URL'}`));
    } else {
      out.push(fail(p.label, `${p.url} answered ${p.detail}`, `check ${provider === 'anthropic' ? 'ANTHROPIC_API_URL' : 'OPENAI_API_URL'} (unset means the provider's own API)`));
    }
  }
  return out;
}

export function tokenChecks(config: Config, db: Db | undefined, now: number): Check {
  const tokens = db ? tokenRepo(db).list().filter((t) => t.revoked_at === null) : [];
  const parts: string[] = [];
  if (config.ingestToken) parts.push('AISPEND_INGEST_TOKEN set');
  if (tokens.length > 0) {
    const used = tokens.map((t) => `${t.name} ${t.last_used_at ? `used ${ago(t.last_used_at, now)}` : 'never used'}`);
    parts.push(`${tokens.length} active ${tokens.length === 1 ? 'token' : 'tokens'} (${used.slice(0, 5).join(', ')}${used.length > 5 ? ', …' : ''})`);
  }
  if (parts.length === 0) {
    return fail('Ingest tokens', 'none: telemetry, generic usage and delivery events cannot be sent', 'npx aispend tokens create <name> (or set AISPEND_INGEST_TOKEN)');
  }
  return ok('Ingest tokens', parts.join('; '));
}

export function orgChecks(config: Config, db: Db | undefined): Check[] {
  const out: Check[] = [];
  if (config.admins.length === 0) {
    out.push(fail('Admins', 'AISPEND_ADMINS is empty: nobody can set up teams, budgets or mappings', 'set AISPEND_ADMINS to your Slack member ID (profile → ⋯ → Copy member ID)'));
  } else out.push(ok('Admins', `${config.admins.length} (${config.admins.join(', ')})`));
  if (db) {
    const teams = orgRepo(db).teams();
    if (teams.length === 0) out.push(skip('Teams', 'none yet: /aispend admin team create <name> <#channel>'));
    else out.push(ok('Teams', `${teams.length}: ${teams.slice(0, 8).map((t) => t.name).join(', ')}${teams.length > 8 ? ', …' : ''}`));
  }
  return out;
}

/** every channel the bot posts to (team, approvals, org digest), with who uses it */
export function postingChannels(config: Config, db: Db): PostingChannel[] {
  const uses = new Map<string, string[]>();
  const add = (id: string | null | undefined, use: string) => {
    if (!id) return;
    uses.set(id, [...(uses.get(id) ?? []), use]);
  };
  for (const t of orgRepo(db).teams()) {
    add(t.channel_id, `team ${t.name}'s channel`);
    add(t.approvals_channel_id, `team ${t.name}'s approvals channel`);
  }
  add(config.orgChannel, 'the org digest channel (AISPEND_ORG_CHANNEL)');
  return [...uses].map(([id, u]) => ({ id, uses: u }));
}
