// GET JSON from a provider admin API with retries: 429, 5xx (and Anthropic's 529 overloaded) and
// network errors are retried with exponential backoff, honouring Retry-After. The sleep is
// injected so tests do not wait. Errors and logs name the path and status, never the key.
import { networkReason } from '../../http/network-error.js';
import type { Logger } from '../../logger.js';

export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export interface HttpOptions {
  logger: Logger;
  sleep?: Sleep;
  /** attempts in all (default 5) */
  maxAttempts?: number;
  timeoutMs?: number;
}

export class ProviderHttpError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'ProviderHttpError';
  }
}

const RETRYABLE = new Set([408, 429, 500, 502, 503, 504, 529]);
const MAX_WAIT_MS = 5 * 60_000;

export function backoffDelayMs(attempt: number): number {
  return Math.min(60_000, 1_000 * 2 ** (attempt - 1));
}

/** Retry-After as seconds or an HTTP date; undefined when absent or unreadable */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const secs = Number(header);
  if (Number.isFinite(secs) && secs >= 0) return Math.min(MAX_WAIT_MS, secs * 1000);
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.min(MAX_WAIT_MS, Math.max(0, at - now)) : undefined;
}

/** the provider's own error text (Anthropic and OpenAI both send {error: {type, message}}), shortened */
function errorText(body: string): string {
  try {
    const e = (JSON.parse(body) as { error?: { type?: string; message?: string; code?: string } }).error;
    const parts = [e?.type ?? e?.code, e?.message].filter(Boolean);
    if (parts.length > 0) return parts.join(': ').slice(0, 200);
  } catch {
    /* not JSON */
  }
  return '';
}

export async function getJson(url: URL, headers: Record<string, string>, opts: HttpOptions): Promise<unknown> {
  const sleep = opts.sleep ?? realSleep;
  const max = opts.maxAttempts ?? 5;
  const where = url.pathname;
  for (let attempt = 1; ; attempt++) {
    let res: Response | undefined;
    let failure: ProviderHttpError;
    try {
      res = await fetch(url, { headers, signal: AbortSignal.timeout(opts.timeoutMs ?? 60_000) });
    } catch (e) {
      failure = new ProviderHttpError(`${where}: request failed (${networkReason(e) ?? (e as Error).name})`, undefined, true);
    }
    if (res) {
      const text = await res.text();
      if (res.ok) {
        try {
          return JSON.parse(text) as unknown;
        } catch {
          throw new ProviderHttpError(`${where}: the answer is not JSON`, res.status, false);
        }
      }
      const detail = errorText(text);
      failure = new ProviderHttpError(`${where}: HTTP ${res.status}${detail ? ` (${detail})` : ''}`, res.status, RETRYABLE.has(res.status));
    }
    if (!failure!.retryable || attempt >= max) throw failure!;
    const wait = retryAfterMs(res?.headers.get('retry-after') ?? null) ?? backoffDelayMs(attempt);
    opts.logger.warn('provider request failed; retrying', { path: where, status: failure!.status, attempt, waitMs: wait });
    await sleep(wait);
  }
}
