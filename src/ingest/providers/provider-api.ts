// Requests to the two admin APIs: base URL from config (ANTHROPIC_API_URL / OPENAI_API_URL), the
// documented auth headers, array parameters as name[]=value (repeated).
import { getJson } from './http.js';
import type { PollContext } from './poller.js';

export type Query = Record<string, string | number | string[] | null | undefined>;

function buildUrl(base: string, path: string, query: Query): URL {
  const url = new URL(base.replace(/\/+$/, '') + path);
  for (const [k, v] of Object.entries(query)) {
    if (v === null || v === undefined) continue;
    if (Array.isArray(v)) for (const x of v) url.searchParams.append(`${k}[]`, x);
    else url.searchParams.set(k, String(v));
  }
  return url;
}

/** a caller that must answer quickly (aispend doctor): fewer attempts, a shorter timeout */
export interface RequestLimits {
  maxAttempts?: number;
  timeoutMs?: number;
}

/** Anthropic Admin API: x-api-key + anthropic-version */
export function anthropicGet(ctx: PollContext, path: string, query: Query, limits: RequestLimits = {}): Promise<unknown> {
  const { adminApiKey, apiUrl } = ctx.deps.config.anthropic;
  if (!adminApiKey) throw new Error('ANTHROPIC_ADMIN_API_KEY is not set');
  return getJson(
    buildUrl(apiUrl, path, query),
    { 'x-api-key': adminApiKey, 'anthropic-version': '2023-06-01', accept: 'application/json', 'user-agent': 'aispend' },
    { logger: ctx.logger, sleep: ctx.sleep, ...limits },
  );
}

/** OpenAI organization API: Bearer admin key */
export function openaiGet(ctx: PollContext, path: string, query: Query, limits: RequestLimits = {}): Promise<unknown> {
  const { adminApiKey, apiUrl } = ctx.deps.config.openai;
  if (!adminApiKey) throw new Error('OPENAI_ADMIN_API_KEY is not set');
  return getJson(
    buildUrl(apiUrl, path, query),
    { authorization: `Bearer ${adminApiKey}`, accept: 'application/json', 'user-agent': 'aispend' },
    { logger: ctx.logger, sleep: ctx.sleep, ...limits },
  );
}

/** RFC 3339 without milliseconds */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
