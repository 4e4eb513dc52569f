// Jira custom fields whose ids differ per site: story points and sprint. The payload carries only
// field ids, so JIRA_STORY_POINTS_FIELDS / JIRA_SPRINT_FIELDS list ids (customfield_NNNNN) and names;
// ids are read directly, and a name is turned into an id when a changelog item shows both
// ({"field":"Story Points","fieldId":"customfield_10016"}); learned ids are remembered by the caller.

export interface ChangelogItem {
  field?: string | null;
  fieldId?: string | null;
}

const FIELD_ID = /^customfield_\d+$/i;

/** the customfield ids in a configured list (names are left out) */
export function configuredIds(list: readonly string[]): string[] {
  return list.filter((x) => FIELD_ID.test(x.trim())).map((x) => x.trim().toLowerCase());
}

/** the field ids that changelog items reveal for the configured names (case-insensitive) */
export function learnIds(items: readonly ChangelogItem[] | null | undefined, list: readonly string[]): string[] {
  const names = new Set(list.filter((x) => !FIELD_ID.test(x.trim())).map((x) => x.trim().toLowerCase()));
  const out: string[] = [];
  for (const it of items ?? []) {
    const id = it.fieldId?.trim().toLowerCase();
    if (id && FIELD_ID.test(id) && names.has((it.field ?? '').trim().toLowerCase()) && !out.includes(id)) out.push(id);
  }
  return out;
}

/** configured ids first, then learned ones, without repeats */
export function mergeIds(...lists: ReadonlyArray<readonly string[]>): string[] {
  return [...new Set(lists.flat())];
}

/**
 * Story points: the first listed field holding a number (5, 5.0 or "5").
 * null when a listed field is present but empty; undefined when none is present (keep what we had).
 */
export function storyPoints(fields: Record<string, unknown>, ids: readonly string[]): number | null | undefined {
  let sawEmpty = false;
  for (const id of ids) {
    if (!(id in fields)) continue;
    const v = fields[id];
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return v;
    if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) && Number(v) >= 0) return Number(v);
    if (v === null || v === undefined || v === '') sawEmpty = true;
  }
  return sawEmpty ? null : undefined;
}

export interface JiraSprintRef {
  id: number | string;
  name?: string | null;
  state?: string | null;
  startDate?: string | null;
  endDate?: string | null;
  completeDate?: string | null;
}

function isSprint(v: unknown): v is JiraSprintRef {
  if (typeof v !== 'object' || v === null) return false;
  const id = (v as { id?: unknown }).id;
  return typeof id === 'number' || (typeof id === 'string' && id !== '');
}

/**
 * Every sprint the issue has been in (the sprint field keeps carried-over ones too).
 * null when a listed field is present but empty; undefined when no listed field is present.
 */
export function issueSprints(fields: Record<string, unknown>, ids: readonly string[]): JiraSprintRef[] | null | undefined {
  let sawField = false;
  for (const id of ids) {
    if (!(id in fields)) continue;
    sawField = true;
    const v = fields[id];
    const list = (Array.isArray(v) ? v : v ? [v] : []).filter(isSprint);
    if (list.length > 0) return list;
  }
  return sawField ? null : undefined;
}

/** the issue's sprint: the last active or closed one; failing that (only future ones), the last listed */
export function pickSprint(list: readonly JiraSprintRef[]): JiraSprintRef | undefined {
  const started = list.filter((s) => s.state === 'active' || s.state === 'closed');
  const pool = started.length > 0 ? started : list;
  return pool[pool.length - 1];
}
