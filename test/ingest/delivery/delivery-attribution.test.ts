import { describe, expect, it } from 'vitest';
import {
  branchFromRef,
  cycleState,
  firstLine,
  firstTeam,
  normalizeRepo,
  parseSourceTime,
  pickSessionForCommit,
  sameRepo,
} from '../../../src/ingest/delivery/delivery-attribution.js';

const H = 3_600_000;

describe('pickSessionForCommit', () => {
  const sessions = [
    { session_id: 'old', started_at: 0, last_activity_at: 2 * H, repo: 'acme/api' },
    { session_id: 'new', started_at: 1 * H, last_activity_at: 3 * H, repo: null },
    { session_id: 'other-repo', started_at: 1.5 * H, last_activity_at: 4 * H, repo: 'acme/web' },
  ];

  it('takes the most recently started session whose activity contains the commit', () => {
    expect(pickSessionForCommit(sessions, { ts: 1.5 * H, repo: 'acme/api' })).toBe('new');
  });

  it('allows 30 minutes after the last activity, not more', () => {
    expect(pickSessionForCommit([sessions[0]!], { ts: 2.5 * H, repo: 'acme/api' })).toBe('old');
    expect(pickSessionForCommit([sessions[0]!], { ts: 2.5 * H + 1, repo: 'acme/api' })).toBeUndefined();
  });

  it('skips a session in another repository', () => {
    expect(pickSessionForCommit([sessions[2]!], { ts: 2 * H, repo: 'acme/api' })).toBeUndefined();
  });
});

describe('repositories', () => {
  it('normalizes full names, URLs, ssh remotes and checkout folders', () => {
    expect(normalizeRepo('Acme/API')).toBe('acme/api');
    expect(normalizeRepo('https://github.com/acme/api.git')).toBe('acme/api');
    expect(normalizeRepo('git@github.com:acme/api.git')).toBe('acme/api');
    expect(sameRepo('/home/ada/src/api', 'acme/api')).toBe(false);
    expect(sameRepo('api', 'acme/api')).toBe(true);
    expect(sameRepo('acme/api', 'other/api')).toBe(false);
  });
});

describe('small rules', () => {
  it('keeps only the first line of a message', () => {
    expect(firstLine('Subject line\n\nBody with secrets')).toBe('Subject line');
    expect(firstLine('\nx')).toBeNull();
    expect(firstLine('a'.repeat(400))!.length).toBe(300);
  });

  it('reads branches from refs', () => {
    expect(branchFromRef('refs/heads/feature/x')).toBe('feature/x');
    expect(branchFromRef('refs/tags/v1.0')).toBeUndefined();
  });

  it("reads Jira's offsets without a colon", () => {
    expect(parseSourceTime('2026-01-01T12:00:00.000+0000')).toBe(Date.parse('2026-01-01T12:00:00Z'));
    expect(parseSourceTime('2024-12-29T08:41:23.904+0530')).toBe(Date.parse('2024-12-29T03:11:23.904Z'));
    expect(parseSourceTime('not a time')).toBeUndefined();
  });

  it('picks the first known team', () => {
    expect(firstTeam(undefined, null, 7, 8)).toBe(7);
    expect(firstTeam(undefined, null)).toBeNull();
  });

  it('derives the state of a Linear cycle', () => {
    expect(cycleState({ startsAt: 10, endsAt: 20 }, 5)).toBe('future');
    expect(cycleState({ startsAt: 10, endsAt: 20 }, 15)).toBe('active');
    expect(cycleState({ startsAt: 10, endsAt: 20 }, 20)).toBe('closed');
    expect(cycleState({ startsAt: 10, endsAt: 20, completedAt: 12 }, 15)).toBe('closed');
  });
});
