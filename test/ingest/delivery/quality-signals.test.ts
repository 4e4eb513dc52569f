import { describe, expect, it } from 'vitest';
import {
  ciVerdict,
  commitKind,
  commitRevertTargets,
  fileCounts,
  isBot,
  isTestPath,
  pullRequestRevertTarget,
  revertedShas,
  revertedSubject,
} from '../../../src/ingest/delivery/quality-signals.js';

const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';

describe('reverts in commit messages', () => {
  it("reads git's and GitHub's default message, merges included, each sha once", () => {
    expect(revertedShas(`Revert "Add SSO"\n\nThis reverts commit ${SHA}.`)).toEqual([SHA]);
    expect(revertedShas(`Revert "Merge pull request #57"\n\nThis reverts commit ${SHA}, reversing\nchanges made to f95f852bd8fca8fcc58a9a2d6c842781e32a215e.`)).toEqual([SHA]);
    expect(revertedShas(`This reverts commit ${SHA.toUpperCase()}.\nThis reverts commit ${SHA}.\nthis reverts commit abc1234.`)).toEqual([SHA, 'abc1234']);
    expect(revertedShas('This reverts commit abc12 (too short).')).toEqual([]);
    expect(revertedShas(null)).toEqual([]);
  });

  it('reads the quoted subject of Revert "…" and Reapply "…" (a revert of a revert)', () => {
    expect(revertedSubject('Revert "Add SSO (ENG-123)"\n\nbody')).toBe('Add SSO (ENG-123)');
    expect(revertedSubject('Reapply "Add SSO"')).toBe('Add SSO');
    expect(revertedSubject('Revert "Revert "Add SSO""')).toBe('Revert "Add SSO"');
    expect(revertedSubject('Reverted the flag default')).toBeUndefined();
  });

  it('names the targets: shas first, the subject when no sha is given', () => {
    expect(commitRevertTargets(`Revert "x"\n\nThis reverts commit ${SHA}.`)).toEqual([{ kind: 'commit', sha: SHA }]);
    expect(commitRevertTargets('Revert "Add SSO"')).toEqual([{ kind: 'title', title: 'Add SSO' }]);
    expect(commitRevertTargets('Add SSO')).toEqual([]);
  });

  it('tells changes, merges and reverts apart', () => {
    expect(commitKind('Add SSO')).toBe('change');
    expect(commitKind("Merge pull request #57 from acme/ENG-123-add-sso\n\nAdd SSO")).toBe('merge');
    expect(commitKind("Merge branch 'main' into ENG-123-add-sso")).toBe('merge');
    expect(commitKind("Merge remote-tracking branch 'origin/main'")).toBe('merge');
    expect(commitKind(`Revert "Add SSO"\n\nThis reverts commit ${SHA}.`)).toBe('revert');
    expect(commitKind('Merge the two caches into one')).toBe('change');
  });
});

describe('revert pull requests', () => {
  it('reads the PR GitHub\'s Revert button names, in the body or the branch, else the quoted title', () => {
    expect(pullRequestRevertTarget({ title: 'Revert "Add SSO"', body: 'Reverts acme/api#57', branch: 'revert-57-ENG-123' }, 'acme/api')).toEqual({ kind: 'pr', number: 57 });
    expect(pullRequestRevertTarget({ title: 'Revert "Add SSO"', body: 'Reverts #57' }, 'acme/api')).toEqual({ kind: 'pr', number: 57 });
    expect(pullRequestRevertTarget({ title: 'Revert "Add SSO"', body: '', branch: 'revert-57-ENG-123' }, 'acme/api')).toEqual({ kind: 'pr', number: 57 });
    // another repository's PR is not this one's
    expect(pullRequestRevertTarget({ title: 'Revert "Add SSO"', body: 'Reverts other/repo#57' }, 'acme/api')).toEqual({ kind: 'title', title: 'Add SSO' });
    expect(pullRequestRevertTarget({ title: 'Add SSO', body: 'Reverts acme/api#57' }, 'acme/api')).toBeUndefined();
  });
});

describe('test files', () => {
  it.each([
    'test/auth/saml.test.ts',
    'src/auth/__tests__/saml.ts',
    'src/auth/saml.spec.ts',
    'pkg/auth/saml_test.go',
    'tests/test_saml.py',
    'app/auth/saml_test.py',
    'spec/models/user_spec.rb',
    'src/test/java/com/acme/SamlTest.java',
    'AuthTests.cs',
    'e2e/login.cy.ts',
    'internal/parser/testdata/bad.json',
  ])('%s is a test file', (p) => expect(isTestPath(p)).toBe(true));

  it.each(['src/auth/saml.ts', 'src/contest/rules.ts', 'docs/testing-guide.md', 'src/attestation.ts', 'src/latest.ts', 'LatestTest.txt'])(
    '%s is not',
    (p) => expect(isTestPath(p)).toBe(false),
  );

  it('counts distinct paths, and knows when the source listed none', () => {
    expect(fileCounts(['src/a.ts', 'test/a.test.ts', 'src/a.ts'])).toEqual({ files: 2, testFiles: 1 });
    expect(fileCounts([])).toEqual({ files: 0, testFiles: 0 });
    expect(fileCounts(undefined)).toBeUndefined();
  });
});

describe('CI verdicts and bots', () => {
  it('passes success and neutral, fails failures and time-outs, and reads cancelled or skipped as no verdict', () => {
    expect(['success', 'neutral', 'SUCCESS'].map(ciVerdict)).toEqual(['pass', 'pass', 'pass']);
    expect(['failure', 'timed_out', 'action_required', 'startup_failure'].map(ciVerdict)).toEqual(['fail', 'fail', 'fail', 'fail']);
    expect(['cancelled', 'skipped', 'stale', null, 'none'].map(ciVerdict)).toEqual(['none', 'none', 'none', 'none', 'none']);
  });

  it('knows bots by type or [bot] login', () => {
    expect(isBot('dependabot[bot]')).toBe(true);
    expect(isBot('renovate', 'Bot')).toBe(true);
    expect(isBot('ada', 'User')).toBe(false);
    expect(isBot(null)).toBe(false);
  });
});
