// The demo's quality figures counted by hand from what its scenario generated (src/cli/demo/delivery.ts
// says what was made with an AI tool, reverted, reopened, re-run, approved, and which commits touched
// tests), with the rules of docs/quality.md written out plainly: no product code is called, so a test can
// compare these counts with what `/aispend quality` and the digest show.
import type { DemoDelivery, DemoPr } from '../../src/cli/demo/delivery-model.js';

const WINDOW_MS = 14 * 86_400_000;

export interface Pair {
  count: number;
  of: number;
}
export interface GroupCounts {
  reverted: Pair;
  reopened: Pair;
  ciFirstPass: Pair;
  reviewed: Pair;
  testsTouched: Pair;
}
export interface HandCounts {
  ai: GroupCounts;
  rest: GroupCounts;
  rework: { sessions: number; stories: number };
}

const empty = (): GroupCounts => ({
  reverted: { count: 0, of: 0 },
  reopened: { count: 0, of: 0 },
  ciFirstPass: { count: 0, of: 0 },
  reviewed: { count: 0, of: 0 },
  testsTouched: { count: 0, of: 0 },
});
const add = (p: Pair, hit: boolean) => {
  p.of += 1;
  if (hit) p.count += 1;
};

/** the first head commit that got a verdict passed, with no re-run */
function firstPass(pr: DemoPr): boolean {
  const runs = [...pr.runs].sort((a, b) => a.startedAt - b.startedAt);
  const sha = runs[0]!.head.sha;
  return runs.filter((r) => r.head.sha === sha).every((r) => r.conclusion === 'success' && r.attempt === 1);
}

/** a team's (or, with null, the whole org's) figures for instants [start, end) */
export function countQuality(d: DemoDelivery, team: string | null, start: number, end: number): HandCounts {
  const out: HandCounts = { ai: empty(), rest: empty(), rework: { sessions: 0, stories: 0 } };
  const mine = (t: { name: string }) => team === null || t.name === team;
  const inPeriod = (at: number) => at >= start && at < end;
  for (const c of d.commits) {
    if (!mine(c.team) || c.revert || !inPeriod(c.at)) continue;
    const reverted = d.reverts.some((r) => r.reverted.includes(c) && r.at <= c.at + WINDOW_MS);
    add((c.ai ? out.ai : out.rest).reverted, reverted);
  }
  for (const s of d.stories) {
    if (!mine(s.story.team)) continue;
    const dones = s.events.map((e, i) => ({ e, next: s.events[i + 1] })).filter(({ e }) => e.kind === 'done' && inPeriod(e.at));
    if (dones.length === 0) continue;
    const reopened = dones.some(({ e, next }) => next?.kind === 'reopened' && next.at <= e.at + WINDOW_MS);
    add((s.ai ? out.ai : out.rest).reopened, reopened);
  }
  for (const pr of d.prs) {
    if (!mine(pr.team) || pr.mergedAt === null || !inPeriod(pr.mergedAt)) continue;
    const g = pr.ai ? out.ai : out.rest;
    if (pr.runs.length > 0) add(g.ciFirstPass, firstPass(pr));
    const approved = pr.reviews.some((r) => r.state === 'approved' && r.reviewer.type === 'User' && r.reviewer.login !== pr.author.github && r.at <= pr.mergedAt!);
    add(g.reviewed, approved);
    add(g.testsTouched, pr.commits.some((c) => c.touchesTests));
  }
  const stories = new Set<string>();
  for (const day of d.days.values()) {
    for (const s of day.reworkSessions) {
      if (!mine(s.team) || !inPeriod(s.start)) continue;
      out.rework.sessions += 1;
      stories.add(s.storyKey!);
    }
  }
  out.rework.stories = stories.size;
  return out;
}
