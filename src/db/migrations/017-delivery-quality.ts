// Issue 16: delivery quality — what the AI-assisted work was worth after it shipped (docs/quality.md).
// - story_states: every state a tracker reported for a story, so the same history (done spells,
//   reopens) comes out whatever order the events arrive in; story_spells is that history, derived
//   by the delivery writer after each event; stories.first_done_at is its first done.
// - commits gain what the push said about them (files, test files), their kind (a change, a merge, a
//   revert) and same_as: the first-seen copy of a commit a force push or a cherry-pick rewrote (same
//   repository, author, author time and subject), counted once. Covering indexes let a period's
//   figures be summed from the index alone, for a team, a person or the whole org.
// - reverts and reverted_commits: what each revert (a revert commit, or a merged `Revert "…"` pull
//   request) names, and the stored commits that resolves to (resolved again as the targets arrive).
// - pr_facts: a merged PR's merge (or squash) commit, whether it counts (not a bot's), and its
//   quality worked out again whenever a CI run, review or commit of it arrives: first CI verdict,
//   approval by someone else, tests touched.
// - ci_runs (+ ci_run_prs): completed workflow runs and check suites with their verdict and attempt.
// - pr_reviews: review states per review id (a dismissal is final).
// - rework_sessions: agent sessions that committed to a story after the story was first done, and
//   rework_spend: their counted spend from then on, per local day (kept in step by the writer and
//   the after-ingest hook; attributed to the session's team and person, as waste is).
export const sql = `
ALTER TABLE stories ADD COLUMN first_done_at INTEGER;
UPDATE stories SET first_done_at = done_at WHERE done_at IS NOT NULL;

CREATE TABLE story_states (
  story_id INTEGER NOT NULL,
  -- the source time of the event that reported the state (orders events)
  event_at INTEGER NOT NULL,
  -- done; open (not done, being worked: a reopen when it follows done); withdrawn (deleted, canceled)
  state TEXT NOT NULL CHECK (state IN ('done', 'open', 'withdrawn')),
  -- when the tracker says this state began (Jira statuscategorychangedate, Linear completedAt), else event_at
  since INTEGER NOT NULL,
  PRIMARY KEY (story_id, event_at, state)
) WITHOUT ROWID;

-- stories written before this migration: their last known state (a withdrawn one was done before)
INSERT INTO story_states (story_id, event_at, state, since)
  SELECT id, MIN(done_at, updated_at - 1), 'done', done_at FROM stories WHERE done = 0 AND done_at IS NOT NULL;
INSERT INTO story_states (story_id, event_at, state, since)
  SELECT id, updated_at,
    CASE WHEN done = 1 THEN 'done' WHEN done_at IS NOT NULL THEN 'withdrawn' ELSE 'open' END,
    CASE WHEN done = 1 THEN done_at ELSE updated_at END
  FROM stories;

-- one row per time a story reached done; ended_at/end_kind when it left done again
CREATE TABLE story_spells (
  story_id INTEGER NOT NULL,
  done_at INTEGER NOT NULL,
  ended_at INTEGER,
  end_kind TEXT CHECK (end_kind IN ('reopened', 'withdrawn')),
  PRIMARY KEY (story_id, done_at)
) WITHOUT ROWID;
CREATE INDEX story_spells_done ON story_spells(done_at);
INSERT INTO story_spells (story_id, done_at, ended_at, end_kind)
  SELECT id, done_at, CASE WHEN done = 1 THEN NULL ELSE updated_at END, CASE WHEN done = 1 THEN NULL ELSE 'withdrawn' END
  FROM stories WHERE done_at IS NOT NULL;

ALTER TABLE commits ADD COLUMN commit_kind TEXT NOT NULL DEFAULT 'change' CHECK (commit_kind IN ('change', 'merge', 'revert'));
-- paths the push listed (added, modified, removed); NULL when the source did not say
ALTER TABLE commits ADD COLUMN files INTEGER;
ALTER TABLE commits ADD COLUMN test_files INTEGER;
ALTER TABLE commits ADD COLUMN same_as INTEGER;
-- commits stored before: their kind from the subject (a revert's "This reverts commit" line was not kept)
UPDATE commits SET commit_kind = CASE
    WHEN subject LIKE 'Revert "%' OR subject LIKE 'Reapply "%' THEN 'revert'
    WHEN subject LIKE 'Merge pull request #%' OR subject LIKE 'Merge branch ''%' OR subject LIKE 'Merge remote-tracking branch ''%' THEN 'merge'
    ELSE 'change' END;
CREATE INDEX commits_quality_team ON commits(team_id, ts, ai_assisted, commit_kind, same_as, files, test_files);
CREATE INDEX commits_quality_person ON commits(person_id, ts, ai_assisted, commit_kind, same_as, files, test_files);
CREATE INDEX commits_quality_all ON commits(ts, ai_assisted, commit_kind, same_as, files, test_files);
CREATE INDEX commits_repo_ts ON commits(repo, ts);
CREATE INDEX commits_repo_branch ON commits(repo, branch, ts);

CREATE TABLE reverts (
  id INTEGER PRIMARY KEY,
  repo TEXT NOT NULL,
  -- the revert: a commit (by_ref = its sha) or a merged pull request (by_ref = its number)
  by_kind TEXT NOT NULL CHECK (by_kind IN ('commit', 'pr')),
  by_ref TEXT NOT NULL,
  -- when it landed: the revert commit's time, or the PR's merge
  at INTEGER NOT NULL,
  -- what it names: a commit sha (7–40 hex, lower case), a PR number, or the reverted PR's title
  target_kind TEXT NOT NULL CHECK (target_kind IN ('commit', 'pr', 'title')),
  target_ref TEXT NOT NULL,
  team_id INTEGER,
  person_id INTEGER,
  source TEXT NOT NULL,
  UNIQUE (repo, by_kind, by_ref, target_kind, target_ref)
);
CREATE INDEX reverts_at ON reverts(at);
CREATE INDEX reverts_target ON reverts(repo, target_kind, target_ref);

CREATE TABLE reverted_commits (
  revert_id INTEGER NOT NULL,
  commit_id INTEGER NOT NULL,
  PRIMARY KEY (revert_id, commit_id)
) WITHOUT ROWID;
CREATE INDEX reverted_commits_commit ON reverted_commits(commit_id, revert_id);

CREATE TABLE pr_facts (
  pr_id INTEGER PRIMARY KEY,
  merge_commit_sha TEXT,
  author_bot INTEGER NOT NULL DEFAULT 0,
  -- 0: opened by a bot and no AI marker says an agent did (dependency bumps are not team work)
  counted INTEGER NOT NULL DEFAULT 1,
  -- the first head commit with a CI verdict passed with no re-run (NULL: no CI verdict)
  ci_first_pass INTEGER,
  -- approved before the merge by someone other than the author, not a bot, not dismissed
  reviewed INTEGER NOT NULL DEFAULT 0,
  -- a commit of it (or its merge commit) changed a test file (NULL: no commit's files are known)
  tests_touched INTEGER
);
CREATE INDEX pr_facts_merge_sha ON pr_facts(merge_commit_sha) WHERE merge_commit_sha IS NOT NULL;
-- PRs merged before: counted, no CI or review known
INSERT INTO pr_facts (pr_id, author_bot, counted)
  SELECT id, COALESCE(author_login, '') LIKE '%[bot]', NOT (ai_assisted = 0 AND COALESCE(author_login, '') LIKE '%[bot]') FROM pull_requests;
CREATE INDEX prs_quality_team ON pull_requests(team_id, merged_at, ai_assisted);
CREATE INDEX prs_quality_person ON pull_requests(person_id, merged_at, ai_assisted);
CREATE INDEX prs_quality_all ON pull_requests(merged_at, ai_assisted);
CREATE INDEX prs_repo_branch ON pull_requests(repo, branch, merged_at);

CREATE TABLE ci_runs (
  id INTEGER PRIMARY KEY,
  repo TEXT NOT NULL,
  -- one run and its attempts: 'wr:<workflow run id>', 'cs:<check suite id>', 'gen:<event id>'
  series TEXT NOT NULL,
  -- a completion: the series and attempt (workflow runs) or completion time (check suites)
  run_key TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  name TEXT,
  head_sha TEXT NOT NULL,
  head_branch TEXT,
  conclusion TEXT NOT NULL,
  verdict TEXT NOT NULL CHECK (verdict IN ('pass', 'fail', 'none')),
  started_at INTEGER NOT NULL,
  completed_at INTEGER NOT NULL,
  source TEXT NOT NULL,
  UNIQUE (repo, run_key)
);
CREATE INDEX ci_runs_branch ON ci_runs(repo, head_branch, started_at);
CREATE INDEX ci_runs_series ON ci_runs(repo, series);
CREATE INDEX ci_runs_sha ON ci_runs(repo, head_sha);

CREATE TABLE ci_run_prs (
  ci_run_id INTEGER NOT NULL,
  repo TEXT NOT NULL,
  pr_number INTEGER NOT NULL,
  PRIMARY KEY (ci_run_id, pr_number)
) WITHOUT ROWID;
CREATE INDEX ci_run_prs_pr ON ci_run_prs(repo, pr_number);

CREATE TABLE pr_reviews (
  repo TEXT NOT NULL,
  pr_number INTEGER NOT NULL,
  review_id TEXT NOT NULL,
  -- GitHub login (lower case) or the generic event's email
  reviewer TEXT,
  reviewer_person_id INTEGER,
  -- the PR's author as the review event names it (lower case login)
  pr_author TEXT,
  state TEXT NOT NULL CHECK (state IN ('approved', 'changes_requested', 'commented', 'dismissed')),
  submitted_at INTEGER NOT NULL,
  bot INTEGER NOT NULL DEFAULT 0,
  source TEXT NOT NULL,
  PRIMARY KEY (repo, pr_number, review_id)
) WITHOUT ROWID;

CREATE TABLE rework_sessions (
  session_id TEXT NOT NULL,
  story_id INTEGER NOT NULL,
  -- the story's first done: the session's spend from then on is rework
  since INTEGER NOT NULL,
  PRIMARY KEY (session_id, story_id)
) WITHOUT ROWID;
CREATE INDEX rework_sessions_story ON rework_sessions(story_id);

CREATE TABLE rework_spend (
  session_id TEXT NOT NULL,
  day TEXT NOT NULL,
  cost_usd REAL NOT NULL,
  PRIMARY KEY (session_id, day)
) WITHOUT ROWID;
CREATE INDEX rework_spend_day ON rework_spend(day);
`;
