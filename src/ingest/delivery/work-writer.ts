// Writes delivered work (commits, merged PRs, stories, sprints) for every source, with the same
// rules for people, teams, agent sessions, AI markers and story links. Call its methods inside the
// delivery's transaction; effects() then says which sessions and teams changed (for runAfterIngest).
import type { Deps, IngestEffects } from '../../deps.js';
import { deliveryRepo, type StoryRow } from '../../db/repos/delivery-repo.js';
import { orgRepo, type Person } from '../../db/repos/org-repo.js';
import { qualityRepo } from '../../db/repos/quality-repo.js';
import { sessionRepo } from '../../db/repos/session-repo.js';
import { detectAiMarkers, markersColumn, parseClaudeSession } from './ai-markers.js';
import { SESSION_COMMIT_GRACE_MS, TELEMETRY_WINDOW_MS, firstLine, firstTeam, pickSessionForCommit } from './delivery-attribution.js';
import { qualityWriter, type CiRunInput, type ReviewInput } from './quality-writer.js';
import { classifyChange, foldStoryHistory, type StateObservation, type StoryChange, type StoryState } from './story-history.js';
import { storyKeysFor } from './story-links.js';

export type { StoryChange, StoryState };

export interface CommitInput {
  source: string;
  repo: string;
  sha: string;
  ts: number;
  authorEmail?: string | null;
  authorName?: string | null;
  authorLogin?: string | null;
  branch?: string | null;
  /** the full message: read for markers, keys and the session trailer; only its first line is stored */
  message?: string | null;
  /** a team named by the sender (wins over the person's team) */
  teamId?: number | null;
  /** a session named by the sender (generic session_id) */
  sessionId?: string | null;
  storyKeys?: ReadonlyArray<string | null | undefined>;
  reportedAi?: boolean;
  /** paths the push listed (added, modified, removed); undefined when the source did not say */
  paths?: readonly string[];
  /** commits the sender says this one reverts (generic `revert` events) */
  revertsShas?: readonly string[];
}

export interface PullRequestInput {
  source: string;
  repo: string;
  number: number;
  title?: string | null;
  /** read for markers and keys, never stored */
  body?: string | null;
  branch?: string | null;
  baseBranch?: string | null;
  authorLogin?: string | null;
  authorEmail?: string | null;
  mergedAt: number;
  additions?: number;
  deletions?: number;
  labels?: readonly string[];
  teamId?: number | null;
  storyKeys?: ReadonlyArray<string | null | undefined>;
  reportedAi?: boolean;
  /** the merge (or squash) commit GitHub made */
  mergeCommitSha?: string | null;
  /** GitHub's user.type of the author ("Bot" for dependabot[bot]) */
  authorType?: string | null;
}

export interface StoryInput {
  source: string;
  externalId: string;
  key: string | null;
  title?: string | null;
  /** undefined: not in this event (keep what we have); null: cleared at the source */
  points?: number | null;
  /** done; open (worked on: a reopen when it was done); withdrawn (deleted, canceled) */
  state: StoryState;
  /** when it reached done (used for a done state) */
  doneAt: number;
  /** when the tracker says a not-done state began (Jira statuscategorychangedate); default eventAt */
  since?: number;
  /** the source time of the event (orders late deliveries) */
  eventAt: number;
  /** Jira project key / Linear team key (the tracker mapping) */
  projectKey?: string | null;
  person?: Person | null;
  assigneeRef?: string | null;
  /** undefined: not in this event */
  sprintId?: number | null;
  teamId?: number | null;
  reportedAi?: boolean;
}

export interface SprintInput {
  source: string;
  externalId: string;
  name?: string | null;
  state?: string | null;
  teamId?: number | null;
  startsAt?: number | null;
  endsAt?: number | null;
  completedAt?: number | null;
  /** true for sprint/cycle events (authoritative); false for the copy inside an issue */
  authoritative: boolean;
}

export type CommitOutcome = 'inserted' | 'known';

