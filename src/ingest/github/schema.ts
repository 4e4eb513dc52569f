// The parts of GitHub's push, pull_request, workflow_run, check_suite and pull_request_review payloads
// we read (../shared/reference/delivery-sources.md §3; octokit/webhooks payload schemas). Unknown keys
// are ignored; what we read is checked, so a bad payload gets 400 with the field at fault.
import { z } from 'zod';
import { parseSourceTime } from '../delivery/delivery-attribution.js';

export const sourceTime = z
  .string()
  .refine((s) => parseSourceTime(s) !== undefined, { error: 'must be an ISO 8601 time such as 2026-01-01T12:00:00Z' });

const repository = z.object({ full_name: z.string().trim().min(1).max(300) });

const gitAuthor = z.object({
  name: z.string().nullish(),
  email: z.string().nullish(),
  username: z.string().nullish(),
});

const sha = z.string().regex(/^[0-9a-fA-F]{7,64}$/, { error: 'must be a commit SHA (hex)' });
const paths = z.array(z.string()).optional();
const account = z.object({ login: z.string(), type: z.string().nullish() });
const prNumbers = z
  .array(z.object({ number: z.number().int().positive() }))
  .nullish()
  .transform((v) => (v ?? []).map((p) => p.number));

export const pushCommitSchema = z.object({
  id: sha,
  message: z.string(),
  timestamp: sourceTime,
  distinct: z.boolean().optional(),
  author: gitAuthor,
  added: paths,
  removed: paths,
  modified: paths,
});

export const pushSchema = z.object({
  ref: z.string().min(1),
  deleted: z.boolean().optional(),
  repository,
  commits: z.array(pushCommitSchema),
});
export type PushEvent = z.infer<typeof pushSchema>;

export const pullRequestActionSchema = z.object({ action: z.string() });

export const mergedPullRequestSchema = z.object({
  action: z.literal('closed'),
  repository,
  pull_request: z.object({
    number: z.number().int().positive(),
    title: z.string().nullish(),
    body: z.string().nullish(),
    user: account.nullish(),
    merged: z.literal(true),
    merged_at: sourceTime,
    merge_commit_sha: sha.nullish(),
    head: z.object({ ref: z.string() }),
    base: z.object({ ref: z.string() }),
    additions: z.number().int().nonnegative().optional(),
    deletions: z.number().int().nonnegative().optional(),
    labels: z.array(z.object({ name: z.string() })).optional(),
  }),
});
export type MergedPullRequestEvent = z.infer<typeof mergedPullRequestSchema>;

export const actionSchema = z.object({ action: z.string() });

export const workflowRunSchema = z.object({
  action: z.literal('completed'),
  repository,
  workflow_run: z.object({
    id: z.number().int().positive(),
    name: z.string().nullish(),
    head_sha: sha,
    head_branch: z.string().nullish(),
    conclusion: z.string().nullish(),
    // older deliveries have no run_attempt: their runs are first attempts
    run_attempt: z.number().int().positive().optional(),
    run_started_at: sourceTime.nullish(),
    created_at: sourceTime,
    updated_at: sourceTime,
    pull_requests: prNumbers,
  }),
});
export type WorkflowRunEvent = z.infer<typeof workflowRunSchema>;

export const checkSuiteSchema = z.object({
  action: z.literal('completed'),
  repository,
  check_suite: z.object({
    id: z.number().int().positive(),
    head_sha: sha,
    head_branch: z.string().nullish(),
    conclusion: z.string().nullish(),
    app: z.object({ id: z.number().int().optional(), slug: z.string().nullish(), name: z.string().nullish() }).nullish(),
    created_at: sourceTime.nullish(),
    updated_at: sourceTime,
    pull_requests: prNumbers,
  }),
});
export type CheckSuiteEvent = z.infer<typeof checkSuiteSchema>;

export const pullRequestReviewSchema = z.object({
  action: z.string(),
  repository,
  review: z.object({
    id: z.number().int().positive(),
    user: account.nullish(),
    state: z.string().transform((v) => v.toLowerCase()),
    submitted_at: sourceTime.nullish(),
  }),
  pull_request: z.object({
    number: z.number().int().positive(),
    user: account.nullish(),
  }),
});
export type PullRequestReviewEvent = z.infer<typeof pullRequestReviewSchema>;
