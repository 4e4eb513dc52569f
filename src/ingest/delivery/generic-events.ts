// Generic delivery events → stories (source 'generic'), commits, pull requests, reverts, CI runs and reviews.
import { createHash } from 'node:crypto';
import { keyPrefix } from './story-links.js';
import type { Person } from '../../db/repos/org-repo.js';
import type { WorkWriter } from './work-writer.js';
import type { DeliveryEvent } from './schema.js';

export const GENERIC_SOURCE = 'generic';

const ISSUE_KEY = /^[A-Za-z][A-Za-z0-9]{1,9}-\d+$/;

/** ENG-123 in any case → ENG-123; other references (e.g. "#42") are kept as sent */
export function normalizeStoryKey(key: string): string {
  const k = key.trim();
  return ISSUE_KEY.test(k) ? k.toUpperCase() : k;
}

/**
 * A stable stand-in for a PR number the sender did not give: negative, so it never collides with
 * a real number, and derived from the event id, so a retry lands on the same row.
 */
export function syntheticPrNumber(eventId: string): number {
  return -(createHash('sha256').update(eventId).digest().readUInt32BE(0) & 0x7fffffff) - 1;
}

export interface GenericContext {
  teamId: number | null;
  person: Person | null;
  ts: number;
}

/** applies one event (already deduplicated by id); true when it stored something new */
export function applyGenericEvent(w: WorkWriter, e: DeliveryEvent, ctx: GenericContext): boolean {
  switch (e.type) {
    case 'story_done':
    case 'story_reopened': {
      const key = normalizeStoryKey(e.story_key!);
      const done = e.type === 'story_done';
      const change = w.story({
        source: GENERIC_SOURCE,
        externalId: key,
        key,
        title: e.title,
        points: e.points,
        state: done ? 'done' : 'open',
        doneAt: ctx.ts,
        eventAt: ctx.ts,
        projectKey: ISSUE_KEY.test(key) ? keyPrefix(key) : null,
        person: ctx.person,
        assigneeRef: e.user ?? null,
        teamId: ctx.teamId,
        reportedAi: e.ai_assisted,
      });
      return change !== 'stale' && change !== 'same';
    }
    case 'commit':
    case 'revert':
      return (
        w.commit({
          source: GENERIC_SOURCE,
          repo: e.repo!,
          sha: e.sha!.toLowerCase(),
          ts: ctx.ts,
          authorEmail: e.user,
          message: e.title,
          teamId: ctx.teamId,
          sessionId: e.session_id,
          storyKeys: e.story_key ? [normalizeStoryKey(e.story_key)] : [],
          reportedAi: e.ai_assisted,
          revertsShas: e.type === 'revert' ? [e.reverts_sha!] : undefined,
        }) === 'inserted'
      );
    case 'ci_run':
      return w.ciRun({
        source: GENERIC_SOURCE,
        repo: e.repo!,
        series: `gen:${e.id}`,
        attempt: e.attempt ?? 1,
        name: e.title ?? null,
        headSha: e.sha!,
        headBranch: null,
        conclusion: e.conclusion!,
        startedAt: ctx.ts,
        completedAt: ctx.ts,
        prNumbers: e.number ? [e.number] : [],
      });
    case 'review':
      w.review({
        source: GENERIC_SOURCE,
        repo: e.repo!,
        prNumber: e.number!,
        reviewId: e.id,
        reviewer: null,
        reviewerEmail: e.user,
        prAuthor: null,
        state: e.state!,
        submittedAt: ctx.ts,
      });
      return true;
    case 'pull_request_merged':
      return (
        w.pullRequest({
          source: GENERIC_SOURCE,
          repo: e.repo!,
          number: e.number ?? syntheticPrNumber(e.id),
          title: e.title,
          authorEmail: e.user,
          mergedAt: ctx.ts,
          teamId: ctx.teamId,
          storyKeys: e.story_key ? [normalizeStoryKey(e.story_key)] : [],
          reportedAi: e.ai_assisted,
        }) === 'inserted'
      );
  }
}
