// Linear Issue and Cycle events → stories and sprints (source 'linear'). An issue is delivered while
// its workflow state type is "completed" (leaving it for backlog, unstarted or started is a reopen;
// canceled or removed withdraws it); estimate = points; the team key is the tracker mapping.
import { cycleState, parseSourceTime } from '../delivery/delivery-attribution.js';
import type { WorkWriter } from '../delivery/work-writer.js';
import type { LinearCycleEvent, LinearIssueEvent } from './schema.js';

export const LINEAR_SOURCE = 'linear';

const ms = (v: string | null | undefined) => parseSourceTime(v) ?? undefined;

function cycleName(name: string | null | undefined, number: number | null | undefined): string | null {
  if (name && name.trim() !== '') return name.trim();
  return number !== null && number !== undefined ? `Cycle ${number}` : null;
}

export function applyLinearIssue(w: WorkWriter, e: LinearIssueEvent, now: number): { accepted: number } {
  const d = e.data;
  const teamKey = d.team?.key.toUpperCase() ?? null;
  const removed = e.action === 'remove';
  const type = d.state.type.toLowerCase();
  const state = removed || type === 'canceled' ? 'withdrawn' : type === 'completed' ? 'done' : 'open';
  // updatedAt orders versions of the issue (a retry keeps it); a removal is newer than any version
  const eventAt = removed ? e.webhookTimestamp : (ms(d.updatedAt) ?? e.webhookTimestamp);
  const doneAt = ms(d.completedAt) ?? eventAt;

  let sprintId: number | null | undefined = d.cycle === null ? null : undefined;
  if (d.cycle) {
    const c = d.cycle;
    const startsAt = ms(c.startsAt);
    const endsAt = ms(c.endsAt);
    sprintId = w.sprint({
      source: LINEAR_SOURCE,
      externalId: c.id,
      name: cycleName(c.name, c.number),
      state: cycleState({ startsAt, endsAt }, now),
      teamId: teamKey ? w.projectTeam(teamKey) : null,
      startsAt: startsAt ?? null,
      endsAt: endsAt ?? null,
      authoritative: false,
    });
  }
  const a = d.assignee;
  const person = a ? w.trackerPerson('linear', a.id, a.email, a.name) : null;
  const change = w.story({
    source: LINEAR_SOURCE,
    externalId: d.id,
    key: d.identifier.toUpperCase(),
    title: d.title ?? null,
    points: d.estimate === undefined ? undefined : d.estimate,
    state,
    doneAt,
    eventAt,
    projectKey: teamKey,
    person,
    assigneeRef: a?.id ?? null,
    sprintId,
  });
  return { accepted: change === 'stale' ? 0 : 1 };
}

export function applyLinearCycle(w: WorkWriter, e: LinearCycleEvent, now: number): { accepted: number } {
  if (e.action === 'remove') return { accepted: 0 };
  const d = e.data;
  const startsAt = ms(d.startsAt);
  const endsAt = ms(d.endsAt);
  const completedAt = ms(d.completedAt);
  w.sprint({
    source: LINEAR_SOURCE,
    externalId: d.id,
    name: cycleName(d.name, d.number),
    state: cycleState({ startsAt, endsAt, completedAt }, now),
    startsAt: startsAt ?? null,
    endsAt: endsAt ?? null,
    completedAt: completedAt ?? null,
    authoritative: true,
  });
  return { accepted: 1 };
}
