// How the demo org's work reaches GitHub and its trackers. Each story is worked on a branch named for it:
// one push per agent session (or per story done by hand or with Cursor), a CI run per push (GitHub
// Actions workflow runs; CircleCI check suites for Data), a few failing and some of those re-run; then
// a pull request reviewed, mostly by a teammate (a few only by their author, or by a bot), merged, and
// the story done in its tracker. A few merged PRs are reverted (GitHub's Revert button, or `git revert`
// on main) and a few stories reopened, fixed (AI-assisted ones by a new agent session: rework spend)
// and done again. AI-assisted work fails CI, is reverted and is reopened more often than the rest.
// Pure and seeded like the scenario, and nothing happens after `now`: a flow that would end later
// (a revert, a fix) is left out whole.
import { dayStartInstant, localDay } from '../../domain/time.js';
import {
  BOT_REVIEWER,
  HOUR,
  MIN,
  PR_HISTORY_DAYS,
  RATES,
  branchName,
  commitMessage,
  modulePaths,
  prBody,
  workdayAfter,
  type DemoCommit,
  type DemoDelivery,
  type DemoPr,
  type DemoPush,
  type DemoReview,
  type DemoRevert,
  type DemoCiRun,
  type DeliveryDay,
  type FileChanges,
  type GithubEvent,
  type ReviewPlan,
  type StoryTimeline,
  type Tool,
} from './delivery-model.js';
import { hex, int, pick, seededRandom, uuid } from './random.js';
import { apiCalls, toolOf, type DemoPerson, type DemoSession, type DemoStory, type DemoTeam, type Scenario, type ToolCall } from './scenario.js';

interface Work {
  team: DemoTeam;
  person: DemoPerson;
  tool: Tool;
  key: string;
  title: string;
  branch: string;
  pushes: Array<{ at: number; commits: Array<{ at: number; sha: string; subject: string; session: DemoSession | null }> }>;
  story: DemoStory | null;
  /** files its commits created so far */
  files: Set<string>;
}

/** the work of every story on GitHub, in the order its branch was first pushed */
function collectWork(scenario: Scenario): Work[] {
  const works = new Map<string, Work>();
  const done = new Map(scenario.days.flatMap((d) => d.stories.map((s) => [s.key, s] as const)));
  const workFor = (team: DemoTeam, person: DemoPerson, key: string, title: string): Work => {
    let w = works.get(key);
    if (!w) {
      w = { team, person, tool: toolOf(person), key, title, branch: branchName(key, title), pushes: [], story: done.get(key) ?? null, files: new Set() };
      works.set(key, w);
    }
    return w;
  };
  for (const day of scenario.days) {
    const pushes: Array<{ at: number; add: () => void }> = [];
    for (const s of day.sessions) {
      if (!s.team.github || !s.team.repo || !s.storyKey || !s.storyTitle || s.commits.length === 0) continue;
      const w = workFor(s.team, s.person, s.storyKey, s.storyTitle);
      const at = Math.round(s.end);
      pushes.push({ at, add: () => w.pushes.push({ at, commits: s.commits.map((c) => ({ ...c, session: s })) }) });
    }
    for (const h of day.handWork) {
      const st = h.story;
      if (!st.team.github || !st.team.repo) continue;
      const w = workFor(st.team, st.person, st.key, st.title);
      const last = h.commits[h.commits.length - 1]!.at;
      const subjects = [`${st.key} ${st.title}`, `${st.key} Handle empty input`, `${st.key} Address review comments`];
      pushes.push({
        at: last + 2 * MIN,
        add: () => w.pushes.push({ at: last + 2 * MIN, commits: h.commits.map((c, i) => ({ ...c, subject: subjects[i] ?? subjects[0]!, session: null })) }),
      });
    }
    pushes.sort((a, b) => a.at - b.at).forEach((p) => p.add());
  }
  return [...works.values()].sort((a, b) => a.pushes[0]!.at - b.pushes[0]!.at);
}

