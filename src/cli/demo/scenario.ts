// The demo org and its 8 weeks of activity, generated from a fixed seed: teams, people, Claude Code
// sessions (with commits, dead ends and one looping session), API usage from services, stories, and
// work done without Claude Code (by hand, or with Cursor). How that work reaches GitHub and the
// trackers (branches, CI, reviews, reverts, reopens, rework) is delivery.ts's part.
// Pure: returns plain data per local day; the demo sends it through the real ingest routes.
import { addDays, dayStartInstant, localDay, weekdayOf } from '../../domain/time.js';
import { hex, int, pick, seededRandom, uuid } from './random.js';

export interface DemoPerson {
  email: string;
  name: string;
  github: string;
  /** how they write code: Claude Code sessions (the default), Cursor (AI-assisted, no spend here), or by hand */
  tool?: 'claude' | 'cursor' | 'hand';
}

export const toolOf = (p: DemoPerson) => p.tool ?? 'claude';

export interface DemoTeam {
  name: string;
  channel: string;
  budgetUsd: number | null;
  repo: string | null;
  storyPrefix: string | null;
  /** model mix of Claude Code requests: [model, weight] */
  models: Array<[string, number]>;
  /** commits reach aispend from GitHub (else only Claude Code's own commit counter) */
  github: boolean;
  /** where its stories are tracked */
  tracker: 'jira' | 'linear' | 'generic' | null;
  /** its CI: GitHub Actions (workflow runs) or CircleCI (check suites) */
  ci: 'actions' | 'circleci' | null;
  people: DemoPerson[];
  /** relative activity level */
  intensity: number;
}

export const DEMO_TEAMS: DemoTeam[] = [
  {
    name: 'Platform',
    channel: 'C0DEMOPLAT',
    budgetUsd: 700,
    repo: 'acme/platform',
    storyPrefix: 'PLAT',
    models: [
      ['claude-opus-4-1-20250805', 0.6],
      ['claude-sonnet-4-5-20250929', 0.4],
    ],
    github: true,
    tracker: 'jira',
    ci: 'actions',
    intensity: 1.1,
    people: [
      { email: 'ada@acme.example', name: 'Ada Byron', github: 'ada' },
      { email: 'grace@acme.example', name: 'Grace Brewster', github: 'grace' },
      { email: 'linus@acme.example', name: 'Linus Bakker', github: 'linusb' },
      { email: 'margaret@acme.example', name: 'Margaret Holt', github: 'mholt' },
      { email: 'donald@acme.example', name: 'Donald Kwan', github: 'dkwan', tool: 'cursor' },
      { email: 'ken@acme.example', name: 'Ken Tanaka', github: 'ktanaka', tool: 'hand' },
      { email: 'radia@acme.example', name: 'Radia Moreno', github: 'rmoreno', tool: 'hand' },
      { email: 'leslie@acme.example', name: 'Leslie Ortiz', github: 'lortiz', tool: 'hand' },
    ],
  },
  {
    name: 'Mobile',
    channel: 'C0DEMOMOB',
    budgetUsd: 400,
    repo: 'acme/mobile-app',
    storyPrefix: 'MOB',
    models: [
      ['claude-sonnet-4-5-20250929', 0.8],
      ['claude-haiku-4-5-20251001', 0.2],
    ],
    github: true,
    tracker: 'linear',
    ci: 'actions',
    intensity: 0.9,
    people: [
      { email: 'alan@acme.example', name: 'Alan Park', github: 'apark' },
      { email: 'katherine@acme.example', name: 'Katherine Osei', github: 'kosei' },
      { email: 'dennis@acme.example', name: 'Dennis Rowe', github: 'drowe' },
      { email: 'sophie@acme.example', name: 'Sophie Wilson-Park', github: 'swpark', tool: 'hand' },
    ],
  },
  {
    name: 'Data',
    channel: 'C0DEMODATA',
    budgetUsd: 150,
    repo: 'acme/pipelines',
    storyPrefix: 'DATA',
    models: [
      ['claude-sonnet-4-5-20250929', 0.5],
      ['claude-opus-4-5', 0.3],
      ['claude-haiku-4-5-20251001', 0.2],
    ],
    github: true,
    tracker: 'generic',
    ci: 'circleci',
    intensity: 0.8,
    people: [
      { email: 'barbara@acme.example', name: 'Barbara Liskov-Reed', github: 'blr' },
      { email: 'edsger@acme.example', name: 'Edsger Vos', github: 'evos' },
      { email: 'frances@acme.example', name: 'Frances Allen-Ng', github: 'fang' },
      { email: 'jim@acme.example', name: 'Jim Gray-Mendes', github: 'jgm', tool: 'hand' },
    ],
  },
  {
    name: 'Growth',
    channel: 'C0DEMOGROW',
    budgetUsd: null,
    repo: null,
    storyPrefix: null,
    models: [['claude-sonnet-4-5-20250929', 1]],
    github: false,
    tracker: null,
    ci: null,
    intensity: 0.7,
    people: [
      { email: 'hedy@acme.example', name: 'Hedy Lamar', github: 'hedy' },
      { email: 'john@acme.example', name: 'John Backus-Oyelaran', github: 'jbo' },
    ],
  },
];

