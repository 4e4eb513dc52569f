// Tracker bodies for the demo's stories (delivery.ts): Jira Cloud issue transitions for Platform, Linear
// Issue updates for Mobile, generic delivery events for Data; compare test/fixtures/jira/ and linear/.
// Each story is done, and a few are reopened and done again. Pure.
import { createHash } from 'node:crypto';
import type { StoryEvent } from './delivery-model.js';
import { deliveryGuid, type WebhookDelivery } from './github-payloads.js';
import type { DemoPerson } from './scenario.js';

/** Jira's time format: 2026-11-23T06:00:00.000+0000 */
const jiraTime = (ms: number) => new Date(ms).toISOString().replace('Z', '+0000');
const iso = (ms: number) => new Date(ms).toISOString();
const hash = (name: string) => createHash('sha1').update(name).digest('hex');
const jiraAccount = (p: DemoPerson) => `712020:${deliveryGuid(`jira:${p.email}`)}`;
const linearId = (name: string) => deliveryGuid(`linear:${name}`);

const JIRA_STATUS = {
  done: { self: { id: '10001', name: 'Done' }, category: { id: 3, key: 'done', colorName: 'green', name: 'Done' } },
  reopened: { self: { id: '3', name: 'In Progress' }, category: { id: 4, key: 'indeterminate', colorName: 'yellow', name: 'In Progress' } },
} as const;

function jiraIssueBody(e: StoryEvent) {
  const { story } = e.timeline;
  const person = story.person;
  const assignee = { accountId: jiraAccount(person), emailAddress: person.email, displayName: person.name, active: true, accountType: 'atlassian' };
  const status = JIRA_STATUS[e.kind];
  const from = e.kind === 'done' ? JIRA_STATUS.reopened : JIRA_STATUS.done;
  const done = e.kind === 'done';
  return {
    timestamp: e.at,
    webhookEvent: 'jira:issue_updated',
    issue_event_type_name: 'issue_generic',
    user: { accountId: assignee.accountId, displayName: person.name, accountType: 'atlassian', active: true },
    issue: {
      id: e.timeline.issueId,
      key: story.key,
      fields: {
        issuetype: { id: '10001', name: 'Story', subtask: false, hierarchyLevel: 0 },
        project: { id: '10000', key: story.key.split('-')[0], name: story.team.name, projectTypeKey: 'software' },
        status: { ...status.self, statusCategory: status.category },
        resolution: done ? { id: '10000', name: 'Done' } : null,
        resolutiondate: done ? jiraTime(e.at) : null,
        assignee,
        customfield_10016: story.points,
        customfield_10020: null,
        statuscategorychangedate: jiraTime(e.at),
        summary: story.title,
        updated: jiraTime(e.at),
      },
    },
    changelog: {
      id: String(parseInt(hash(`changelog:${story.key}:${e.kind}:${e.n}`).slice(0, 6), 16)),
      items: [
        { field: 'status', fieldtype: 'jira', fieldId: 'status', from: from.self.id, fromString: from.self.name, to: status.self.id, toString: status.self.name },
        done
          ? { field: 'resolution', fieldtype: 'jira', fieldId: 'resolution', from: null, fromString: null, to: '10000', toString: 'Done' }
          : { field: 'resolution', fieldtype: 'jira', fieldId: 'resolution', from: '10000', fromString: 'Done', to: null, toString: null },
      ],
    },
  };
}

/**
 * Linear signs each delivery with the time it sends it (webhookTimestamp, checked against the clock
 * to refuse replays): the demo sends its history `sentAt`; the issue's own times say when things happened.
 */
function linearIssueBody(e: StoryEvent, sentAt: number) {
  const { story } = e.timeline;
  const person = story.person;
  const team = { id: linearId(`team:${story.team.name}`), key: story.key.split('-')[0]!, name: story.team.name };
  const done = e.kind === 'done';
  const state = done
    ? { id: linearId('state:done'), name: 'Done', type: 'completed', color: '#5e6ad2' }
    : { id: linearId('state:started'), name: 'In Progress', type: 'started', color: '#f2c94c' };
  const previous = done ? linearId('state:started') : linearId('state:done');
  const assignee = { id: linearId(`user:${person.email}`), name: person.name, email: person.email };
  const url = `https://linear.app/acme/issue/${story.key}`;
  return {
    action: 'update',
    type: 'Issue',
    actor: { ...assignee, url: `https://linear.app/acme/profiles/${person.github}`, type: 'user' },
    createdAt: iso(e.at),
    organizationId: linearId('org:acme'),
    url,
    webhookId: linearId('webhook:aispend'),
    webhookTimestamp: sentAt,
    updatedFrom: { stateId: previous, updatedAt: iso(e.at - 3_600_000), ...(done ? { completedAt: null } : { completedAt: iso(story.doneAt) }) },
    data: {
      id: linearId(`issue:${story.key}`),
      identifier: story.key,
      number: Number(story.key.split('-')[1]),
      title: story.title,
      url,
      estimate: story.points,
      priority: 3,
      priorityLabel: 'Medium',
      createdAt: iso(story.doneAt - 3 * 86_400_000),
      updatedAt: iso(e.at),
      startedAt: iso(story.doneAt - 86_400_000),
      completedAt: done ? iso(e.at) : null,
      stateId: state.id,
      state,
      teamId: team.id,
      team,
      cycleId: null,
      cycle: null,
      assigneeId: assignee.id,
      assignee,
      labelIds: [],
      labels: [],
    },
  };
}

/** Jira and Linear deliveries of the day's story events (generic teams: genericStoryEvents) */
export function trackerDeliveries(events: readonly StoryEvent[], sentAt: number): WebhookDelivery[] {
  const out: WebhookDelivery[] = [];
  for (const e of events) {
    const name = `${e.timeline.story.key}:${e.kind}:${e.n}`;
    if (e.timeline.story.team.tracker === 'jira') {
      out.push({ route: '/webhooks/jira', event: 'jira:issue_updated', id: deliveryGuid(`jira:${name}`), at: e.at, body: jiraIssueBody(e) });
    } else if (e.timeline.story.team.tracker === 'linear') {
      out.push({ route: '/webhooks/linear', event: 'Issue', id: deliveryGuid(`linear:${name}`), at: e.at, body: linearIssueBody(e, sentAt) });
    }
  }
  return out;
}

/** POST /ingest/delivery body: the story events of teams on the generic route */
export function genericStoryEvents(events: readonly StoryEvent[]): unknown {
  const generic = events.filter((e) => e.timeline.story.team.tracker === 'generic');
  if (generic.length === 0) return undefined;
  return {
    events: generic.map((e) => {
      const st = e.timeline.story;
      return {
        id: e.kind === 'reopened' ? `story-${st.key}-reopened` : e.n === 1 ? `story-${st.key}-done` : `story-${st.key}-done-${e.n}`,
        type: e.kind === 'done' ? 'story_done' : 'story_reopened',
        timestamp: new Date(e.at).toISOString(),
        team: st.team.name,
        user: st.person.email,
        story_key: st.key,
        ...(e.kind === 'done' ? { title: st.title, ...(st.points !== null ? { points: st.points } : {}) } : {}),
      };
    }),
  };
}
