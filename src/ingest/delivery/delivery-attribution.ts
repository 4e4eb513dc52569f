// Pure rules of delivery attribution: which agent session a commit belongs to, which team owns a
// piece of work, and how source times are read (when a story counts as delivered: story-history.ts).
import type { SessionWindow } from '../../db/repos/delivery-repo.js';

/** a commit made up to this long after a session's last activity still belongs to it */
export const SESSION_COMMIT_GRACE_MS = 30 * 60_000;
/** the low-confidence telemetry rule: an agent session reporting commits within ±2 h of the commit */
export const TELEMETRY_WINDOW_MS = 2 * 60 * 60_000;
/** longest subject kept (the first line only; full messages are never stored) */
export const SUBJECT_MAX = 300;

/** the first line of a commit message, trimmed and capped */
export function firstLine(message: string | null | undefined, max = SUBJECT_MAX): string | null {
  if (!message) return null;
  const line = message.split(/\r?\n/, 1)[0]!.trim();
  if (line === '') return null;
  return line.length > max ? line.slice(0, max - 1) + '…' : line;
}

/** refs/heads/main → main; tags and other refs → undefined */
export function branchFromRef(ref: string): string | undefined {
  return ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined;
}

/**
 * A comparable repository name: "owner/name" in lower case, from a full name, an https or ssh
 * remote URL, or a local path (its last two segments).
 */
export function normalizeRepo(repo: string | null | undefined): string | undefined {
  if (!repo) return undefined;
  let r = repo.trim().toLowerCase();
  r = r.replace(/^[a-z+]+:\/\/[^/]+\//, ''); // https://github.com/owner/name
  r = r.replace(/^[^@/\s]+@[^:/\s]+:/, ''); // git@github.com:owner/name
  r = r.replace(/\.git$/, '').replace(/\/+$/, '');
  const parts = r.split('/').filter(Boolean);
  if (parts.length === 0) return undefined;
  return parts.slice(-2).join('/');
}

/** same repository, tolerant of URL vs full name vs local checkout folder */
export function sameRepo(a: string | null | undefined, b: string | null | undefined): boolean {
  const x = normalizeRepo(a);
  const y = normalizeRepo(b);
  if (!x || !y) return false;
  if (x === y) return true;
  const lastX = x.split('/').pop();
  const lastY = y.split('/').pop();
  // a session started in a local folder knows only the folder name
  return (!x.includes('/') || !y.includes('/')) && lastX === lastY;
}

export type { SessionWindow };

/**
 * The agent session a commit without a trailer belongs to: one of the author's sessions whose
 * activity (start … last activity + 30 min) contains the commit time, in the same repository
 * when the session knows its repository; the most recently started wins.
 */
export function pickSessionForCommit(
  candidates: readonly SessionWindow[],
  commit: { ts: number; repo: string },
): string | undefined {
  let best: SessionWindow | undefined;
  for (const s of candidates) {
    if (commit.ts < s.started_at || commit.ts > s.last_activity_at + SESSION_COMMIT_GRACE_MS) continue;
    if (s.repo && !sameRepo(s.repo, commit.repo)) continue;
    if (!best || s.started_at > best.started_at) best = s;
  }
  return best?.session_id;
}

/** the first team that is known, in order of precedence */
export function firstTeam(...candidates: Array<number | null | undefined>): number | null {
  for (const c of candidates) if (c !== null && c !== undefined) return c;
  return null;
}

/**
 * Epoch ms of a source timestamp: ISO 8601, Jira's "2026-01-01T12:00:00.000+0000" (offset without
 * a colon), or epoch ms as a number. Undefined when unreadable.
 */
export function parseSourceTime(v: string | number | null | undefined): number | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  const s = v.trim().replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const ms = Date.parse(s);
  return Number.isFinite(ms) ? ms : undefined;
}

/** state of a Linear cycle at `now`: closed once completed or past its end (Linear closes cycles on their end date) */
export function cycleState(c: { startsAt?: number; endsAt?: number; completedAt?: number }, now: number): string {
  if (c.completedAt !== undefined) return 'closed';
  if (c.endsAt !== undefined && now >= c.endsAt) return 'closed';
  if (c.startsAt !== undefined && now < c.startsAt) return 'future';
  return 'active';
}
