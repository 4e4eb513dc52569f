// The benchmark org: teams, people, trackers, API projects and keys. Derived from (seed, scale)
// alone, so the generator and the ingest phases agree on who is who without reading the database.
import { createRng } from './prng.js';

export const MODELS = {
  sonnet: { provider: 'anthropic', model: 'claude-sonnet-4-5-20250929' },
  opus: { provider: 'anthropic', model: 'claude-opus-4-1-20250805' },
  haiku: { provider: 'anthropic', model: 'claude-haiku-4-5-20251001' },
  gpt5: { provider: 'openai', model: 'gpt-5' },
  gpt41: { provider: 'openai', model: 'gpt-4.1' },
  gpt5mini: { provider: 'openai', model: 'gpt-5-mini' },
  gpt4omini: { provider: 'openai', model: 'gpt-4o-mini' },
} as const;
export type ModelName = keyof typeof MODELS;

export const ADMIN_SLACK_ID = 'UBENCHADMIN';

const TEAM_NAMES = [
  'platform', 'payments', 'checkout', 'search', 'identity', 'billing', 'mobile-ios', 'mobile-android', 'web-core',
  'growth', 'data-eng', 'ml-infra', 'recommendations', 'notifications', 'messaging', 'onboarding', 'risk', 'fraud',
  'ledger', 'reporting', 'analytics', 'design-system', 'devex', 'ci-cd', 'observability', 'sre', 'security',
  'compliance', 'partner-api', 'integrations', 'catalog', 'inventory', 'pricing', 'fulfilment', 'logistics',
  'support-tools', 'admin-console', 'localization', 'accessibility', 'performance', 'storage', 'networking',
  'edge', 'auth-gateway', 'experiments', 'marketplace', 'subscriptions', 'invoicing', 'tax', 'crm',
];

/** a team's product traffic on the OpenAI API: billed daily by the costs API, per project and key */
export interface ApiService {
  provider: 'openai';
  model: string;
  /** OpenAI project id, mapped to the team */
  project: string;
  apiKeyId: string;
  /** mean spend on a working day */
  dailyCostUsd: number;
}

export interface BenchTeam {
  id: number;
  name: string;
  /** tracker project key (Jira) or team key (Linear) */
  key: string;
  tracker: 'jira' | 'linear';
  /** the team's Claude Code also exports events (OTEL_LOGS_EXPORTER=otlp): usage counts from api_request events */
  telemetryEvents: boolean;
  channelId: string;
  approvalsChannelId: string;
  approverSlackIds: string[];
  services: ApiService[];
  memberIds: number[];
}

export interface BenchPerson {
  id: number;
  email: string;
  slackId: string;
  name: string;
  githubLogin: string;
  /** Claude account UUID, linked to the person by earlier telemetry */
  accountUuid: string;
  /** null: not mapped to any team (contractors): their spend shows as unattributed */
  teamId: number | null;
  /** how much this person uses agents (median 1) */
  activity: number;
  /** also uses an editor tool reported through the generic route (Cursor) */
  editorUser: boolean;
}

export interface BenchOrg {
  teams: BenchTeam[];
  people: BenchPerson[];
}

export function orgSize(scale: number): { users: number; teams: number } {
  const users = Math.max(8, Math.round(2000 * scale));
  const teams = Math.max(2, Math.min(50, Math.round(users / 40)));
  return { users, teams };
}

const pad = (n: number, w: number) => String(n).padStart(w, '0');

export function buildOrg(seed: number, scale: number): BenchOrg {
  const { users, teams: teamCount } = orgSize(scale);
  const rng = createRng(seed, 'org');
  // uneven team sizes (20..60 at full scale), normalised to the user count
  const weights = Array.from({ length: teamCount }, () => 0.5 + rng.next());
  const wsum = weights.reduce((a, b) => a + b, 0);
  const unmapped = Math.floor(users * 0.01);
  const mapped = users - unmapped;
  const sizes = weights.map((w) => Math.max(1, Math.floor((w / wsum) * mapped)));
  let extra = mapped - sizes.reduce((a, b) => a + b, 0);
  for (let i = 0; extra > 0; i = (i + 1) % teamCount, extra--) sizes[i]! += 1;

  const teams: BenchTeam[] = [];
  const people: BenchPerson[] = [];
  let personId = 0;
  for (let t = 0; t < teamCount; t++) {
    const id = t + 1;
    const base = TEAM_NAMES[t % TEAM_NAMES.length]!;
    const name = t < TEAM_NAMES.length ? base : `${base}-${Math.floor(t / TEAM_NAMES.length) + 1}`;
    const key = (name.replace(/[^a-z]/g, '').slice(0, 3) + pad(id, 2)).toUpperCase();
    const memberIds: number[] = [];
    for (let i = 0; i < sizes[t]!; i++) {
      personId += 1;
      memberIds.push(personId);
      people.push(makePerson(personId, id, rng.logNormal(0.6), rng.chance(0.3)));
    }
    // most teams buy some API traffic; the first always does, so every scale has a bill
    const nServices = t === 0 ? 1 + rng.int(0, 1) : rng.int(0, 2);
    const services: ApiService[] = [];
    for (let s = 0; s < nServices; s++) {
      const m = MODELS[rng.pick(['gpt5', 'gpt41', 'gpt5mini', 'gpt4omini'] as const)];
      services.push({
        provider: 'openai',
        model: m.model,
        project: `proj_${key.toLowerCase()}_${s + 1}`,
        apiKeyId: `key_${key.toLowerCase()}_${s + 1}`,
        dailyCostUsd: Math.round(20 * rng.logNormal(0.8) * 100) / 100,
      });
    }
    const lead = people.find((p) => p.id === memberIds[0])!;
    teams.push({
      id,
      name,
      key,
      tracker: t % 5 < 3 ? 'jira' : 'linear',
      // one team in ten (and the last one of a small org) also exports Claude Code events
      telemetryEvents: t % 10 === 9 || (teamCount < 10 && t === teamCount - 1),
      channelId: `CT${pad(id, 8)}`,
      approvalsChannelId: `CA${pad(id, 8)}`,
      approverSlackIds: [lead.slackId, `UDIR${pad(Math.floor(t / 10) + 1, 4)}`],
      services,
      memberIds,
    });
  }
  for (let i = 0; i < unmapped; i++) {
    personId += 1;
    people.push(makePerson(personId, null, rng.logNormal(0.6), rng.chance(0.3)));
  }
  return { teams, people };
}

function makePerson(id: number, teamId: number | null, activity: number, editorUser: boolean): BenchPerson {
  const n = pad(id, 5);
  return {
    id,
    email: `eng${n}@bench.example`,
    slackId: `UB${n}`,
    name: `Engineer ${n}`,
    githubLogin: `eng${n}`,
    accountUuid: `acct-uuid-${n}`,
    teamId,
    activity: Math.min(activity, 4),
    editorUser,
  };
}