export function buildDelivery(scenario: Scenario, opts: { now: number; tz: string; seed?: number }): DemoDelivery {
  const { now, tz } = opts;
  const rnd = seededRandom((opts.seed ?? 20261123) ^ 0x51a1);
  const days = new Map<string, DeliveryDay>(scenario.days.map((d) => [d.day, { github: [], storyEvents: [], reworkSessions: [] }]));
  const sessionsOn = new Map(scenario.days.map((d) => [d.day, d.sessions]));
  const out: DemoDelivery = { days, commits: [], prs: [], reverts: [], stories: [] };
  const counters = new Map<string, number>();
  const next = (name: string, first: number) => {
    const n = counters.get(name) ?? first;
    counters.set(name, n + 1);
    return n;
  };
  const bucket = (at: number) => days.get(localDay(at, tz));
  const emit = (e: GithubEvent) => bucket(e.at)?.github.push(e);
  const teammates = (team: DemoTeam, not: DemoPerson) => team.people.filter((p) => p.email !== not.email);
  const handsOf = (team: DemoTeam) => team.people.filter((p) => toolOf(p) === 'hand');

  /** a commit of a story's work: its module's source file, and now and then its test (added the first time) */
  function makeCommit(work: Work, branch: string, c: Work['pushes'][number]['commits'][number]): DemoCommit {
    const paths = modulePaths(work.team.repo!, work.title);
    const files: FileChanges = { added: [], modified: [], removed: [] };
    const touch = (path: string) => {
      if (work.files.has(path)) files.modified.push(path);
      else {
        work.files.add(path);
        files.added.push(path);
      }
    };
    if (!work.files.has(paths.source)) files.modified.push(paths.other);
    touch(paths.source);
    const tests = rnd() < RATES[work.tool].tests;
    if (tests) touch(paths.test);
    return {
      repo: work.team.repo!,
      team: work.team,
      sha: c.sha,
      at: c.at,
      author: work.person,
      branch,
      message: commitMessage(c.subject, work.tool, c.session),
      files,
      ai: work.tool !== 'hand',
      revert: false,
      touchesTests: tests,
    };
  }

  /** a push and its CI run (a failure on the push before a merge is re-run) */
  function push(pr: DemoPr, pusher: DemoPerson, at: number, commits: DemoCommit[], o: { failRate: number; last: boolean; ci?: boolean }): void {
    const before = pr.commits[pr.commits.length - 1]?.sha ?? pr.baseSha;
    const p: DemoPush = { at, repo: pr.repo, branch: pr.branch, before, created: pr.commits.length === 0, pusher, commits };
    emit({ kind: 'push', at, push: p });
    pr.commits.push(...commits);
    out.commits.push(...commits);
    if (o.ci === false) return;
    const app = pr.team.ci === 'circleci' ? 'circleci' : 'actions';
    const id = app === 'circleci' ? next(`suite`, 31_200_000_000) : next(`run`, 12_400_000_000);
    const base = { app, id, runNumber: next(`runNumber:${pr.repo}`, 2_100), repo: pr.repo, branch: pr.branch, pr, head: commits[commits.length - 1]!, createdAt: at + MIN, actor: pusher } as const;
    const failed = rnd() < o.failRate;
    const runs: DemoCiRun[] = [{ ...base, attempt: 1, startedAt: at + MIN, completedAt: at + 7 * MIN, conclusion: failed ? 'failure' : 'success' }];
    // a flaky failure just before the merge: re-run, and it passes
    if (failed && o.last) runs.push({ ...base, attempt: 2, startedAt: at + 8 * MIN, completedAt: at + 13 * MIN, conclusion: 'success' });
    for (const r of runs) {
      if (r.completedAt > now) continue;
      pr.runs.push(r);
      emit({ kind: 'ci', at: r.completedAt, run: r });
    }
  }

  /** reviews after the last push, then the merge (16 minutes after it) */
  function reviewAndMerge(pr: DemoPr, lastPush: number, plan: ReviewPlan, reviewers: DemoPerson[]): void {
    const reviewer = reviewers[int(rnd, 0, reviewers.length - 1)]!;
    const user = { login: reviewer.github, type: 'User' } as const;
    const reviews: DemoReview[] = [];
    const review = (who: DemoReview['reviewer'], state: DemoReview['state'], after: number) =>
      reviews.push({ id: next('review', 2_910_000_000), reviewer: who, state, at: lastPush + after * MIN });
    if (rnd() < 0.1) review(BOT_REVIEWER, 'commented', 4);
    if (plan === 'approved') review(user, 'approved', 10);
    else if (plan === 'changes') {
      review(user, 'changes_requested', 9);
      review(user, 'approved', 14);
    } else if (plan === 'comments') review(user, 'commented', 10);
    else review({ login: pr.author.github, type: 'User' }, 'commented', 10);
    pr.reviews.push(...reviews);
    pr.mergedAt = lastPush + 16 * MIN;
    for (const r of reviews) emit({ kind: 'review', at: r.at, pr, review: r });
    emit({ kind: 'merged', at: pr.mergedAt, pr });
  }

  function openPr(team: DemoTeam, author: DemoPerson, o: { branch: string; title: string; body: string; ai: boolean; key: string; at: number }): DemoPr {
    const pr: DemoPr = {
      repo: team.repo!,
      team,
      number: next(`pr:${team.repo}`, team.name === 'Platform' ? 1_400 : team.name === 'Mobile' ? 610 : 230),
      title: o.title,
      body: o.body,
      branch: o.branch,
      author,
      ai: o.ai,
      openedAt: o.at,
      mergedAt: null,
      mergeSha: hex(rnd, 40),
      baseSha: hex(rnd, 40),
      commits: [],
      runs: [],
      reviews: [],
      storyKey: o.key,
    };
    return pr;
  }

  /** GitHub's Revert button (a revert PR), or `git revert` of the merge or of one commit pushed to main */
  function revert(pr: DemoPr, work: Work): number | undefined {
    const day = workdayAfter(localDay(pr.mergedAt!, tz), int(rnd, 1, 3));
    const at = Math.round(dayStartInstant(day, tz) + (9.5 + rnd() * 3) * HOUR);
    // whoever is on call reverts it: someone working by hand, so the revert carries no AI marker
    const hands = handsOf(pr.team);
    const others = hands.filter((p) => p.email !== pr.author.email);
    const reverter = others.length > 0 ? others[int(rnd, 0, others.length - 1)]! : hands[0]!;
    const mode = pick(rnd, [['button', 60], ['merge', 25], ['commit', 15]] as Array<['button' | 'merge' | 'commit', number]>);
    const target = pr.commits[pr.commits.length - 1]!;
    const org = pr.repo.split('/')[0];
    const message =
      mode === 'commit'
        ? `Revert "${target.message.split('\n', 1)[0]}"\n\nThis reverts commit ${target.sha}.`
        : `Revert "Merge pull request #${pr.number} from ${org}/${pr.branch}"\n\nThis reverts commit ${pr.mergeSha}, reversing\nchanges made to ${pr.baseSha}.`;
    const undone = mode === 'commit' ? [target] : pr.commits;
    const files: FileChanges = { added: [], modified: [], removed: [] };
    for (const c of undone) {
      files.removed.push(...c.files.added);
      files.modified.push(...c.files.modified);
      files.added.push(...c.files.removed);
    }
    files.modified = [...new Set(files.modified)].filter((f) => !files.removed.includes(f));
    const branch = mode === 'button' ? `revert-${pr.number}-${pr.branch}` : 'main';
    const commit: DemoCommit = {
      repo: pr.repo,
      team: pr.team,
      sha: hex(rnd, 40),
      at,
      author: reverter,
      branch,
      message,
      files,
      ai: false,
      revert: true,
      touchesTests: undone.some((c) => c.touchesTests),
    };
    const reverted: DemoRevert = { at, commit, pr: null, of: pr, reverted: undone };
    let end = at + MIN;
    if (mode === 'button') {
      if (at + 17 * MIN > now) return undefined;
      const rpr = openPr(pr.team, reverter, { branch, title: `Revert "${pr.title}"`, body: `Reverts ${pr.repo}#${pr.number}`, ai: false, key: work.key, at });
      out.prs.push(rpr);
      push(rpr, reverter, at + MIN, [commit], { failRate: 0, last: true });
      reviewAndMerge(rpr, at + MIN, 'approved', teammates(pr.team, reverter));
      reverted.pr = rpr;
      end = rpr.mergedAt!;
    } else {
      if (end > now) return undefined;
      emit({ kind: 'push', at: end, push: { at: end, repo: pr.repo, branch, before: hex(rnd, 40), created: false, pusher: reverter, commits: [commit] } });
      out.commits.push(commit);
    }
    out.reverts.push(reverted);
    return end;
  }

  /**
   * The fix of a reopened story on a new branch, by the story's owner: a new agent session for
   * AI-assisted work (it commits to a done story: rework), commits by hand (or with Cursor) otherwise.
   * Returns when the story is done again, or undefined when that would be after `now`.
   */
  function fix(work: Work, reopenedAt: number): number | undefined {
    const day = workdayAfter(localDay(reopenedAt, tz), 1);
    const dayStart = dayStartInstant(day, tz);
    const subject = `${work.key} Fixes after reopen: ${work.title}`;
    let session: DemoSession | null = null;
    let commits: Array<{ at: number; sha: string; subject: string; session: DemoSession | null }>;
    if (work.tool === 'claude') {
      const own = (sessionsOn.get(day) ?? []).filter((s) => s.person.email === work.person.email);
      const start = Math.round(Math.max(dayStart + 17 * HOUR, ...own.map((s) => s.end + 15 * MIN)) + rnd() * 30 * MIN);
      const end = start + int(rnd, 25, 55) * MIN;
      const tools: ToolCall[] = Array.from({ length: int(rnd, 3, 6) }, (_, i) => ({
        at: start + Math.round(((end - start) * (i + 0.5)) / 7),
        tool: pick(rnd, [['Edit', 3], ['Bash', 2], ['Read', 3]] as Array<[string, number]>),
        success: true,
      }));
      session = {
        id: uuid(rnd),
        team: work.team,
        person: work.person,
        start,
        end,
        calls: apiCalls(rnd, work.team, start, end, int(rnd, 8, 18)),
        tools,
        prompts: [start, start + 10 * MIN],
        linesAdded: int(rnd, 10, 120),
        linesRemoved: int(rnd, 5, 80),
        commits: [],
        storyKey: work.key,
        storyTitle: work.title,
        looping: false,
        rework: true,
      };
      const n = int(rnd, 1, 2);
      for (let i = 0; i < n; i++) session.commits.push({ at: Math.round(start + ((end - start) * (i + 1)) / n) - MIN, sha: hex(rnd, 40), subject });
      commits = session.commits.map((c) => ({ ...c, session }));
    } else {
      const first = Math.round(dayStart + (10 + rnd() * 4) * HOUR);
      commits = Array.from({ length: int(rnd, 1, 2) }, (_, i) => ({ at: Math.round(first + i * 35 * MIN), sha: hex(rnd, 40), subject, session: null }));
    }
    const lastPush = session ? session.end : commits[commits.length - 1]!.at + 2 * MIN;
    const doneAgain = lastPush + 20 * MIN;
    if (doneAgain > now) return undefined;
    if (session) days.get(day)?.reworkSessions.push(session);
    const branch = `${work.branch}-fix`;
    const rates = RATES[work.tool];
    const pr = openPr(work.team, work.person, { branch, title: subject, body: prBody(work.key, work.title, work.tool), ai: work.tool !== 'hand', key: work.key, at: lastPush });
    out.prs.push(pr);
    push(pr, work.person, lastPush, commits.map((c) => makeCommit(work, branch, c)), { failRate: rates.ciFail, last: true });
    reviewAndMerge(pr, lastPush, pick(rnd, rates.review), teammates(work.team, work.person));
    return doneAgain;
  }

  // pull requests, CI and reviews only for the last weeks: no answer looks further back than a month,
  // and each of them is a webhook call (the demo's run time); older work arrives as pushes and dones
  const cutoff = now - PR_HISTORY_DAYS * 86_400_000;
  for (const work of collectWork(scenario)) {
    const rates = RATES[work.tool];
    const ai = work.tool !== 'hand';
    const recent = work.pushes[0]!.at >= cutoff;
    const pr = openPr(work.team, work.person, {
      branch: work.branch,
      title: `${work.key} ${work.title}`,
      body: prBody(work.key, work.title, work.tool),
      ai,
      key: work.key,
      at: work.pushes[0]!.at,
    });
    if (recent) out.prs.push(pr);
    const story = work.story && work.story.doneAt <= now ? work.story : null;
    work.pushes.forEach((p, i) => {
      const commits = p.commits.map((c) => makeCommit(work, work.branch, c));
      push(pr, work.person, p.at, commits, { failRate: rates.ciFail, last: story !== null && i === work.pushes.length - 1, ci: recent });
    });
    if (!story) continue;
    const timeline: StoryTimeline = { story, ai, events: [{ kind: 'done', at: Math.round(story.doneAt) }], issueId: String(next(`issue:${work.team.name}`, 10_400)) };
    out.stories.push(timeline);
    if (!recent) continue;
    const lastPush = work.pushes[work.pushes.length - 1]!.at;
    reviewAndMerge(pr, lastPush, pick(rnd, rates.review), teammates(work.team, work.person));
    let reopenAt: number | undefined;
    if (rnd() < rates.revert) {
      const reverted = revert(pr, work);
      if (reverted !== undefined) reopenAt = reverted + 20 * MIN;
    } else if (rnd() < rates.reopen) {
      reopenAt = Math.round(dayStartInstant(workdayAfter(localDay(story.doneAt, tz), int(rnd, 1, 3)), tz) + (10 + rnd() * 6) * HOUR);
    }
    if (reopenAt === undefined || reopenAt > now) continue;
    timeline.events.push({ kind: 'reopened', at: reopenAt });
    const doneAgain = fix(work, reopenAt);
    if (doneAgain !== undefined) timeline.events.push({ kind: 'done', at: doneAgain });
  }

  for (const t of out.stories) {
    t.events.forEach((e, i) => bucket(e.at)?.storyEvents.push({ at: e.at, kind: e.kind, n: i === 0 ? 1 : e.kind === 'reopened' ? 1 : 2, timeline: t }));
  }
  for (const d of days.values()) {
    d.github.sort((a, b) => a.at - b.at);
    d.storyEvents.sort((a, b) => a.at - b.at);
  }
  return out;
}
