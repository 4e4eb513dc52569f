// The one table of AI-assistance rules for commits and pull requests. Each rule has a stable id
// (stored in commits.ai_markers / pull_requests.ai_markers), the tool it recognises and a confidence.
// To add a rule: append an entry to AI_MARKER_RULES with a new id and a test in
// test/ingest/delivery/ai-markers.test.ts. Rules only read WorkEvidence; facts that need the database
// (session links, telemetry nearby, AI commits on a PR's branch) are looked up by the caller.
// Sources: ../shared/reference/delivery-sources.md §4.7 (trailers and agent authors).

export type AiTool = 'claude' | 'cursor' | 'copilot' | 'codex' | 'amp' | 'any';
/** high: the tool wrote the marker itself; low: inferred from timing or naming */
export type MarkerConfidence = 'high' | 'low';

export interface WorkEvidence {
  /** the full commit message, or a PR's title and body: read here, never stored */
  text?: string | null;
  authorEmail?: string | null;
  authorName?: string | null;
  /** GitHub login (push author.username, PR user.login) */
  authorLogin?: string | null;
  branch?: string | null;
  labels?: readonly string[];
  /** how the commit was linked to an agent session, if it was */
  sessionLink?: 'trailer' | 'window' | null;
  /** the author had an agent session that reported commits (commit.count telemetry) within ±2 h */
  agentCommitsNearby?: boolean;
  /** a PR whose head branch holds an AI-assisted commit */
  aiCommitsOnBranch?: boolean;
  /** the sender said so (generic events: ai_assisted: true) */
  reported?: boolean;
}

export interface AiMarkerRule {
  id: string;
  tool: AiTool;
  confidence: MarkerConfidence;
  /** what it recognises (docs/delivery-sources.md lists these) */
  description: string;
  matches(e: WorkEvidence): boolean;
}

// git trailer keys are case-insensitive; a trailer is a whole line "Key: value"
const inText = (re: RegExp) => (e: WorkEvidence) => typeof e.text === 'string' && re.test(e.text);
const lower = (s: string | null | undefined) => (s ?? '').trim().toLowerCase();

const COPILOT_NOREPLY = /^\d+\+copilot@users\.noreply\.github\.com$/i;
const COPILOT_LOGINS = new Set(['copilot', 'copilot-swe-agent[bot]', 'copilot-swe-agent']);
const CODEX_EMAILS = new Set(['noreply@openai.com', 'codex@openai.com']);

