// Jira issue and sprint events → stories and sprints. An issue is delivered while its status
// category is "done"; leaving done for another category is a reopen, a deleted issue is withdrawn.
import type { Config } from '../../config.js';
import { orgRepo, type OrgRepo } from '../../db/repos/org-repo.js';
import type { Db } from '../../db/open.js';
import { parseSourceTime } from '../delivery/delivery-attribution.js';
import type { WorkWriter } from '../delivery/work-writer.js';
import { configuredIds, issueSprints, learnIds, mergeIds, pickSprint, storyPoints } from './fields.js';
import type { JiraIssueEvent, JiraSprintEvent } from './schema.js';

export const JIRA_SOURCE = 'jira';
const POINTS_SETTING = 'jira.story_points_field_ids';
const SPRINT_SETTING = 'jira.sprint_field_ids';

/** configured field ids, plus ids learned from changelogs (remembered in settings) */
function fieldIds(org: OrgRepo, setting: string, list: readonly string[], e: JiraIssueEvent): string[] {
  const stored = (org.setting(setting) ?? '').split(',').filter(Boolean);
  const learned = learnIds(e.changelog?.items, list).filter((id) => !stored.includes(id));
  if (learned.length > 0) org.setSetting(setting, [...stored, ...learned].join(','));
  return mergeIds(configuredIds(list), stored, learned);
}

/** sub-tasks and epics are not stories: counting them would count the same work twice */
export function isStoryLevel(e: JiraIssueEvent): boolean {
  const t = e.issue.fields.issuetype;
  if (!t) return true;
  if (t.subtask === true) return false;
  return t.hierarchyLevel === undefined || t.hierarchyLevel === 0;
}

export function applyJiraIssue(
  w: WorkWriter,
  db: Db,
  config: Config,
  e: JiraIssueEvent,
): { accepted: number } {
  const org = orgRepo(db);
  const f = e.issue.fields;
  const projectKey = f.project.key.toUpperCase();
  const deleted = e.webhookEvent === 'jira:issue_deleted';
  const state = deleted ? 'withdrawn' : f.status.statusCategory.key.toLowerCase() === 'done' ? 'done' : 'open';
  const eventAt = e.timestamp;
  const changedAt = parseSourceTime(f.statuscategorychangedate);
  const doneAt = changedAt ?? parseSourceTime(f.resolutiondate) ?? eventAt;

  const pointIds = fieldIds(org, POINTS_SETTING, config.webhooks.jiraStoryPointsFields, e);
  const sprintIds = fieldIds(org, SPRINT_SETTING, config.webhooks.jiraSprintFields, e);
  const fields = f as Record<string, unknown>;

  const sprints = issueSprints(fields, sprintIds);
  const chosen = sprints ? pickSprint(sprints) : undefined;
  let sprintId: number | null | undefined = sprints === null ? null : undefined;
  for (const sp of sprints ?? []) {
    const id = w.sprint({
      source: JIRA_SOURCE,
      externalId: String(sp.id),
      name: sp.name,
      state: sp.state,
      teamId: w.projectTeam(projectKey),
      startsAt: parseSourceTime(sp.startDate) ?? null,
      endsAt: parseSourceTime(sp.endDate) ?? null,
      completedAt: parseSourceTime(sp.completeDate) ?? null,
      authoritative: false,
    });
    if (sp === chosen) sprintId = id;
  }

  const a = f.assignee;
  const person = a ? w.trackerPerson('jira', a.accountId, a.emailAddress, a.displayName) : null;
  const change = w.story({
    source: JIRA_SOURCE,
    externalId: e.issue.id,
    key: e.issue.key,
    title: f.summary ?? null,
    points: storyPoints(fields, pointIds),
    state,
    doneAt,
    // a reopen happened when the status category last changed
    since: state === 'open' ? (changedAt ?? eventAt) : eventAt,
    eventAt,
    projectKey,
    person,
    assigneeRef: a?.accountId ?? null,
    sprintId,
  });
  return { accepted: change === 'stale' ? 0 : 1 };
}

export function applyJiraSprint(w: WorkWriter, e: JiraSprintEvent): { accepted: number } {
  const sp = e.sprint;
  w.sprint({
    source: JIRA_SOURCE,
    externalId: sp.id,
    name: sp.name,
    state: sp.state ?? (e.webhookEvent === 'sprint_closed' ? 'closed' : e.webhookEvent === 'sprint_started' ? 'active' : null),
    startsAt: parseSourceTime(sp.startDate) ?? null,
    endsAt: parseSourceTime(sp.endDate) ?? null,
    completedAt: parseSourceTime(sp.completeDate) ?? null,
    authoritative: true,
  });
  return { accepted: 1 };
}
