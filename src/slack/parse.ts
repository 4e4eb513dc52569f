// Parsing of /aispend arguments as Slack sends them with should_escape: true:
// users <@U123|name>, channels <#C123|name>, emails <mailto:a@b.co|a@b.co>, links <https://…|…>.
import { PERIOD_ALIASES, PERIOD_KINDS } from '../domain/periods.js';

/** words that mean something else where a team name may appear (`summary platform week`, `sessions looping`, …) */
export const RESERVED_TEAM_NAMES: ReadonlySet<string> = new Set([
  ...PERIOD_KINDS,
  ...Object.keys(PERIOD_ALIASES),
  'org', 'all', 'looping', 'post', 'history', 'help', 'list', 'none', 'me',
]);

export function tokenize(text: string): string[] {
  return text.trim().split(/\s+/).filter(Boolean);
}

export function parseUserMention(word: string): string | undefined {
  const m = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(word.trim());
  return m?.[1];
}

export function parseChannelMention(word: string): string | undefined {
  const m = /^<#([CGD][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(word.trim());
  return m?.[1];
}

/** a user given as a mention or as a bare member ID (U…/W…), e.g. when mentions are not escaped */
export function parseUserRef(word: string): string | undefined {
  const w = word.trim();
  return parseUserMention(w) ?? (/^[UW][A-Z0-9]{6,}$/.test(w) ? w : undefined);
}

/** a channel given as a mention or as a bare channel ID (C…/G…) */
export function parseChannelRef(word: string): string | undefined {
  const w = word.trim();
  return parseChannelMention(w) ?? (/^[CG][A-Z0-9]{6,}$/.test(w) ? w : undefined);
}

/** `@name` / `#name` typed as plain text: Slack sends IDs only when the command escapes mentions */
export function isUnescapedMention(word: string): boolean {
  return /^[@#][^\s<>]+$/.test(word.trim());
}

const EMAIL = /^[^\s@<>|]+@[^\s@<>|]+\.[^\s@<>|]+$/;

export function parseEmail(word: string): string | undefined {
  const w = word.trim();
  const m = /^<mailto:([^|>]+)(?:\|[^>]*)?>$/.exec(w);
  const candidate = (m ? m[1]! : w).toLowerCase();
  return EMAIL.test(candidate) ? candidate : undefined;
}

export { parseAmount } from '../domain/amounts.js';

export function levenshtein(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0]!;
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j]!;
      dp[j] = Math.min(dp[j]! + 1, dp[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length]!;
}

/** The closest known word, if it is close enough to be a plausible typo. */
export function didYouMean(word: string, known: string[]): string | undefined {
  const w = word.toLowerCase();
  let best: { k: string; d: number } | undefined;
  for (const k of known) {
    const d = k.startsWith(w) && w.length >= 2 ? 0.5 : levenshtein(w, k);
    if (!best || d < best.d) best = { k, d };
  }
  if (!best) return undefined;
  const allowed = Math.max(1, Math.floor(best.k.length / 3));
  return best.d <= allowed ? best.k : undefined;
}