export const AI_MARKER_RULES: readonly AiMarkerRule[] = [
  {
    id: 'claude-co-author',
    tool: 'claude',
    confidence: 'high',
    description: 'trailer `Co-Authored-By: Claude … <noreply@anthropic.com>` (any model name)',
    matches: inText(/^co-authored-by:[ \t]*claude\b[^<\n]*<noreply@anthropic\.com>/im),
  },
  {
    id: 'claude-generated',
    tool: 'claude',
    confidence: 'high',
    description: 'the line `Generated with [Claude Code](…)` in a commit message or PR body',
    matches: inText(/generated with \[?claude code\]?/i),
  },
  {
    id: 'claude-session',
    tool: 'claude',
    confidence: 'high',
    description: 'trailer `Claude-Session: https://claude.ai/code/session_<id>` (also a session URL in a PR body)',
    matches: (e) =>
      e.sessionLink === 'trailer' ||
      inText(/^claude-session:[ \t]*\S+/im)(e) ||
      inText(/https:\/\/claude\.ai\/code\/session_[A-Za-z0-9_-]+/)(e),
  },
  {
    id: 'cursor-co-author',
    tool: 'cursor',
    confidence: 'high',
    description: 'trailer `Co-authored-by: Cursor <…@cursor.com>`',
    matches: inText(/^co-authored-by:[ \t]*cursor\b[^<\n]*<[^>\n]*@cursor\.com>/im),
  },
  {
    id: 'cursor-made-with',
    tool: 'cursor',
    confidence: 'high',
    description: 'trailer `Made-with: Cursor`, or the PR footer `Made with [Cursor](https://cursor.com)`',
    matches: (e) => inText(/^made-with:[ \t]*cursor\b/im)(e) || inText(/made with \[cursor\]\(https:\/\/cursor\.com\/?\)/i)(e),
  },
  {
    id: 'cursor-agent-author',
    tool: 'cursor',
    confidence: 'high',
    description: 'authored by the Cursor background agent (`cursoragent@cursor.com`)',
    matches: (e) => lower(e.authorEmail) === 'cursoragent@cursor.com',
  },
  {
    id: 'copilot-agent-author',
    tool: 'copilot',
    confidence: 'high',
    description: 'authored by the GitHub Copilot coding agent (`copilot-swe-agent[bot]`, `…+Copilot@users.noreply.github.com`)',
    matches: (e) =>
      COPILOT_NOREPLY.test(lower(e.authorEmail)) ||
      COPILOT_LOGINS.has(lower(e.authorLogin)) ||
      lower(e.authorName) === 'copilot-swe-agent[bot]',
  },
  {
    id: 'copilot-co-author',
    tool: 'copilot',
    confidence: 'high',
    description: 'trailer `Co-authored-by: copilot-swe-agent[bot]` or `Copilot` with a `+Copilot@users.noreply.github.com` address',
    matches: inText(/^co-authored-by:[^<\n]*<\d+\+copilot@users\.noreply\.github\.com>/im),
  },
  {
    id: 'codex-co-author',
    tool: 'codex',
    confidence: 'high',
    description: 'trailer `Co-authored-by: Codex <noreply@openai.com>` (or `codex@openai.com`)',
    matches: inText(/^co-authored-by:[ \t]*codex\b[^<\n]*<(?:noreply|codex)@openai\.com>/im),
  },
  {
    id: 'codex-agent-author',
    tool: 'codex',
    confidence: 'high',
    description: 'authored by Codex (`noreply@openai.com` or `codex@openai.com`)',
    matches: (e) => CODEX_EMAILS.has(lower(e.authorEmail)),
  },
  {
    id: 'amp-co-author',
    tool: 'amp',
    confidence: 'high',
    description: 'trailer `Co-authored-by: Amp <amp@ampcode.com>` or `Amp-Thread-ID:`',
    matches: (e) =>
      inText(/^co-authored-by:[ \t]*amp\b[^<\n]*<amp@ampcode\.com>/im)(e) || inText(/^amp-thread-id:[ \t]*\S+/im)(e),
  },
  {
    id: 'ai-label',
    tool: 'claude',
    confidence: 'high',
    description: 'a PR labelled `claude-code-assisted`',
    matches: (e) => (e.labels ?? []).some((l) => lower(l) === 'claude-code-assisted'),
  },
  {
    id: 'pr-ai-commit',
    tool: 'any',
    confidence: 'high',
    description: 'a merged PR whose head branch holds an AI-assisted commit',
    matches: (e) => e.aiCommitsOnBranch === true,
  },
  {
    id: 'reported',
    tool: 'any',
    confidence: 'high',
    description: 'a generic delivery event sent with `ai_assisted: true`',
    matches: (e) => e.reported === true,
  },
  {
    id: 'agent-branch',
    tool: 'any',
    confidence: 'low',
    description: 'a branch named by a cloud agent (`cursor/…`, `copilot/…`)',
    matches: (e) => /^(?:cursor|copilot)\//i.test(e.branch ?? ''),
  },
  {
    id: 'session-window',
    tool: 'claude',
    confidence: 'low',
    description: "a commit made by the same person in the same repository during one of their agent sessions",
    matches: (e) => e.sessionLink === 'window',
  },
  {
    id: 'claude-code-telemetry',
    tool: 'claude',
    confidence: 'low',
    description: 'the author had a Claude Code session reporting commits (`claude_code.commit.count`) within 2 hours',
    matches: (e) => e.agentCommitsNearby === true,
  },
];

const BY_ID = new Map(AI_MARKER_RULES.map((r) => [r.id, r]));

export interface AiDetection {
  aiAssisted: boolean;
  /** rule ids that matched, in table order */
  markers: string[];
}

export function detectAiMarkers(e: WorkEvidence): AiDetection {
  const markers = AI_MARKER_RULES.filter((r) => r.matches(e)).map((r) => r.id);
  return { aiAssisted: markers.length > 0, markers };
}

/** the confidence of a stored marker id (undefined for ids no longer in the table) */
export function markerConfidence(id: string): MarkerConfidence | undefined {
  return BY_ID.get(id)?.confidence;
}

/** commits.ai_markers text ("a,b") from a detection, or null when none */
export function markersColumn(markers: readonly string[]): string | null {
  return markers.length > 0 ? markers.join(',') : null;
}

const SESSION_TRAILER = /^claude-session:[ \t]*(\S+)[ \t]*$/im;

/**
 * The session id of a `Claude-Session:` trailer: `https://claude.ai/code/session_<id>` → `<id>`;
 * a bare `<id>` (or `session_<id>`) is accepted too. Callers also try `session_<id>` when looking it up.
 */
export function parseClaudeSession(message: string | null | undefined): string | undefined {
  if (!message) return undefined;
  const m = SESSION_TRAILER.exec(message);
  if (!m) return undefined;
  let v = m[1]!.replace(/[>),.;]+$/, '');
  const url = /^https?:\/\/[^/\s]+\/code\/(?:session_)?([A-Za-z0-9_-]+)\/?(?:[?#].*)?$/i.exec(v);
  if (url) v = url[1]!;
  else if (/^https?:\/\//i.test(v)) return undefined;
  v = v.replace(/^session_/, '');
  return /^[A-Za-z0-9_-]{1,200}$/.test(v) ? v : undefined;
}
