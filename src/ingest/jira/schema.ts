// The parts of Jira Cloud webhook payloads we read (../shared/reference/delivery-sources.md §1).
// Custom fields pass through untouched (fields is a loose object): their ids differ per site.
import { z } from 'zod';

const jiraUser = z.object({
  accountId: z.string().min(1),
  emailAddress: z.string().nullish(),
  displayName: z.string().nullish(),
});

export const jiraEnvelopeSchema = z.object({ webhookEvent: z.string().min(1) });

export const jiraIssueEventSchema = z.object({
  timestamp: z.number().int().positive(),
  webhookEvent: z.string(),
  issue: z.object({
    id: z.union([z.string().min(1), z.number().int()]).transform(String),
    key: z.string().regex(/^[A-Z][A-Z0-9_]{0,49}-\d+$/, { error: 'must be an issue key such as PROJ-842' }),
    fields: z.looseObject({
      summary: z.string().nullish(),
      status: z.object({ statusCategory: z.object({ key: z.string() }) }),
      project: z.object({ key: z.string().min(1) }),
      assignee: jiraUser.nullish(),
      issuetype: z.object({ subtask: z.boolean().optional(), hierarchyLevel: z.number().optional() }).nullish(),
      statuscategorychangedate: z.string().nullish(),
      resolutiondate: z.string().nullish(),
    }),
  }),
  changelog: z
    .object({ items: z.array(z.object({ field: z.string().nullish(), fieldId: z.string().nullish() })).default([]) })
    .nullish(),
});
export type JiraIssueEvent = z.infer<typeof jiraIssueEventSchema>;

export const jiraSprintEventSchema = z.object({
  timestamp: z.number().int().positive().optional(),
  webhookEvent: z.string(),
  sprint: z.object({
    id: z.union([z.number().int(), z.string().min(1)]).transform(String),
    name: z.string().nullish(),
    state: z.string().nullish(),
    startDate: z.string().nullish(),
    endDate: z.string().nullish(),
    completeDate: z.string().nullish(),
  }),
});
export type JiraSprintEvent = z.infer<typeof jiraSprintEventSchema>;
