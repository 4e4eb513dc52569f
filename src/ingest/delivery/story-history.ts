// Pure rules of a story's history: every state a tracker reported (in any arrival order) folds into
// the same done spells, reopens and current state. docs/quality.md "Reopened stories".
//
// A story counts as delivered while it is done, in the week of its latest done (a reopened story
// counts again only when it is done again). Leaving done for a state where it is worked on again
// (Jira "To Do"/"In Progress" categories, Linear backlog/unstarted/started, a generic story_reopened)
// is a reopen; leaving it because it was deleted or canceled is a withdrawal, not a reopen (a later
// return to work still makes it one).

export type StoryState = 'done' | 'open' | 'withdrawn';

export interface StateObservation {
  /** the source time of the event (orders events) */
  eventAt: number;
  state: StoryState;
  /** when the tracker says this state began; for a reopen, when it left done */
  since: number;
}

export interface DoneSpell {
  doneAt: number;
  /** when it left done; null while it is done */
  endedAt: number | null;
  endKind: 'reopened' | 'withdrawn' | null;
}

export interface StoryHistory {
  done: 0 | 1;
  /** the latest time it reached done (kept after it leaves done), null if never done */
  doneAt: number | null;
  firstDoneAt: number | null;
  /** the newest event applied */
  updatedAt: number;
  spells: DoneSpell[];
}

/** new: first sight; done: reached done; reopened / withdrawn: left done; same: no change; history: an
 *  older event that filled in the past (a reopen seen late); stale: an older event that changed nothing */
export type StoryChange = 'new' | 'done' | 'reopened' | 'withdrawn' | 'same' | 'history' | 'stale';

const ORDER: Record<StoryState, number> = { done: 0, open: 1, withdrawn: 2 };

export function foldStoryHistory(observations: readonly StateObservation[]): StoryHistory {
  const sorted = [...observations].sort((a, b) => a.eventAt - b.eventAt || ORDER[a.state] - ORDER[b.state]);
  const spells: DoneSpell[] = [];
  let current: DoneSpell | undefined;
  let withdrawn: DoneSpell | undefined;
  let updatedAt = -Infinity;
  for (const o of sorted) {
    updatedAt = Math.max(updatedAt, o.eventAt);
    if (o.state === 'done') {
      if (current) continue;
      const prev = spells[spells.length - 1];
      // a tracker's "since" can lag the event that ended the spell before: spells never overlap
      let doneAt = Math.max(o.since, prev?.endedAt ?? -Infinity);
      if (prev && doneAt <= prev.doneAt) doneAt = prev.doneAt + 1;
      current = { doneAt, endedAt: null, endKind: null };
      spells.push(current);
      withdrawn = undefined;
    } else if (current) {
      current.endedAt = Math.max(o.since, current.doneAt);
      current.endKind = o.state === 'open' ? 'reopened' : 'withdrawn';
      withdrawn = o.state === 'withdrawn' ? current : undefined;
      current = undefined;
    } else if (o.state === 'open' && withdrawn) {
      // canceled (or moved out of done without a workflow state) and then picked up again
      withdrawn.endKind = 'reopened';
      withdrawn = undefined;
    }
  }
  const last = spells[spells.length - 1];
  return {
    done: current ? 1 : 0,
    doneAt: last?.doneAt ?? null,
    firstDoneAt: spells[0]?.doneAt ?? null,
    updatedAt,
    spells,
  };
}

/** what one more observation did to a story's history */
export function classifyChange(before: StoryHistory | undefined, after: StoryHistory, obs: StateObservation): StoryChange {
  if (!before) return 'new';
  if (obs.eventAt < before.updatedAt) {
    return JSON.stringify(before.spells) === JSON.stringify(after.spells) ? 'stale' : 'history';
  }
  if (before.done === 0 && after.done === 1) return 'done';
  if (before.done === 1 && after.done === 0) {
    return after.spells[after.spells.length - 1]?.endKind === 'reopened' ? 'reopened' : 'withdrawn';
  }
  return 'same';
}
