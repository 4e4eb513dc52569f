import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testConfig } from '../../../src/config.js';
import { orgRepo } from '../../../src/db/repos/org-repo.js';
import { workWriter } from '../../../src/ingest/delivery/work-writer.js';
import { applyJiraIssue, isStoryLevel } from '../../../src/ingest/jira/jira-events.js';
import { issueSprints, pickSprint, storyPoints } from '../../../src/ingest/jira/fields.js';
import { jiraIssueEventSchema, type JiraIssueEvent } from '../../../src/ingest/jira/schema.js';
import { openTempDb, type TempDb } from '../../helpers/temp-db.js';
import { fixture } from '../delivery/webhook-client.js';
import { rows, seedPerson, seedTeam } from '../delivery/seed.js';

let tmp: TempDb;
beforeEach(() => {
  tmp = openTempDb();
});
afterEach(() => tmp.cleanup());

const NOW = Date.parse('2026-11-23T10:00:00Z');

function event(mutate: (e: { timestamp: number; issue: { fields: Record<string, unknown> }; changelog?: unknown }) => void = () => undefined): JiraIssueEvent {
  const raw = fixture<{ timestamp: number; issue: { fields: Record<string, unknown> }; changelog?: unknown }>('jira/issue-done.json');
  mutate(raw);
  return jiraIssueEventSchema.parse(raw);
}

function apply(e: JiraIssueEvent, env: Record<string, string> = {}) {
  const w = workWriter({ db: tmp.db }, NOW);
  return tmp.db.transaction(() => applyJiraIssue(w, tmp.db, testConfig(env), e))();
}

const points = () => rows<{ points: number | null }>(tmp.db, "SELECT points FROM stories WHERE key = 'PROJ-842'")[0]!.points;

describe('Jira story points without a hard-coded field id', () => {
  it('reads the default field ids (customfield_10016, then customfield_10028)', () => {
    apply(event((e) => {
      delete e.issue.fields.customfield_10016;
      e.issue.fields.customfield_10028 = 8;
    }));
    expect(points()).toBe(8);
  });

  it('learns the id of a configured field name from a changelog item, and remembers it', () => {
    const env = { JIRA_STORY_POINTS_FIELDS: 'Story point estimate' };
    apply(
      event((e) => {
        delete e.issue.fields.customfield_10016;
        e.issue.fields.customfield_10099 = 3;
        e.changelog = { items: [{ field: 'Story point estimate', fieldtype: 'custom', fieldId: 'customfield_10099', from: null, to: '3' }] };
      }),
      env,
    );
    expect(points()).toBe(3);
    apply(
      event((e) => {
        e.timestamp += 1000;
        delete e.issue.fields.customfield_10016;
        e.issue.fields.customfield_10099 = '13';
        e.changelog = null;
      }),
      env,
    );
    expect(points()).toBe(13);
    expect(orgRepo(tmp.db).setting('jira.story_points_field_ids')).toBe('customfield_10099');
  });

  it('keeps the points when no listed field is in the event, clears them when the field is emptied', () => {
    apply(event());
    expect(points()).toBe(5);
    apply(event((e) => {
      e.timestamp += 1000;
      delete e.issue.fields.customfield_10016;
    }));
    expect(points()).toBe(5);
    apply(event((e) => {
      e.timestamp += 2000;
      e.issue.fields.customfield_10016 = null;
    }));
    expect(points()).toBeNull();
  });

  it('reads numbers, numeric strings and nothing else', () => {
    expect(storyPoints({ a: 2.5 }, ['a'])).toBe(2.5);
    expect(storyPoints({ a: 'x', b: '3' }, ['a', 'b'])).toBe(3);
    expect(storyPoints({ a: null }, ['a'])).toBeNull();
    expect(storyPoints({}, ['a'])).toBeUndefined();
  });
});

describe('Jira sprint field', () => {
  it('takes the last active or closed sprint, else the last one listed', () => {
    const list = issueSprints(
      { customfield_10020: [{ id: 1, state: 'closed' }, { id: 2, state: 'active' }, { id: 3, state: 'future' }] },
      ['customfield_10020'],
    )!;
    expect(pickSprint(list)!.id).toBe(2);
    expect(pickSprint([{ id: 7, state: 'future' }, { id: 8, state: 'future' }])!.id).toBe(8);
    expect(issueSprints({ customfield_10020: null }, ['customfield_10020'])).toBeNull();
    expect(issueSprints({}, ['customfield_10020'])).toBeUndefined();
  });
});

describe('Jira people and teams', () => {
  it("takes the story's team from the assignee when the project is not mapped", () => {
    const team = seedTeam(tmp.db, 'Identity');
    const p = orgRepo(tmp.db).ensurePersonByIdentity('jira', '5b10a2844c20165700ede21g', NOW, { name: 'Mia Krystof' });
    orgRepo(tmp.db).setPersonTeam(p.id, team);
    apply(event());
    expect(rows(tmp.db, "SELECT team_id, person_id FROM stories WHERE key = 'PROJ-842'")).toEqual([{ team_id: team, person_id: p.id }]);
  });

  it('moves work from an accountId-only person to the email person once Jira shows the email', () => {
    apply(event());
    const placeholder = rows<{ person_id: number }>(tmp.db, "SELECT person_id FROM stories WHERE key = 'PROJ-842'")[0]!.person_id;
    expect(orgRepo(tmp.db).personById(placeholder)!.email).toBeNull();
    const mia = seedPerson(tmp.db, 'mia@acme.com');
    apply(event((e) => {
      e.timestamp += 1000;
      (e.issue.fields.assignee as Record<string, unknown>).emailAddress = 'Mia@acme.com';
    }));
    expect(rows(tmp.db, "SELECT person_id FROM stories WHERE key = 'PROJ-842'")).toEqual([{ person_id: mia }]);
    expect(orgRepo(tmp.db).personByIdentity('jira', '5b10a2844c20165700ede21g')!.id).toBe(mia);
  });

  it('does not count sub-tasks or epics as stories', () => {
    expect(isStoryLevel(event())).toBe(true);
    expect(isStoryLevel(event((e) => void (e.issue.fields.issuetype = { name: 'Sub-task', subtask: true, hierarchyLevel: -1 })))).toBe(false);
    expect(isStoryLevel(event((e) => void (e.issue.fields.issuetype = { name: 'Epic', subtask: false, hierarchyLevel: 1 })))).toBe(false);
  });

  it('withdraws a deleted issue', () => {
    apply(event());
    const deleted = event((e) => {
      e.timestamp += 1000;
      (e as unknown as { webhookEvent: string }).webhookEvent = 'jira:issue_deleted';
    });
    apply(deleted);
    expect(rows(tmp.db, "SELECT done FROM stories WHERE key = 'PROJ-842'")).toEqual([{ done: 0 }]);
  });
});
