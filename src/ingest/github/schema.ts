// The parts of GitHub's push and pull_request payloads we read (../shared/reference/delivery-sources.md §3).
// Unknown keys are ignored; what we read is checked, so a bad payload gets 400 with the field at fault.
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

export const pushCommitSchema = z.object({
  id: z.string().regex(/^[0-9a-fA-F]{7,64}$/, { error: 'must be a commit SHA (hex)' }),
  message: z.string(),
  timestamp: sourceTime,
  distinct: z.boolean().optional(),
  author: gitAuthor,
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
    user: z.object({ login: z.string() }).nullish(),
    merged: z.literal(true),
    merged_at: sourceTime,
    head: z.object({ ref: z.string() }),
    base: z.object({ ref: z.string() }),
    additions: z.number().int().nonnegative().optional(),
    deletions: z.number().int().nonnegative().optional(),
    labels: z.array(z.object({ name: z.string() })).optional(),
  }),
});
export type MergedPullRequestEvent = z.infer<typeof mergedPullRequestSchema>;
