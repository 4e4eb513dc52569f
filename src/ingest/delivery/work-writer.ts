// Writes delivered work (commits, merged PRs, stories, sprints) for every source, with the same
// rules for people, teams, agent sessions, AI markers and story links. Call its methods inside the
// delivery's transaction; effects() then says which sessions and teams changed (for runAfterIngest).
import type { Deps, IngestEffects } from '../../deps.js';
import { deliveryRepo, type StoryRow } from '../../db/repos/delivery-repo.js';
import { orgRepo, type Person } from '../../db/repos/org-repo.js';
import { sessionRepo } from '../../db/repos/session-repo.js';
import { detectAiMarkers, markersColumn, parseClaudeSession } from './ai-markers.js';
import {
  SESSION_COMMIT_GRACE_MS,
  TELEMETRY_WINDOW_MS,
  firstLine,
  firstTeam,
  pickSessionForCommit,
  storyTransition,
  type StoryChange,
} from './delivery-attribution.js';
import { storyKeysFor } from './story-links.js';

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
}

export interface StoryInput {
  source: string;
  externalId: string;
  key: string | null;
  title?: string | null;
  /** undefined: not in this event (keep what we have); null: cleared at the source */
  points?: number | null;
  done: boolean;
  doneAt: number;
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
        if (repo.link('commit', existing.id, keys) > 0 && existing.ai_assisted === 1) repo.refreshStoryAi(keys);
        // a generic event may name the session of a commit GitHub sent without a trailer
        if (named && existing.session_id === null) {
          const sid = namedSession();
          if (repo.setCommitSession(existing.id, sid) && sessions.recordLinkedCommit(sid, existing.ts)) sessionIds.add(sid);
        }
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
      const { id } = repo.insertCommit({
        repo: c.repo,
        sha: c.sha,
        ts: c.ts,
        author_email: c.authorEmail?.trim().toLowerCase() || null,
        author_name: c.authorName?.trim() || null,
        person_id: person?.id ?? null,
        team_id: teamId,
        branch: c.branch ?? null,
        subject: firstLine(c.message),
        ai_assisted: ai.aiAssisted ? 1 : 0,
        ai_markers: markersColumn(ai.markers),
        session_id: sessionId ?? null,
        source: c.source,
      });
      repo.link('commit', id, keys);
      if (ai.aiAssisted) repo.refreshStoryAi(keys);
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
      teamIds.add(teamId);
      return inserted ? 'inserted' : 'updated';
    },

    story(st: StoryInput): StoryChange {
      const prev = repo.story(st.source, st.externalId);
      const { state, change } = storyTransition(prev, { done: st.done, doneAt: st.doneAt, eventAt: st.eventAt });
      if (change === 'stale') return change;
      const mapped = st.projectKey ? projectTeam(st.projectKey) : undefined;
      const teamId = firstTeam(st.teamId, mapped, st.person?.team_id);
      const row: Omit<StoryRow, 'id'> = {
        source: st.source,
        external_id: st.externalId,
        key: st.key,
        title: st.title === undefined ? (prev?.title ?? null) : st.title,
        points: st.points === undefined ? (prev?.points ?? null) : st.points,
        done: state.done,
        done_at: state.done_at,
        sprint_id: st.sprintId === undefined ? (prev?.sprint_id ?? null) : st.sprintId,
        team_id: teamId,
        person_id: st.person?.id ?? null,
        assignee_ref: st.assigneeRef ?? null,
        project_key: st.projectKey ?? null,
        ai_assisted: st.reportedAi ? 1 : 0,
        updated_at: state.updated_at,
      };
      repo.writeStory(row);
      if (st.key) repo.refreshStoryAi([st.key]);
      if (st.projectKey) known?.add(st.projectKey.toUpperCase());
      teamIds.add(teamId);
      if (prev && prev.team_id !== teamId) teamIds.add(prev.team_id);
      return change;
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
