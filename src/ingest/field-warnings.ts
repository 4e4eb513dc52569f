// Unknown fields in generic records (POST /ingest/usage, /ingest/delivery) are ignored, for
// forward compatibility, but not silently: the answer lists them with a likely intended field, e.g.
// {"path":"records.0.user_email","message":"unknown field, ignored; did you mean user?"}. One
// warning per unknown field name, at its first place (its count in the message when it repeats).
import { didYouMean } from '../slack/parse.js';

export interface FieldWarning {
  path: string;
  message: string;
}

/** at most this many distinct unknown fields are named in one answer */
const MAX_WARNINGS = 20;

/** what senders commonly write for our fields (names from other APIs and casing habits) */
const ALIASES: Record<string, string> = {
  email: 'user',
  user_email: 'user',
  useremail: 'user',
  user_id: 'user',
  author: 'user',
  author_email: 'user',
  team_id: 'team',
  team_name: 'team',
  teamid: 'team',
  session: 'session_id',
  sessionid: 'session_id',
  ts: 'timestamp',
  time: 'timestamp',
  created_at: 'timestamp',
  createdat: 'timestamp',
  date: 'timestamp',
  prompt_tokens: 'input_tokens',
  inputtokens: 'input_tokens',
  completion_tokens: 'output_tokens',
  outputtokens: 'output_tokens',
  cached_tokens: 'cache_read_tokens',
  cache_read_input_tokens: 'cache_read_tokens',
  cache_creation_input_tokens: 'cache_write_tokens',
  cache_creation_tokens: 'cache_write_tokens',
  cost: 'cost_usd',
  costusd: 'cost_usd',
  price: 'cost_usd',
  model_name: 'model',
  vendor: 'provider',
  request_id: 'id',
  idempotency_key: 'id',
  issue_key: 'story_key',
  ticket: 'story_key',
  commit: 'sha',
  commit_sha: 'sha',
  repository: 'repo',
  story_points: 'points',
  estimate: 'points',
};

function suggestion(field: string, known: readonly string[]): string | undefined {
  const lower = field.toLowerCase();
  const squashed = lower.replace(/[^a-z0-9]/g, '');
  const alias = ALIASES[lower] ?? ALIASES[squashed];
  if (alias && known.includes(alias)) return alias;
  const exact = known.find((k) => k.replace(/_/g, '') === squashed);
  if (exact) return exact;
  return didYouMean(lower.replace(/[-. ]/g, '_'), [...known]);
}

function message(field: string, known: readonly string[], times: number): string {
  const s = suggestion(field, known);
  const base = s ? `unknown field, ignored; did you mean ${s}?` : 'unknown field, ignored';
  return times > 1 ? `${base} (in ${times} records)` : base;
}

/**
 * Warnings for the keys of `body[listKey][i]` that are not in `known`, and for top-level keys other
 * than `listKey`. Reads the parsed JSON as it came (before zod drops what it does not know).
 */
export function unknownFieldWarnings(body: unknown, listKey: string, known: readonly string[]): FieldWarning[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return [];
  const knownSet = new Set(known);
  const found = new Map<string, { path: string; times: number }>();
  for (const key of Object.keys(body)) {
    if (key !== listKey) found.set(`\u0000${key}`, { path: key, times: 1 });
  }
  const list = (body as Record<string, unknown>)[listKey];
  if (Array.isArray(list)) {
    list.forEach((item, i) => {
      if (typeof item !== 'object' || item === null || Array.isArray(item)) return;
      for (const key of Object.keys(item)) {
        if (knownSet.has(key)) continue;
        const seen = found.get(key);
        if (seen) seen.times += 1;
        else found.set(key, { path: `${listKey}.${i}.${key}`, times: 1 });
      }
    });
  }
  const out: FieldWarning[] = [];
  for (const [key, w] of found) {
    if (out.length >= MAX_WARNINGS) break;
    out.push(
      key.startsWith('\u0000')
        ? { path: w.path, message: `unknown field, ignored; the records go in "${listKey}"` }
        : { path: w.path, message: message(key, known, w.times) },
    );
  }
  if (found.size > MAX_WARNINGS) out.push({ path: '(body)', message: `and ${found.size - MAX_WARNINGS} more unknown fields, ignored` });
  return out;
}
