// Pure rules that read delivery quality signals out of what sources send: reverts in commit messages
// and pull request titles, merge commits, test files among a push's paths, CI conclusions, bots.
// docs/quality.md explains each; tests: test/ingest/delivery/quality-signals.test.ts.

/** git's default revert message (GitHub's revert commits and `git revert` both write it) */
const REVERTS_COMMIT = /\bthis reverts commit ([0-9a-f]{7,40})\b/gi;
/** `Revert "<subject>"` (git, GitHub's Revert button); git ≥ 2.43 names a revert of a revert `Reapply "…"` */
const REVERT_SUBJECT = /^(?:revert|reapply) "(.+)"\s*$/i;
const MERGE_SUBJECT = /^merge (?:pull request #\d+ |branch '|branches '|remote-tracking branch '|[0-9a-f]{7,40} into |tag ')/i;

/** the commit shas a message says it reverts (lower case, each once, in order) */
export function revertedShas(message: string | null | undefined): string[] {
  if (!message) return [];
  const out: string[] = [];
  for (const m of message.matchAll(REVERTS_COMMIT)) {
    const sha = m[1]!.toLowerCase();
    if (!out.includes(sha)) out.push(sha);
  }
  return out;
}

/** the subject a `Revert "…"` subject names (the reverted commit's or PR's title) */
export function revertedSubject(subject: string | null | undefined): string | undefined {
  const m = REVERT_SUBJECT.exec((subject ?? '').split(/\r?\n/, 1)[0]!.trim());
  return m ? m[1]!.trim() : undefined;
}

export type CommitKind = 'change' | 'merge' | 'revert';

/** a revert (it names what it reverts), a merge commit (by git's and GitHub's default subjects), or a change */
export function commitKind(message: string | null | undefined): CommitKind {
  if (revertedShas(message).length > 0 || revertedSubject(message) !== undefined) return 'revert';
  const subject = (message ?? '').split(/\r?\n/, 1)[0]!.trim();
  return MERGE_SUBJECT.test(subject) ? 'merge' : 'change';
}

export type RevertTarget = { kind: 'commit'; sha: string } | { kind: 'pr'; number: number } | { kind: 'title'; title: string };

/** what a revert commit names: the shas of "This reverts commit …", else the subject in `Revert "…"` */
export function commitRevertTargets(message: string | null | undefined): RevertTarget[] {
  const shas = revertedShas(message);
  if (shas.length > 0) return shas.map((sha) => ({ kind: 'commit', sha }));
  const subject = revertedSubject(message);
  return subject ? [{ kind: 'title', title: subject }] : [];
}

/**
 * What a merged pull request titled `Revert "…"` reverts: the PR its body names ("Reverts
 * owner/repo#123", GitHub's Revert button) or its branch (`revert-123-…`), else the title it quotes.
 * Undefined for a PR that is not a revert.
 */
export function pullRequestRevertTarget(
  pr: { title?: string | null; body?: string | null; branch?: string | null },
  repo: string,
): RevertTarget | undefined {
  const subject = revertedSubject(pr.title);
  if (subject === undefined) return undefined;
  const ref = /\breverts\s+(?:([\w.-]+\/[\w.-]+))?#(\d+)\b/i.exec(pr.body ?? '');
  if (ref && (!ref[1] || ref[1].toLowerCase() === repo.toLowerCase())) return { kind: 'pr', number: Number(ref[2]) };
  const branch = /^revert-(\d+)-/.exec(pr.branch ?? '');
  if (branch) return { kind: 'pr', number: Number(branch[1]) };
  return { kind: 'title', title: subject };
}

const TEST_DIR = /(?:^|\/)(?:__tests__|__test__|tests?|specs?|e2e|testdata|test-?data|integration[-_]tests?|cypress|playwright)\//i;
const TEST_NAME = /(?:[._-](?:test|tests|spec|specs|e2e)\.[a-z0-9]+$)|(?:(?:^|\/)test_[^/]+\.py$)|(?:_(?:test|spec)\.(?:go|py|rb|ex|exs|rs|dart|kt|cc|cpp|c|php)$)/i;
// JUnit, xUnit, XCTest, PHPUnit naming: FooTest.java, FooTests.cs, FooSpec.scala (case matters)
const TEST_CLASS = /(?:^|\/)[A-Z][A-Za-z0-9]*(?:Test|Tests|Spec|IT)\.(?:java|kt|kts|scala|groovy|cs|fs|vb|swift|m|mm|php)$/;

/** whether a repository path is a test (or test data) file */
export function isTestPath(path: string): boolean {
  return TEST_DIR.test(path) || TEST_NAME.test(path) || TEST_CLASS.test(path);
}

/** files and test files among a push commit's paths; undefined when the source listed none */
export function fileCounts(paths: readonly string[] | undefined): { files: number; testFiles: number } | undefined {
  if (paths === undefined) return undefined;
  const unique = [...new Set(paths)];
  return { files: unique.length, testFiles: unique.filter(isTestPath).length };
}

export type CiVerdict = 'pass' | 'fail' | 'none';

/**
 * A completed run's verdict. success and neutral pass; failure, timed_out, action_required and
 * startup_failure fail; cancelled, skipped and stale say nothing (a newer push cancels the run before
 * it, a path filter skips one).
 */
export function ciVerdict(conclusion: string | null | undefined): CiVerdict {
  switch ((conclusion ?? '').toLowerCase()) {
    case 'success':
    case 'neutral':
      return 'pass';
    case 'failure':
    case 'timed_out':
    case 'action_required':
    case 'startup_failure':
      return 'fail';
    default:
      return 'none';
  }
}

/** a GitHub account that is a bot: type "Bot", or a login ending in [bot] (dependabot[bot], renovate[bot]) */
export function isBot(login: string | null | undefined, type?: string | null): boolean {
  return (type ?? '').toLowerCase() === 'bot' || /\[bot\]$/i.test(login ?? '');
}