export const DEMO_ORG_CHANNEL = 'C0DEMOORG';

export interface ApiCall {
  at: number;
  model: string;
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

export interface ToolCall {
  at: number;
  tool: string;
  success: boolean;
  error?: string;
}

export interface DemoSession {
  id: string;
  team: DemoTeam;
  person: DemoPerson;
  start: number;
  end: number;
  calls: ApiCall[];
  tools: ToolCall[];
  prompts: number[];
  linesAdded: number;
  linesRemoved: number;
  /** commit times (empty: a dead end) */
  commits: Array<{ at: number; sha: string; subject: string }>;
  storyKey: string | null;
  /** the story's title (its branch is named for it) */
  storyTitle: string | null;
  looping: boolean;
  /** a session that came back to a story after it was done (delivery.ts) */
  rework?: boolean;
}

export interface DemoStory {
  key: string;
  team: DemoTeam;
  person: DemoPerson;
  /** when it first reached done */
  doneAt: number;
  points: number | null;
  title: string;
}

/** a story done without Claude Code (by hand, or with Cursor): its commits, pushed together */
export interface HandWork {
  story: DemoStory;
  commits: Array<{ at: number; sha: string }>;
}

export interface ServiceCall {
  id: string;
  at: number;
  provider: string;
  model: string;
  team: string | null;
  project: string;
  input: number;
  output: number;
}

export interface DemoDay {
  day: string;
  sessions: DemoSession[];
  handWork: HandWork[];
  /** stories reaching done for the first time */
  stories: DemoStory[];
  serviceCalls: ServiceCall[];
}

export interface Scenario {
  days: DemoDay[];
  /** the looping session, and the moment to look at it (just after it stopped) */
  looping: { session: DemoSession; checkAt: number };
}

const TITLES = [
  'Add SSO login flow',
  'Retry failed webhooks',
  'Cache feature flags',
  'Paginate the audit log',
  'Dark mode for settings',
  'Faster CSV export',
  'Rate-limit the public API',
  'Offline sync for drafts',
  'Nightly cost rollups',
  'Schema migration for events',
  'Push notification preferences',
  'Search by customer id',
];
const POINTS = [1, 2, 3, 3, 5, 5, 8];

export function apiCalls(rnd: () => number, team: Pick<DemoTeam, 'models'>, start: number, end: number, n: number, model?: string): ApiCall[] {
  const calls: ApiCall[] = [];
  for (let i = 0; i < n; i++) {
    const small = rnd() < 0.6;
    calls.push({
      at: Math.round(start + ((end - start) * (i + 0.5)) / n),
      model: model ?? pick(rnd, team.models),
      input: int(rnd, 1_000, 8_000),
      output: small ? int(rnd, 60, 900) : int(rnd, 1_000, 4_000),
      cacheRead: int(rnd, 40_000, 200_000),
      cacheWrite: int(rnd, 500, 8_000),
    });
  }
  return calls;
}

interface Backlog {
  next: number;
  /** the story each person works on, and how many sessions are left before it is done */
  current: Map<string, { key: string; left: number; title: string }>;
}

/**
 * 8 weeks before the last complete week's end, up to `now`: every local day's activity, in `tz`.
 * `firstDay` is the first local day to generate (the digest's trend window starts there).
 */
export function buildScenario(opts: { now: number; tz: string; firstDay: string; seed?: number }): Scenario {
  const rnd = seededRandom(opts.seed ?? 20261123);
  // work without Claude Code draws from its own stream, so the spend the budget claims rest on stays as it was
  const handRnd = seededRandom((opts.seed ?? 20261123) ^ 0x4a4e44);
  const { now, tz } = opts;
  const today = localDay(now, tz);
  const backlogs = new Map<string, Backlog>(DEMO_TEAMS.map((t) => [t.name, { next: 101, current: new Map() }]));
  const days: DemoDay[] = [];
  const totalDays = Math.max(1, Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${opts.firstDay}T00:00:00Z`)) / 86_400_000) + 1);
  // the looping session: Thursday of the last complete week, in the afternoon
  const lastMonday = addDays(today, -weekdayOf(today) - 7);
  const loopDay = addDays(lastMonday, 3);
  let looping: DemoSession | undefined;

  for (let d = 0; d < totalDays; d++) {
    const day = addDays(opts.firstDay, d);
    const dayStart = dayStartInstant(day, tz);
    const weekend = weekdayOf(day) >= 5;
    // adoption grows over the weeks
    const growth = 0.75 + (0.5 * d) / totalDays;
    const out: DemoDay = { day, sessions: [], handWork: [], stories: [], serviceCalls: [] };

    for (const team of DEMO_TEAMS) {
      const backlog = backlogs.get(team.name)!;
      const agents = team.people.filter((p) => toolOf(p) === 'claude');
      const others = team.people.filter((p) => toolOf(p) !== 'claude');
      for (const person of agents) {
        const p = weekend ? 0.06 : Math.min(0.95, 0.55 * team.intensity * growth + 0.2);
        let count = rnd() < p ? 1 : 0;
        if (count && !weekend && rnd() < 0.35 * team.intensity) count = 2;
        for (let s = 0; s < count; s++) {
          const start = dayStart + (9 + s * 4 + rnd() * 3) * 3_600_000;
          const minutes = int(rnd, 20, 140);
          const end = start + minutes * 60_000;
          if (end > now) continue;
          const calls = apiCalls(rnd, team, start, end, int(rnd, 10, 35));
          const deadEnd = rnd() < 0.12;
          let storyKey: string | null = null;
          let cur = backlog.current.get(person.email);
          if (team.storyPrefix) {
            if (!cur) {
              cur = { key: `${team.storyPrefix}-${backlog.next++}`, left: int(rnd, 1, 3), title: TITLES[int(rnd, 0, TITLES.length - 1)]! };
              backlog.current.set(person.email, cur);
            }
            storyKey = cur.key;
          }
          const commits: DemoSession['commits'] = [];
          if (!deadEnd) {
            const n = int(rnd, 1, 3);
            for (let c = 0; c < n; c++) {
              const at = Math.round(start + ((end - start) * (c + 1)) / n) - 60_000;
              commits.push({ at, sha: hex(rnd, 40), subject: `${storyKey ? storyKey + ' ' : ''}${cur?.title ?? 'Improve onboarding copy'} (part ${c + 1})` });
            }
          }
          const tools: ToolCall[] = Array.from({ length: int(rnd, 3, 10) }, (_, i) => ({
            at: start + Math.round(((end - start) * (i + 0.3)) / 10),
            tool: pick(rnd, [
              ['Edit', 3],
              ['Bash', 2],
              ['Read', 3],
            ]),
            success: rnd() > 0.08,
            error: 'command exited with code 1',
          }));
          // the last tool call succeeds: a normal session is not a repeating failure
          tools.push({ at: end - 30_000, tool: 'Read', success: true });
          out.sessions.push({
            id: uuid(rnd),
            team,
            person,
            start,
            end,
            calls,
            tools,
            prompts: Array.from({ length: int(rnd, 2, 8) }, (_, i) => start + i * 5 * 60_000),
            linesAdded: deadEnd ? 0 : int(rnd, 20, 400),
            linesRemoved: deadEnd ? 0 : int(rnd, 0, 150),
            commits,
            storyKey: deadEnd ? null : storyKey,
            storyTitle: deadEnd ? null : (cur?.title ?? null),
            looping: false,
          });
          if (!deadEnd && cur) {
            cur.left -= 1;
            if (cur.left <= 0) {
              out.stories.push({ key: cur.key, team, person, doneAt: end + 20 * 60_000, points: rnd() < 0.1 ? null : POINTS[int(rnd, 0, POINTS.length - 1)]!, title: cur.title });
              backlog.current.delete(person.email);
            }
          }
        }
      }
      // work done without an agent: a story now and then, with a plain commit (by someone who does not
      // use Claude Code: a commit near one's own agent sessions would count as AI-assisted)
      const hands = others.filter((p) => toolOf(p) === 'hand');
      if (team.storyPrefix && !weekend && rnd() < 0.3) {
        const person = hands[int(rnd, 0, agents.length - 1) % hands.length]!;
        const at = dayStart + (11 + rnd() * 5) * 3_600_000;
        if (at + 3_600_000 < now) {
          const key = `${team.storyPrefix}-${backlog.next++}`;
          const title = TITLES[int(rnd, 0, TITLES.length - 1)]!;
          const sha = hex(rnd, 40);
          const story: DemoStory = { key, team, person, doneAt: Math.round(at) + 3_600_000, points: POINTS[int(rnd, 0, 3)]!, title };
          out.handWork.push({ story, commits: [{ at: Math.round(at), sha }] });
          out.stories.push(story);
        }
      }
      // and most days a small story from each engineer working by hand or with Cursor
      for (const person of team.storyPrefix && !weekend ? others : []) {
        if (handRnd() >= 0.9) continue;
        const commits: HandWork['commits'] = [];
        let at = dayStart + (9.5 + handRnd() * 3) * 3_600_000;
        for (let c = int(handRnd, 1, 3); c > 0; c--) {
          commits.push({ at: Math.round(at), sha: hex(handRnd, 40) });
          at += int(handRnd, 25, 90) * 60_000;
        }
        const title = TITLES[int(handRnd, 0, TITLES.length - 1)]!;
        const points = POINTS[int(handRnd, 0, 3)]!;
        const doneAt = commits[commits.length - 1]!.at + 45 * 60_000;
        if (doneAt > now) continue;
        const story: DemoStory = { key: `${team.storyPrefix}-${backlog.next++}`, team, person, doneAt, points, title };
        out.handWork.push({ story, commits });
        out.stories.push(story);
      }
    }

    if (day === loopDay) {
      const team = DEMO_TEAMS[0]!;
      const start = dayStart + 14 * 3_600_000;
      const end = start + 150 * 60_000;
      const tools: ToolCall[] = [];
      for (let i = 0; i < 8; i++) {
        tools.push({ at: end - (8 - i) * 6 * 60_000, tool: 'Bash', success: false, error: 'npm test: 3 failing (auth/session.spec.ts)' });
      }
      looping = {
        id: uuid(rnd),
        team,
        person: team.people[1]!,
        start,
        end,
        calls: apiCalls(rnd, team, start, end, 90, 'claude-opus-4-1-20250805'),
        tools,
        prompts: [start, start + 40 * 60_000, start + 100 * 60_000],
        linesAdded: 0,
        linesRemoved: 0,
        commits: [],
        storyKey: null,
        storyTitle: null,
        looping: true,
      };
      out.sessions.push(looping);
    }

    // services calling provider APIs: a Data pipeline (team set) and an internal gateway (no team)
    if (!weekend || rnd() < 0.5) {
      const calls = int(rnd, 40, 80);
      for (let i = 0; i < calls; i++) {
        const at = dayStart + Math.round(rnd() * 86_000_000);
        if (at > now) continue;
        const gateway = i % 3 === 0;
        out.serviceCalls.push({
          id: `svc-${day}-${i}`,
          at,
          provider: 'openai',
          model: gateway ? 'gpt-4o' : rnd() < 0.5 ? 'gpt-5' : 'gpt-4.1-mini',
          team: gateway ? null : 'Data',
          project: gateway ? 'internal-gateway' : 'enrichment-pipeline',
          input: int(rnd, 5_000, 60_000),
          output: rnd() < 0.7 ? int(rnd, 100, 900) : int(rnd, 1_000, 3_000),
        });
      }
    }
    days.push(out);
  }
  if (!looping) throw new Error('demo scenario: the looping session falls outside the generated days');
  return { days, looping: { session: looping, checkAt: looping.end + 5 * 60_000 } };
}
