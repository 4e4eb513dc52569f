// Issue keys (ABC-123) in branch names, PR titles and bodies, and commit messages: the links from
// work to stories. Rules (docs/delivery-sources.md, "Linking work to stories"):
// - a key is 2–10 characters (a capital letter, then capitals or digits), a hyphen and 1–7 digits
//   not starting with 0, standing alone (not inside a longer word or number);
// - in messages, titles and bodies only upper-case keys count ("eng-123" in prose is not a key);
// - in branch names keys are matched in any case (Linear suggests "ada/eng-123-add-sso"), but a
//   lower-case one counts only when its prefix is a known project or team key;
// - false friends (UTF-8, SHA-256, ISO-8601, CVE-2024, …) are dropped unless their prefix is a known key;
// - known prefixes (Jira project keys and Linear team keys seen in stories or team mappings) come
//   first, but unknown ones are kept: the story may arrive later.

export const FALSE_FRIEND_PREFIXES: ReadonlySet<string> = new Set([
  'UTF', 'UCS', 'SHA', 'MD', 'HMAC', 'ISO', 'IEC', 'IEEE', 'RFC', 'CVE', 'CWE', 'GHSA', 'GPT', 'AES', 'RSA', 'DES',
  'ECDSA', 'HS', 'RS', 'ES', 'PS', 'TLS', 'SSL', 'HTTP', 'IPV', 'ECMA', 'PEP', 'WCAG', 'FIPS', 'COVID', 'ARM',
  'AMD', 'X86', 'WIN', 'INT', 'UINT', 'FP', 'BF', 'BASE', 'CRC', 'DDR', 'PCI', 'USB', 'LTE', 'SOC', 'EN', 'DIN',
]);

const KEY_TEXT = /(?<![A-Za-z0-9_-])([A-Z][A-Z0-9]{1,9})-([1-9][0-9]{0,6})(?![0-9A-Za-z])/g;
const KEY_BRANCH = /(?<![A-Za-z0-9])([A-Za-z][A-Za-z0-9]{1,9})-([1-9][0-9]{0,6})(?![0-9])/g;

export interface KeyMatchOptions {
  /** known Jira project keys / Linear team keys, upper case */
  known?: ReadonlySet<string>;
}

function accept(prefix: string, known: ReadonlySet<string>, strictCase: boolean): boolean {
  if (known.has(prefix)) return true;
  if (strictCase) return false;
  return !FALSE_FRIEND_PREFIXES.has(prefix);
}

/** upper-case keys in free text (messages, titles, bodies) */
export function keysInText(text: string | null | undefined, opts: KeyMatchOptions = {}): string[] {
  if (!text) return [];
  const known = opts.known ?? new Set<string>();
  const out: string[] = [];
  for (const m of text.matchAll(KEY_TEXT)) {
    const prefix = m[1]!;
    if (accept(prefix, known, false)) out.push(`${prefix}-${m[2]}`);
  }
  return out;
}

/** keys in a branch name: any case, lower-case ones only with a known prefix */
export function keysInBranch(branch: string | null | undefined, opts: KeyMatchOptions = {}): string[] {
  if (!branch) return [];
  const known = opts.known ?? new Set<string>();
  const out: string[] = [];
  for (const m of branch.matchAll(KEY_BRANCH)) {
    const raw = m[1]!;
    const prefix = raw.toUpperCase();
    if (!/^[A-Z][A-Z0-9]+$/.test(prefix)) continue;
    const upper = raw === prefix;
    if (accept(prefix, known, !upper)) out.push(`${prefix}-${m[2]}`);
  }
  return out;
}

/** distinct keys, known prefixes first, otherwise in the order found */
export function orderKeys(keys: readonly string[], known: ReadonlySet<string> = new Set()): string[] {
  const uniq = [...new Set(keys)];
  const isKnown = (k: string) => known.has(k.slice(0, k.lastIndexOf('-')));
  return [...uniq.filter(isKnown), ...uniq.filter((k) => !isKnown(k))];
}

export interface WorkTexts {
  branch?: string | null;
  /** PR title, or a generic event's title */
  title?: string | null;
  /** PR body or full commit message */
  body?: string | null;
  /** keys the sender named outright (generic story_key) */
  explicit?: ReadonlyArray<string | null | undefined>;
}

/** every story key a commit or PR refers to, searched in branch → title → body (the common convention) */
export function storyKeysFor(w: WorkTexts, opts: KeyMatchOptions = {}): string[] {
  const explicit = (w.explicit ?? []).filter((k): k is string => !!k && k.trim() !== '').map((k) => k.trim());
  return orderKeys(
    [...explicit, ...keysInBranch(w.branch, opts), ...keysInText(w.title, opts), ...keysInText(w.body, opts)],
    opts.known,
  );
}

/** the project / team prefix of a key (ENG-123 → ENG) */
export function keyPrefix(key: string): string | undefined {
  const i = key.lastIndexOf('-');
  return i > 0 ? key.slice(0, i) : undefined;
}

/** a string that looks like a project or team key (used to pick known prefixes out of mappings) */
export function looksLikeKeyPrefix(s: string): boolean {
  return /^[A-Z][A-Z0-9]{1,9}$/.test(s);
}
