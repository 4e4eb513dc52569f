// One cheap authenticated call per configured provider API, for `aispend doctor`: the smallest page of
// the report each poller reads (the last hour, or the last day, one bucket). It tells "cannot reach
// <provider> at <url>" (network, DNS, proxy, a server error) apart from "<provider> rejected the key".
import type { Deps } from '../../deps.js';
import { silentLogger } from '../../logger.js';
import { ProviderHttpError } from './http.js';
import { anthropicGet, openaiGet, rfc3339 } from './provider-api.js';
import type { PollContext } from './poller.js';

export interface ProviderProbe {
  provider: 'anthropic' | 'openai';
  /** e.g. "Anthropic Admin API" */
  label: string;
  keyVariable: string;
  url: string;
  outcome: 'ok' | 'rejected' | 'unreachable' | 'error';
  /** HTTP status and the provider's own words, or the network reason */
  detail?: string;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const LIMITS = { maxAttempts: 1, timeoutMs: 10_000 };

async function probe(
  provider: ProviderProbe['provider'],
  label: string,
  keyVariable: string,
  url: string,
  call: () => Promise<unknown>,
): Promise<ProviderProbe> {
  const base = { provider, label, keyVariable, url };
  try {
    await call();
    return { ...base, outcome: 'ok' };
  } catch (e) {
    if (!(e instanceof ProviderHttpError)) return { ...base, outcome: 'error', detail: e instanceof Error ? e.message : String(e) };
    // "<path>: HTTP 401 (authentication_error: …)" or "<path>: request failed (<network reason>)"
    const detail = e.message.replace(/^[^:]*: /, '').replace(/^request failed \((.*)\)$/, '$1');
    if (e.status === 401 || e.status === 403) return { ...base, outcome: 'rejected', detail };
    if (e.status === undefined || e.status >= 500) return { ...base, outcome: 'unreachable', detail };
    return { ...base, outcome: 'error', detail };
  }
}

/** probes every provider whose admin key is set (none: an empty list) */
export async function probeProviders(deps: Deps, now: number): Promise<ProviderProbe[]> {
  const ctx: PollContext = { deps, now, logger: silentLogger, sleep: async () => {} };
  const out: ProviderProbe[] = [];
  if (deps.config.anthropic.adminApiKey) {
    const hour = Math.floor(now / HOUR_MS) * HOUR_MS;
    out.push(
      await probe('anthropic', 'Anthropic Admin API', 'ANTHROPIC_ADMIN_API_KEY', deps.config.anthropic.apiUrl, () =>
        anthropicGet(ctx, '/v1/organizations/usage_report/messages', { starting_at: rfc3339(hour - HOUR_MS), ending_at: rfc3339(hour), bucket_width: '1h', limit: 1 }, LIMITS),
      ),
    );
  }
  if (deps.config.openai.adminApiKey) {
    const day = Math.floor(now / DAY_MS) * DAY_MS;
    out.push(
      await probe('openai', 'OpenAI organization API', 'OPENAI_ADMIN_API_KEY', deps.config.openai.apiUrl, () =>
        openaiGet(ctx, '/v1/organization/costs', { start_time: Math.floor((day - DAY_MS) / 1000), end_time: Math.floor(day / 1000), bucket_width: '1d', limit: 1 }, LIMITS),
      ),
    );
  }
  return out;
}
