// Server-side latency of the /aispend subcommands on the generated year: each subcommand's own run
// function, as the dispatcher calls it after ack(), with a respond that keeps the answer (no Slack
// I/O). Callers and arguments vary across samples the way a workspace would use them.
import type { webApi } from '@slack/bolt';
import { fixedClock } from '../../src/clock.js';
import { testConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/open.js';
import type { Deps } from '../../src/deps.js';
import { silentLogger } from '../../src/logger.js';
import { features } from '../../src/features.js';
import type { CommandContext, SlackMessage, Subcommand } from '../../src/slack/subcommand.js';
import { benchNow } from '../generate.js';
import { ADMIN_SLACK_ID, buildOrg, type BenchOrg } from '../lib/org.js';
import { createRng, type Rng } from '../lib/prng.js';
import { rounded, summarize, type Summary } from '../lib/stats.js';
import type { PhaseOptions } from './options.js';

export const MEASURED = ['summary', 'me', 'budget', 'sessions', 'models', 'quality'] as const;

interface Invocation {
  userId: string;
  args: string[];
  isAdmin: boolean;
}

/** A Web API client whose every method answers ok at once: no Slack I/O inside the measurement. */
function offlineClient(): webApi.WebClient {
  const answer = async () => ({ ok: true });
  const group: ProxyHandler<object> = { get: () => answer };
  return new Proxy({}, { get: () => new Proxy({}, group) }) as unknown as webApi.WebClient;
}

/** who asks what: mostly members about their own team, sometimes an admin about a named team or the org */
function invocation(name: string, rng: Rng, org: BenchOrg): Invocation {
  const members = org.people.filter((p) => p.teamId !== null);
  const p = members[rng.int(0, members.length - 1)]!;
  const team = org.teams[rng.int(0, org.teams.length - 1)]!;
  const own: Invocation = { userId: p.slackId, args: [], isAdmin: false };
  const admin = (args: string[]): Invocation => ({ userId: p.slackId, args, isAdmin: true });
  const x = rng.next();
  switch (name) {
    case 'summary':
      if (x < 0.45) return own;
      if (x < 0.65) return { ...own, args: ['month'] };
      if (x < 0.8) return { ...own, args: ['sprint'] };
      if (x < 0.95) return admin([team.name, rng.pick(['week', 'month'])]);
      return admin(['org', 'month']);
    case 'quality':
      if (x < 0.5) return own;
      if (x < 0.75) return { ...own, args: ['month'] };
      if (x < 0.95) return admin([team.name, rng.pick(['week', 'month'])]);
      return admin(['org', 'month']);
    case 'sessions':
      if (x < 0.6) return own;
      if (x < 0.8) return { ...own, args: ['looping'] };
      if (x < 0.9) return { ...own, args: ['me'] };
      return admin([team.name]);
    case 'models':
    case 'budget':
      return x < 0.8 ? own : admin([team.name]);
    default:
      return own;
  }
}

/** one of each way a subcommand is asked (run once before the samples: a bot that has been up a while) */
function shapes(name: string, org: BenchOrg): Invocation[] {
  const p = org.people.find((x) => x.teamId !== null)!;
  const team = org.teams[org.teams.length - 1]!;
  const own = (args: string[]): Invocation => ({ userId: p.slackId, args, isAdmin: false });
  const admin = (args: string[]): Invocation => ({ userId: p.slackId, args, isAdmin: true });
  switch (name) {
    case 'summary':
      return [own([]), own(['month']), own(['sprint']), admin([team.name, 'week']), admin([team.name, 'month']), admin(['org', 'month'])];
    case 'quality':
      return [own([]), own(['month']), admin([team.name, 'week']), admin(['org', 'month'])];
    case 'sessions':
      return [own([]), own(['looping']), own(['me']), admin([team.name])];
    case 'models':
    case 'budget':
      return [own([]), admin([team.name])];
    default:
      return [own([])];
  }
}

/** "org month", "<team> week", "(own)": how an invocation is reported */
function shapeOf(inv: Invocation, org: BenchOrg): string {
  const names = new Set(org.teams.map((t) => t.name));
  const words = inv.args.map((a) => (names.has(a) ? '<team>' : a));
  return words.length ? words.join(' ') : '(own team)';
}

export interface QueryResult {
  subcommand: string;
  samples: number;
  latencyMs: Summary;
  /** the same samples by way of asking (own team, month, a named team, the org, …) */
  byShape: Record<string, Summary>;
  /** answers that were refusals (UserFacingError) instead of figures: should be 0 */
  refusals: number;
  /** the first answer, so a reader can see the work was real */
  sampleText: string;
}

export async function run(o: PhaseOptions): Promise<{ results: QueryResult[]; skipped: string[] }> {
  const db = openDatabase(o.dbPath);
  try {
    const config = testConfig({ AISPEND_TIMEZONE: o.tz, AISPEND_ADMINS: ADMIN_SLACK_ID, LOG_LEVEL: 'silent' });
    const deps: Deps = { db, config, logger: silentLogger, clock: fixedClock(benchNow(o.endDay, o.tz)), afterIngest: [] };
    const table = new Map<string, Subcommand>();
    for (const f of features) for (const s of f.subcommands?.(deps) ?? []) table.set(s.name, s);
    const org = buildOrg(o.seed, o.scale);
    const client = offlineClient();
    const results: QueryResult[] = [];
    const skipped: string[] = [];
    for (const name of MEASURED) {
      const sub = table.get(name);
      if (!sub) {
        skipped.push(name);
        continue;
      }
      const rng = createRng(o.seed, 'queries', name);
      const warm = shapes(name, org);
      const warmup = warm.length + Math.min(20, Math.ceil(o.querySamples / 10));
      const times: number[] = [];
      const byShape = new Map<string, number[]>();
      let refusals = 0;
      let sampleText = '';
      for (let k = 0; k < warmup + o.querySamples; k++) {
        const inv = k < warm.length ? warm[k]! : invocation(name, rng, org);
        let answer: SlackMessage | undefined;
        const ctx: CommandContext = {
          deps,
          userId: inv.userId,
          channelId: 'CBENCH',
          args: inv.args,
          rest: inv.args.join(' '),
          isAdmin: inv.isAdmin,
          client,
          respond: async (m) => {
            answer = m;
          },
        };
        const t0 = performance.now();
        try {
          const r = await sub.run(ctx);
          if (r) answer = r;
        } catch (e) {
          if ((e as { status?: number }).status !== undefined && (e as { status: number }).status < 500) refusals += 1;
          else throw e;
        }
        const ms = performance.now() - t0;
        if (k >= warmup) {
          times.push(ms);
          const key = shapeOf(inv, org);
          byShape.set(key, [...(byShape.get(key) ?? []), ms]);
        }
        if (!sampleText && answer) sampleText = answer.text.slice(0, 160);
      }
      results.push({
        subcommand: name,
        samples: times.length,
        latencyMs: rounded(summarize(times), 3),
        byShape: Object.fromEntries([...byShape].map(([k, v]) => [k, rounded(summarize(v), 3)])),
        refusals,
        sampleText,
      });
    }
    return { results, skipped };
  } finally {
    db.close();
  }
}
