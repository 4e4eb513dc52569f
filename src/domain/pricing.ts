// Prices from @pydantic/genai-prices (a maintained price list, not a hand-kept table), and the
// model-fit rule the digests read.
//
// Token convention (DESIGN.md): `input` counts only input that was neither read from nor written to
// the cache; `cacheRead` and `cacheWrite` are separate, each priced at its own rate. The library
// wants `input_tokens` as the total, so we add the partitions back before asking it.
//
// Speed: calcPrice costs ~20 µs a call, too slow for telemetry ingest. For each resolved model we
// derive a per-token rate card from the library once (probing each token kind with a small count)
// and price rows with it; the library stays the only source of numbers. Two cases go to the library
// directly: a single request whose input is over a long-context tier start (the whole request is
// then priced at the premium tier), and models whose prices change over time (cached per 15 min).
// Aggregated rows (hourly buckets, metric sums) are priced at base rates: their request sizes are
// unknown, and applying a tier to a sum of small requests would overstate them.
import { calcPrice, findProvider, type ModelInfo, type ModelPrice, type Provider, type Usage } from '@pydantic/genai-prices';

export interface TokenCounts {
  /** uncached input */
  input: number;
  output: number;
  cacheRead: number;
  /** all cache writes (5-minute and 1-hour) */
  cacheWrite: number;
  /** the part of cacheWrite written with a 1-hour lifetime (Anthropic), priced at its own rate */
  cacheWrite1h?: number;
  /** server-side web searches (Anthropic usage report) */
  webSearches?: number;
}

export interface PriceOptions {
  /** when the usage happened (prices that changed over time) */
  at: number;
  /** true: one API call (tiers apply); false: a sum of many calls (base rates) */
  perRequest: boolean;
  /** number of calls, for models with a per-request price */
  requests?: number;
}

export interface PriceResult {
  costUsd: number;
  /** false: the library does not know the model; costUsd is 0 and the row must be flagged */
  priced: boolean;
  /** the library's id of the matched model */
  modelId?: string;
}

interface RateCard {
  input: number;
  cacheRead: number;
  cacheWrite: number;
  cacheWrite1h: number;
  output: number;
  webSearch: number;
  perRequest: number;
  /** smallest long-context tier start (total input tokens), Infinity when untiered */
  tierStart: number;
}

interface Resolved {
  provider: Provider;
  model: ModelInfo;
  conditional: boolean;
  /** calcPrice options that find this model again */
  lookup: { providerId?: string };
}

const PROBE = 1_000;
const CONDITIONAL_BUCKET_MS = 15 * 60_000;
const MAX_CACHE = 20_000;

const resolvedCache = new Map<string, Resolved | null>();
const cardCache = new Map<string, RateCard>();
const knownProvider = new Map<string, boolean>();

const normalizedCache = new Map<string, string>();

