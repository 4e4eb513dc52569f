// A local fake of the Anthropic Admin API and the OpenAI organization API: answers the documented
// shapes from fixtures, pages by the `page` parameter, checks the auth headers, records every
// request, and can be told to fail the next calls (429 with Retry-After, 5xx).
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

export interface FakeRequest {
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
}

export interface FakeAnswer {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
}

type Handler = (q: URLSearchParams) => FakeAnswer;

export const ANTHROPIC_KEY = 'sk-ant-admin01-TEST-KEY-do-not-log';
export const OPENAI_KEY = 'sk-admin-TEST-OPENAI-KEY-do-not-log';

export function fixture(path: string): unknown {
  return JSON.parse(readFileSync(new URL(`../../fixtures/${path}`, import.meta.url), 'utf8'));
}

/** serves a list of pages: the first without `page`, then each page's own token */
export function paged(pages: unknown[]): Handler {
  return (q) => {
    const token = q.get('page');
    if (!token) return { body: pages[0] };
    const i = pages.findIndex((p, k) => k > 0 && (pages[k - 1] as { next_page?: string }).next_page === token);
    if (i < 0) return { status: 400, body: { type: 'error', error: { type: 'invalid_request_error', message: 'unknown page' } } };
    return { body: pages[i] };
  };
}

export const emptyPage = { data: [], has_more: false, next_page: null };

export class FakeProvider {
  readonly requests: FakeRequest[] = [];
  private readonly handlers = new Map<string, Handler>();
  private readonly failures = new Map<string, FakeAnswer[]>();
  private server?: Server;
  port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  on(path: string, handler: Handler): this {
    this.handlers.set(path, handler);
    return this;
  }

  /** the next calls of `path` (matching `when`, if given) answer these instead */
  failNext(path: string, ...answers: FakeAnswer[]): this {
    this.failures.set(path, [...(this.failures.get(path) ?? []), ...answers]);
    return this;
  }

  requestsTo(path: string): FakeRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      this.requests.push({ path: url.pathname, query: url.searchParams, headers: req.headers });
      const send = (a: FakeAnswer) => {
        res.writeHead(a.status ?? 200, { 'content-type': 'application/json', ...(a.headers ?? {}) });
        res.end(JSON.stringify(a.body));
      };
      const isAnthropic = url.pathname.startsWith('/v1/organizations/');
      const authorized = isAnthropic
        ? req.headers['x-api-key'] === ANTHROPIC_KEY && req.headers['anthropic-version'] === '2023-06-01'
        : req.headers.authorization === `Bearer ${OPENAI_KEY}`;
      if (!authorized) {
        send({ status: 401, body: { type: 'error', error: { type: 'authentication_error', message: 'invalid x-api-key' } } });
        return;
      }
      const queued = this.failures.get(url.pathname);
      if (queued && queued.length > 0) {
        send(queued.shift()!);
        return;
      }
      const h = this.handlers.get(url.pathname);
      send(h ? h(url.searchParams) : { status: 404, body: { error: { type: 'not_found_error', message: 'no such path' } } });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const addr = this.server.address();
    this.port = typeof addr === 'object' && addr ? addr.port : 0;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** one UTC day of the Anthropic cost report: a line per workspace, `amount` in cents as a decimal string */
export function costReportBucket(day: string, lines: Iterable<[workspace: string | null, cents: number]>) {
  const start = Date.parse(`${day}T00:00:00Z`);
  return {
    starting_at: `${day}T00:00:00Z`,
    ending_at: new Date(start + 86_400_000).toISOString().replace('.000Z', 'Z'),
    results: [...lines].map(([workspace, cents]) => ({
      currency: 'USD',
      amount: String(cents),
      workspace_id: workspace,
      description: 'Claude Sonnet 4.5 Usage - Output Tokens',
      cost_type: 'tokens',
      context_window: '0-200k',
      model: 'claude-sonnet-4-5-20250929',
      service_tier: 'standard',
      token_type: 'output_tokens',
      inference_geo: null,
    })),
  };
}
