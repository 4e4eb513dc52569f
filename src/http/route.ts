// The one wrapper for every non-Slack route: method, content type (415), body limit (413), gzip,
// auth (bearer 401, or a webhook verifier over raw bytes), JSON + zod (400 with field paths),
// typed errors to status codes, JSON answers.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import type { Deps } from '../deps.js';
import type { Metrics } from '../metrics.js';
import { AppError, UnauthorizedError, UnsupportedMediaTypeError, ValidationError, type FieldIssue } from '../errors.js';
import { tokenRepo } from '../db/repos/token-repo.js';
import { safeEqual } from './crypto.js';
import { mediaType, readBody } from './body.js';

export interface RouteContext<T> {
  deps: Deps;
  body: T;
  raw: Buffer;
  headers: IncomingMessage['headers'];
  /** request time, from deps.clock */
  now: number;
}

export interface RouteResult {
  status?: number;
  body: unknown;
}

export type Verifier = (raw: Buffer, headers: IncomingMessage['headers'], deps: Deps) => void;

export interface RouteSpec<T> {
  method: 'GET' | 'POST';
  path: string;
  /** 'bearer': an ingest token; a function: checks the raw bytes (webhook HMAC) and throws a typed error */
  auth: 'none' | 'bearer' | Verifier;
  /** runs before anything is read: a route whose secret is unset answers 503 here */
  precheck?: (deps: Deps) => void;
  /** accepted media types; default application/json */
  contentTypes?: string[];
  /** a friendlier 415 message for known but unsupported types */
  unsupportedMessage?: (mediaType: string) => string | undefined;
  bodyLimit?: number;
  schema?: z.ZodType<T>;
  handle(ctx: RouteContext<T>): Promise<RouteResult> | RouteResult;
}

export interface Route {
  method: string;
  path: string;
  serve(req: IncomingMessage, res: ServerResponse, deps: Deps): Promise<void>;
}

export function zodIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(body)', message: i.message }));
}

export function parseWith<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new ValidationError(zodIssues(r.error));
  return r.data;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function bearer(headers: IncomingMessage['headers']): string | undefined {
  const h = headers.authorization;
  if (typeof h !== 'string') return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m?.[1];
}

export function checkBearer(headers: IncomingMessage['headers'], deps: Deps): void {
  const token = bearer(headers);
  if (!token) throw new UnauthorizedError();
  const env = deps.config.ingestToken;
  if (env !== undefined && safeEqual(env, token)) return;
  const repo = tokenRepo(deps.db);
  const id = repo.findActiveId(token);
  if (id === undefined) throw new UnauthorizedError();
  repo.touch(id, deps.clock.now());
}

export function errorBody(e: AppError): { status: number; body: Record<string, unknown> } {
  if (e instanceof ValidationError) return { status: 400, body: { error: 'invalid_payload', issues: e.issues } };
  return { status: e.status, body: { error: e.code, message: e.message } };
}

/** records of an `{"accepted","duplicates","too_old"}` answer, for /metrics */
function countRecords(metrics: Metrics, route: string, body: unknown): void {
  const b = (body ?? {}) as { accepted?: unknown; duplicates?: unknown; too_old?: unknown };
  if (typeof b.accepted === 'number') metrics.ingestRecords(route, 'accepted', b.accepted);
  if (typeof b.duplicates === 'number') metrics.ingestRecords(route, 'duplicate', b.duplicates);
  if (typeof b.too_old === 'number') metrics.ingestRecords(route, 'too_old', b.too_old);
}

export function defineRoute<T>(spec: RouteSpec<T>): Route {
  const accepted = spec.contentTypes ?? ['application/json'];
  return {
    method: spec.method,
    path: spec.path,
    async serve(req, res, deps) {
      const log = deps.logger.child({ route: spec.path });
      const started = performance.now();
      // ingest and webhook routes (POST) are measured for /metrics; reads such as /healthz are not
      const observe = (status: number, body: unknown, reason?: string) => {
        if (spec.method !== 'POST' || !deps.metrics) return;
        deps.metrics.ingestRequest(spec.path, status, (performance.now() - started) / 1000, reason);
        countRecords(deps.metrics, spec.path, body);
      };
      try {
        spec.precheck?.(deps);
        if (spec.auth === 'bearer') checkBearer(req.headers, deps);
        let raw: Buffer = Buffer.alloc(0);
        let parsed: unknown = undefined;
        if (spec.method === 'POST') {
          const type = mediaType(req);
          if (!accepted.includes(type)) {
            req.resume();
            const msg =
              spec.unsupportedMessage?.(type) ??
              `Content-Type ${type || '(none)'} is not supported; send ${accepted.join(' or ')}`;
            throw new UnsupportedMediaTypeError(msg);
          }
          raw = await readBody(req, spec.bodyLimit ?? deps.config.ingestBodyLimitBytes);
          if (typeof spec.auth === 'function') spec.auth(raw, req.headers, deps);
          try {
            parsed = JSON.parse(raw.toString('utf8'));
          } catch {
            throw new ValidationError([{ path: '(body)', message: 'body is not valid JSON' }]);
          }
        } else if (typeof spec.auth === 'function') {
          spec.auth(raw, req.headers, deps);
        }
        const body = spec.schema ? parseWith(spec.schema, parsed) : (parsed as T);
        const result = await spec.handle({ deps, body, raw, headers: req.headers, now: deps.clock.now() });
        sendJson(res, result.status ?? 200, result.body);
        observe(result.status ?? 200, result.body);
      } catch (e) {
        if (e instanceof AppError) {
          const { status, body } = errorBody(e);
          if (status >= 500) log.error('route failed', { code: e.code, status });
          else log.info('request refused', { code: e.code, status });
          sendJson(res, status, body);
          observe(status, undefined, e instanceof ValidationError ? 'invalid_payload' : e.code);
        } else {
          log.error('route crashed', { err: e });
          sendJson(res, 500, { error: 'internal_error', message: 'something went wrong; it has been logged' });
          observe(500, undefined, 'internal_error');
        }
      }
    },
  };
}