/** Lower case, trimmed, without cloud prefixes the price list does not know (Bedrock `us.anthropic.`). */
export function normalizeModel(model: string): string {
  // ingest asks for the same few model names for every row: remembered (bounded like the other caches)
  let m = normalizedCache.get(model);
  if (m === undefined) {
    m = model
      .trim()
      .toLowerCase()
      .replace(/^(?:(?:us|eu|apac|global|jp|au)\.)?anthropic\./, '')
      .replace(/^(?:anthropic|openai)\//, '');
    if (normalizedCache.size > MAX_CACHE) normalizedCache.clear();
    normalizedCache.set(model, m);
  }
  return m;
}

/** Lower-case provider name with the common aliases folded (claude → anthropic). */
export function normalizeProvider(provider: string): string {
  const p = provider.trim().toLowerCase();
  if (p === 'claude' || p === 'claude-code' || p === 'claude_code') return 'anthropic';
  if (p === 'open-ai' || p === 'open_ai') return 'openai';
  return p;
}

function providerKnown(id: string): boolean {
  let k = knownProvider.get(id);
  if (k === undefined) {
    k = findProvider({ providerId: id }) !== undefined;
    knownProvider.set(id, k);
  }
  return k;
}

function resolve(provider: string, model: string): Resolved | null {
  const key = `${provider}\u0000${model}`;
  const hit = resolvedCache.get(key);
  if (hit !== undefined) return hit;
  // the provider's own price first; a tool or gateway the library does not know (or that resells
  // other providers' models, like Cursor) falls back to matching the model name across providers
  let lookup: { providerId?: string } = providerKnown(provider) ? { providerId: provider } : {};
  let r = calcPrice({ input_tokens: 0 }, model, lookup);
  if (!r && lookup.providerId) {
    lookup = {};
    r = calcPrice({ input_tokens: 0 }, model, lookup);
  }
  const out = r ? { provider: r.provider, model: r.model, conditional: Array.isArray(r.model.prices), lookup } : null;
  if (resolvedCache.size > MAX_CACHE) resolvedCache.clear();
  resolvedCache.set(key, out);
  return out;
}

function isTiered(v: unknown): v is { tiers: Array<{ start: number }> } {
  return typeof v === 'object' && v !== null && Array.isArray((v as { tiers?: unknown }).tiers);
}

function total(u: Usage, model: string, r: Resolved, at: number): number {
  return calcPrice(u, model, { ...r.lookup, timestamp: new Date(at) })?.total_price ?? 0;
}

function buildCard(model: string, r: Resolved, at: number, modelPrice: ModelPrice): RateCard {
  const base = total({}, model, r, at);
  const rate = (u: Usage) => (total(u, model, r, at) - base) / PROBE;
  let tierStart = Infinity;
  for (const v of Object.values(modelPrice)) {
    if (isTiered(v)) for (const t of v.tiers) tierStart = Math.min(tierStart, t.start);
  }
  return {
    input: rate({ input_tokens: PROBE }),
    cacheRead: rate({ input_tokens: PROBE, cache_read_tokens: PROBE }),
    cacheWrite: rate({ input_tokens: PROBE, cache_write_tokens: PROBE }),
    cacheWrite1h: rate({ input_tokens: PROBE, cache_write_tokens: PROBE, cache_write_1h_tokens: PROBE }),
    output: rate({ output_tokens: PROBE }),
    webSearch: rate({ web_searches: PROBE }),
    perRequest: base,
    tierStart,
  };
}

function rateCard(provider: string, model: string, r: Resolved, at: number): RateCard {
  const key = r.conditional
    ? `${provider}\u0000${model}\u0000${Math.floor(at / CONDITIONAL_BUCKET_MS)}`
    : `${provider}\u0000${model}`;
  let card = cardCache.get(key);
  if (!card) {
    const probe = calcPrice({ input_tokens: 0 }, model, { ...r.lookup, timestamp: new Date(at) });
    card = buildCard(model, r, at, probe?.model_price ?? {});
    if (cardCache.size > MAX_CACHE) cardCache.clear();
    cardCache.set(key, card);
  }
  return card;
}

function libraryUsage(t: TokenCounts): Usage {
  const cw1h = Math.min(t.cacheWrite1h ?? 0, t.cacheWrite);
  const u: Usage = {
    input_tokens: t.input + t.cacheRead + t.cacheWrite,
    output_tokens: t.output,
  };
  if (t.cacheRead) u.cache_read_tokens = t.cacheRead;
  if (t.cacheWrite) u.cache_write_tokens = t.cacheWrite;
  if (cw1h) u.cache_write_1h_tokens = cw1h;
  if (t.webSearches) u.web_searches = t.webSearches;
  return u;
}

/** What these tokens cost on this model, from the price library. Unknown model → priced: false, cost 0. */
export function priceTokens(provider: string, model: string, tokens: TokenCounts, opts: PriceOptions): PriceResult {
  let p = normalizeProvider(provider);
  // a cloud prices its own model ids (Bedrock's regional ids cost more than Anthropic's list price);
  // a model the cloud's list does not know yet is priced at the maker's list price
  const cloud = p === 'aws' || p === 'google';
  let m = cloud ? model.trim().toLowerCase() : normalizeModel(model);
  if (!m) return { costUsd: 0, priced: false };
  let r = resolve(p, m);
  if (!r && cloud) {
    p = 'anthropic';
    m = normalizeModel(model).replace(/@\d{8}$/, '');
    r = resolve(p, m);
  }
  if (!r) return { costUsd: 0, priced: false };
  const card = rateCard(p, m, r, opts.at);
  const totalInput = tokens.input + tokens.cacheRead + tokens.cacheWrite;
  if (opts.perRequest && totalInput > card.tierStart) {
    // a long-context request: the library prices the whole request at the premium tier
    return { costUsd: total(libraryUsage(tokens), m, r, opts.at), priced: true, modelId: r.model.id };
  }
  const cw1h = Math.min(tokens.cacheWrite1h ?? 0, tokens.cacheWrite);
  const cost =
    tokens.input * card.input +
    tokens.cacheRead * card.cacheRead +
    (tokens.cacheWrite - cw1h) * card.cacheWrite +
    cw1h * card.cacheWrite1h +
    tokens.output * card.output +
    (tokens.webSearches ?? 0) * card.webSearch +
    (opts.requests ?? (opts.perRequest ? 1 : 0)) * card.perRequest;
  return { costUsd: cost, priced: true, modelId: r.model.id };
}

// ---------------------------------------------------------------------------------------------
// Model fit: "an expensive model used where a cheaper one would do".
//
// Rule: a row that is one call (requests = 1: a Claude Code api_request event or a generic record)
// on a top-tier model, with a small answer (output_tokens < FIT_MAX_OUTPUT_TOKENS), is a model-fit
// candidate. Its fit_alt_cost_usd is what the same tokens would have cost on that provider's
// cheaper model of the same generation (table below), priced with the same library. The rollup
// usage_daily_team sums fit_cost_usd (actual cost), fit_alt_cost_usd and fit_requests over those
// rows; the saving a digest may show is fit_cost_usd − fit_alt_cost_usd.

export const FIT_MAX_OUTPUT_TOKENS = 1_000;

export interface FitTier {
  /** the price-library provider of both models */
  provider: 'anthropic' | 'openai';
  /** matched against the normalized model name */
  pattern: RegExp;
  /** the cheaper model; a function when it depends on the matched version */
  alternative: string | ((m: RegExpExecArray) => string);
  note: string;
}

const DATE = '(?:-\\d{4}-?\\d{2}-?\\d{2})?';

/** Top-tier models and their cheaper counterpart. Order matters: the first match wins. */
export const MODEL_FIT_TIERS: FitTier[] = [
  { provider: 'anthropic', pattern: /^claude-(?:opus-5|5-opus)\b/, alternative: 'claude-sonnet-5', note: 'Opus 5 → Sonnet 5' },
  {
    provider: 'anthropic',
    pattern: /^claude-(?:opus-4[-.][6-9]|4[-.][6-9]-opus)\b/,
    alternative: 'claude-sonnet-4-6',
    note: 'Opus 4.6 and later 4.x → Sonnet 4.6',
  },
  {
    provider: 'anthropic',
    pattern: /^claude-(?:opus-4[-.]5|4[-.]5-opus)\b/,
    alternative: 'claude-sonnet-4-5',
    note: 'Opus 4.5 → Sonnet 4.5',
  },
  {
    provider: 'anthropic',
    pattern: /^claude-(?:opus-4(?:[-.][01])?|4(?:[-.][01])?-opus)(?:-\d{8})?\b/,
    alternative: 'claude-sonnet-4-0',
    note: 'Opus 4 and 4.1 → Sonnet 4',
  },
  { provider: 'anthropic', pattern: /^claude-3-opus\b/, alternative: 'claude-3-5-sonnet', note: 'Claude 3 Opus → Claude 3.5 Sonnet' },
  {
    provider: 'openai',
    pattern: new RegExp(`^(gpt-5(?:\\.\\d+)?)(?:-(?:pro|chat-latest))?${DATE}$`),
    alternative: (m) => (m[1] === 'gpt-5.4' ? 'gpt-5.4-mini' : 'gpt-5-mini'),
    note: 'GPT-5 family → its -mini',
  },
  { provider: 'openai', pattern: new RegExp(`^gpt-4\\.1${DATE}$`), alternative: 'gpt-4.1-mini', note: 'GPT-4.1 → GPT-4.1 mini' },
  {
    provider: 'openai',
    pattern: new RegExp(`^(?:gpt-4o|chatgpt-4o-latest)${DATE}$`),
    alternative: 'gpt-4o-mini',
    note: 'GPT-4o → GPT-4o mini',
  },
  { provider: 'openai', pattern: new RegExp(`^o3${DATE}$`), alternative: 'o3-mini', note: 'o3 → o3-mini' },
  { provider: 'openai', pattern: new RegExp(`^o1${DATE}$`), alternative: 'o1-mini', note: 'o1 → o1-mini' },
];

/** The cheaper model for a top-tier one, or undefined when the model is not top-tier. */
const fitCache = new Map<string, { provider: 'anthropic' | 'openai'; model: string } | null>();

export function fitAlternative(model: string): { provider: 'anthropic' | 'openai'; model: string } | undefined {
  const hit = fitCache.get(model);
  if (hit !== undefined) return hit ?? undefined;
  const found = findFitAlternative(model);
  if (fitCache.size > MAX_CACHE) fitCache.clear();
  fitCache.set(model, found ?? null);
  return found;
}

function findFitAlternative(model: string): { provider: 'anthropic' | 'openai'; model: string } | undefined {
  const m = normalizeModel(model);
  for (const tier of MODEL_FIT_TIERS) {
    const hit = tier.pattern.exec(m);
    if (hit) {
      const alt = typeof tier.alternative === 'string' ? tier.alternative : tier.alternative(hit);
      return { provider: tier.provider, model: alt };
    }
  }
  return undefined;
}

/** fit_alt_cost_usd for a row, or null when the row is not a model-fit candidate (see the rule above). */
export function modelFitAltCost(row: { model: string; requests: number; tokens: TokenCounts; at: number }): number | null {
  if (row.requests !== 1 || row.tokens.output >= FIT_MAX_OUTPUT_TOKENS) return null;
  const alt = fitAlternative(row.model);
  if (!alt) return null;
  const p = priceTokens(alt.provider, alt.model, row.tokens, { at: row.at, perRequest: true });
  return p.priced ? p.costUsd : null;
}