export function workWriter(deps: Pick<Deps, 'db'>, now: number) {
  const repo = deliveryRepo(deps.db);
  const org = orgRepo(deps.db);
  const sessions = sessionRepo(deps.db);
  const quality = qualityWriter(deps);
  const history = qualityRepo(deps.db);
  const sessionIds = new Set<string>();
  const teamIds = new Set<number | null>();
  let known: Set<string> | undefined;
  const knownPrefixes = () => (known ??= repo.knownKeyPrefixes());

  // `/aispend admin map project <id> <team>` stores the id as typed: accept it in either case
  const projectTeam = (id: string) =>
    org.mappedTeam('project', id) ?? org.mappedTeam('project', id.toLowerCase()) ?? org.mappedTeam('project', id.toUpperCase());
  const repoTeam = projectTeam;

  function personForGit(email: string | null | undefined, name: string | null | undefined, login: string | null | undefined) {
    let person: Person | undefined;
    if (email && email.includes('@')) person = org.ensurePersonByEmail(email, now, name ?? undefined);
    if (login) {
      const byLogin = org.personByIdentity('github', login);
      if (!person) person = byLogin;
      else if (!byLogin) org.setIdentity('github', login, person.id);
    }
    return person;
  }

  return {
    /**
     * The person behind a tracker account (Jira accountId, Linear user id). Jira often hides emails:
     * such people are created without one, and when an email shows up later their work moves to
     * the person with that email (unless an admin already linked the placeholder to Slack or a team).
     */
    trackerPerson(kind: 'jira' | 'linear', externalId: string, email?: string | null, name?: string | null): Person {
      const e = email?.trim().toLowerCase() || undefined;
      const known = org.personByIdentity(kind, externalId);
      if (!known) return org.ensurePersonByIdentity(kind, externalId, now, { email: e, name });
      if (!e || known.email || known.slack_user_id || known.team_id !== null) return known;
      const target = org.ensurePersonByEmail(e, now, name ?? undefined);
      org.setIdentity(kind, externalId, target.id);
      repo.movePersonWork(known.id, target.id);
      return target;
    },

    commit(c: CommitInput): CommitOutcome {
      const keys = storyKeysFor({ branch: c.branch, body: c.message, explicit: c.storyKeys }, { known: knownPrefixes() });
      const named = c.sessionId?.trim() || parseClaudeSession(c.message);
      const namedSession = () => {
        const bare = named!.replace(/^session_/, '');
        return repo.existingSession([named!, bare, `session_${bare}`]) ?? named!;
      };
      const existing = repo.commit(c.repo, c.sha);
      if (existing) {
        // the same commit pushed to another branch: one row, but the new branch may name a story
        const before = new Set(repo.linksOf('commit', existing.id));
        if (repo.link('commit', existing.id, keys) > 0 && existing.ai_assisted === 1) repo.refreshStoryAi(keys);
        let sessionId = existing.session_id;
        // a generic event may name the session of a commit GitHub sent without a trailer
        if (named && existing.session_id === null) {
          const sid = namedSession();
          if (repo.setCommitSession(existing.id, sid)) {
            sessionId = sid;
            if (sessions.recordLinkedCommit(sid, existing.ts)) sessionIds.add(sid);
          }
        }
        const newKeys = sessionId === existing.session_id ? keys.filter((k) => !before.has(k)) : repo.linksOf('commit', existing.id);
        quality.reworkForCommit(sessionId, existing.ts, newKeys);
        quality.commitSeenAgain(existing, c.paths);
        return 'known';
      }
      const person = personForGit(c.authorEmail, c.authorName, c.authorLogin);
      const teamId = firstTeam(c.teamId, person?.team_id, repoTeam(c.repo));

      let sessionId: string | undefined;
      let sessionLink: 'trailer' | 'window' | undefined;
      if (named) {
        sessionId = namedSession();
        sessionLink = 'trailer';
      } else if (person) {
        sessionId = pickSessionForCommit(repo.sessionWindows(person.id, c.ts, SESSION_COMMIT_GRACE_MS), {
          ts: c.ts,
          repo: c.repo,
        });
        if (sessionId) sessionLink = 'window';
      }
      // read before this commit is recorded on a session, so a commit never vouches for itself
      const agentCommitsNearby = person ? repo.agentCommitsNear(person.id, c.ts, TELEMETRY_WINDOW_MS) : false;
      const ai = detectAiMarkers({
        text: c.message,
        authorEmail: c.authorEmail,
        authorName: c.authorName,
        authorLogin: c.authorLogin,
        branch: c.branch,
        sessionLink,
        agentCommitsNearby,
        reported: c.reportedAi,
      });
      const authorEmail = c.authorEmail?.trim().toLowerCase() || null;
      const subject = firstLine(c.message);
      const { id } = repo.insertCommit({
        repo: c.repo,
        sha: c.sha,
        ts: c.ts,
        author_email: authorEmail,
        author_name: c.authorName?.trim() || null,
        person_id: person?.id ?? null,
        team_id: teamId,
        branch: c.branch ?? null,
        subject,
        ai_assisted: ai.aiAssisted ? 1 : 0,
        ai_markers: markersColumn(ai.markers),
        session_id: sessionId ?? null,
        source: c.source,
      });
      repo.link('commit', id, keys);
      if (ai.aiAssisted) repo.refreshStoryAi(keys);
      quality.commitAdded({
        id,
        repo: c.repo,
        sha: c.sha,
        ts: c.ts,
        branch: c.branch ?? null,
        subject,
        message: c.message ?? null,
        authorEmail,
        teamId,
        personId: person?.id ?? null,
        source: c.source,
        paths: c.paths,
        revertsShas: c.revertsShas,
      });
      quality.reworkForCommit(sessionId ?? null, c.ts, keys);
      if (sessionId && sessions.recordLinkedCommit(sessionId, c.ts)) sessionIds.add(sessionId);
      teamIds.add(teamId);
      return 'inserted';
    },

    pullRequest(p: PullRequestInput): 'inserted' | 'updated' {
      let person: Person | undefined;
      if (p.authorEmail) person = org.ensurePersonByEmail(p.authorEmail, now);
      if (!person && p.authorLogin) person = org.personByIdentity('github', p.authorLogin);
      const teamId = firstTeam(p.teamId, person?.team_id, repoTeam(p.repo));
      const ownBranch = p.branch && p.branch !== p.baseBranch ? p.branch : undefined;
      const ai = detectAiMarkers({
        text: [p.title, p.body].filter(Boolean).join('\n'),
        authorLogin: p.authorLogin,
        authorEmail: p.authorEmail,
        branch: p.branch,
        labels: p.labels,
        aiCommitsOnBranch: ownBranch ? repo.aiCommitOnBranch(p.repo, ownBranch, p.mergedAt) : false,
        reported: p.reportedAi,
      });
      const keys = storyKeysFor(
        { branch: p.branch, title: p.title, body: p.body, explicit: p.storyKeys },
        { known: knownPrefixes() },
      );
      const { id, inserted } = repo.upsertPullRequest({
        repo: p.repo,
        number: p.number,
        title: p.title?.trim() || null,
        branch: p.branch ?? null,
        author_login: p.authorLogin ?? null,
        person_id: person?.id ?? null,
        team_id: teamId,
        merged_at: p.mergedAt,
        additions: p.additions ?? 0,
        deletions: p.deletions ?? 0,
        ai_assisted: ai.aiAssisted ? 1 : 0,
        ai_markers: markersColumn(ai.markers),
        source: p.source,
      });
      repo.link('pr', id, keys);
      repo.refreshStoryAi(keys);
      quality.pullRequestMerged({
        id,
        repo: p.repo,
        number: p.number,
        title: p.title?.trim() || null,
        body: p.body ?? null,
        branch: p.branch ?? null,
        mergedAt: p.mergedAt,
        mergeCommitSha: p.mergeCommitSha ?? null,
        authorLogin: p.authorLogin ?? null,
        authorType: p.authorType ?? null,
        teamId,
        personId: person?.id ?? null,
        source: p.source,
      });
      teamIds.add(teamId);
      return inserted ? 'inserted' : 'updated';
    },

    /**
     * A story's state from one tracker event. Every reported state is kept, so the story's history
     * (done spells, reopens, first done) is the same whatever order events arrive in; the story's
     * other fields (title, points, team, …) come from the newest event.
     */
    story(st: StoryInput): StoryChange {
      const prev = repo.story(st.source, st.externalId);
      const obs: StateObservation = {
        eventAt: st.eventAt,
        state: st.state,
        since: st.state === 'done' ? st.doneAt : (st.since ?? st.eventAt),
      };
      const reported: StateObservation[] = prev
        ? history.storyStates(prev.id).map((r) => ({ eventAt: r.event_at, state: r.state, since: r.since }))
        : [];
      const before = prev ? foldStoryHistory(reported) : undefined;
      const after = foldStoryHistory([...reported, obs]);
      const change = classifyChange(before, after, obs);
      if (prev) history.addStoryState(prev.id, obs.eventAt, obs.state, obs.since);
      if (change === 'stale') return change;
      const newest = !prev || st.eventAt >= prev.updated_at;
      const mapped = st.projectKey ? projectTeam(st.projectKey) : undefined;
      const teamId = newest ? firstTeam(st.teamId, mapped, st.person?.team_id) : prev.team_id;
      const row: Omit<StoryRow, 'id'> = newest
        ? {
            source: st.source,
            external_id: st.externalId,
            key: st.key,
            title: st.title === undefined ? (prev?.title ?? null) : st.title,
            points: st.points === undefined ? (prev?.points ?? null) : st.points,
            done: after.done,
            done_at: after.doneAt,
            sprint_id: st.sprintId === undefined ? (prev?.sprint_id ?? null) : st.sprintId,
            team_id: teamId,
            person_id: st.person?.id ?? null,
            assignee_ref: st.assigneeRef ?? null,
            project_key: st.projectKey ?? null,
            ai_assisted: st.reportedAi ? 1 : 0,
            updated_at: after.updatedAt,
          }
        : { ...prev, done: after.done, done_at: after.doneAt, ai_assisted: st.reportedAi ? 1 : 0, updated_at: after.updatedAt };
      const id = repo.writeStory(row);
      if (!prev) history.addStoryState(id, obs.eventAt, obs.state, obs.since);
      history.writeHistory(id, after.spells, after.firstDoneAt);
      if (after.firstDoneAt !== (before?.firstDoneAt ?? null)) quality.storyFirstDone(id, row.key, after.firstDoneAt);
      if (row.key) repo.refreshStoryAi([row.key]);
      if (st.projectKey) known?.add(st.projectKey.toUpperCase());
      teamIds.add(teamId);
      if (prev && prev.team_id !== teamId) teamIds.add(prev.team_id);
      return change;
    },

    /** a completed CI run (workflow run, check suite, generic ci_run); false when it was recorded before */
    ciRun: (r: CiRunInput): boolean => quality.ciRun(r),

    /** a pull request review; the reviewer becomes a person when the source names them */
    review(r: Omit<ReviewInput, 'reviewerPersonId'> & { reviewerEmail?: string | null; reviewerLogin?: string | null }): void {
      let person: Person | undefined;
      if (r.reviewerEmail && r.reviewerEmail.includes('@')) person = org.ensurePersonByEmail(r.reviewerEmail, now);
      if (!person && r.reviewerLogin) person = org.personByIdentity('github', r.reviewerLogin);
      quality.review({ ...r, reviewer: r.reviewerLogin ?? r.reviewerEmail ?? r.reviewer, reviewerPersonId: person?.id ?? null });
    },

    sprint(sp: SprintInput): number {
      const row = {
        source: sp.source,
        external_id: sp.externalId,
        name: sp.name ?? null,
        state: sp.state ?? null,
        team_id: sp.teamId ?? null,
        starts_at: sp.startsAt ?? null,
        ends_at: sp.endsAt ?? null,
        completed_at: sp.completedAt ?? null,
      };
      return sp.authoritative ? repo.upsertSprintFromEvent(row) : repo.upsertSprintSeen(row);
    },

    /** the team mapped to a repository, Jira project key or Linear team key (any case) */
    projectTeam: (id: string): number | null => projectTeam(id) ?? null,

    effects(): IngestEffects {
      return { sessionIds: [...sessionIds], teamIds: [...teamIds] };
    },
  };
}

export type WorkWriter = ReturnType<typeof workWriter>;
