// The one wrapper for every non-Slack route: method, content type (415), body limit (413), gzip,
// auth (bearer 401, or a webhook verifier over raw bytes), JSON + zod (400 with field paths),
// typed errors to status codes, JSON answers. A route may take other media types with a parser of
// its own (OTLP protobuf) and answer them in kind, errors included.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import type { Deps } from '../deps.js';
import type { Metrics } from '../metrics.js';
import { AppError, UnauthorizedError, UnsupportedMediaTypeError, ValidationError, type FieldIssue } from '../errors.js';
import { tokenRepo } from '../db/repos/token-repo.js';
import { safeEqual } from './crypto.js';
import { mediaType, readBody } from './body.js';
import { parseJsonBody, parseWith } from './validate.js';

export interface RouteContext<T> {
  deps: Deps;
  body: T;
  raw: Buffer;
  headers: IncomingMessage['headers'];
  /** request time, from deps.clock */
  now: number;
  /** the request's media type (lower case, no parameters) */
  mediaType: string;
  /** who sent it: set on bearer routes */
  caller: IngestCaller;
}

export interface RouteResult {
  status?: number;
  body: unknown;
  /** an answer that is not JSON: these bytes with this content type (body is then ignored) */
  bytes?: { contentType: string; data: Uint8Array };
  /** what a bytes answer counted (`accepted`, `duplicates`, `too_old`), for /metrics */
  counts?: unknown;
}

/** an ingest token's holder: a team-scoped token may only send records of its team */
export interface IngestCaller {
  tokenId?: number;
  team?: { id: number; name: string };
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
  /** parsers of media types other than JSON (each must also be in contentTypes); they throw typed errors */
  parsers?: Record<string, (raw: Buffer) => unknown>;
  /** answers an error in the request's own format (e.g. a protobuf Status); undefined: JSON */
  errorBytes?: (e: AppError, status: number, mediaType: string) => { contentType: string; data: Uint8Array } | undefined;
  bodyLimit?: number;
  /** the handler reads `raw` itself (off the main thread, say): no parser runs here; `body` is undefined */
  rawBody?: boolean;
  schema?: z.ZodType<T>;
  handle(ctx: RouteContext<T>): Promise<RouteResult> | RouteResult;
}

export interface Route {
  method: string;
  path: string;
  serve(req: IncomingMessage, res: ServerResponse, deps: Deps): Promise<void>;
}

export { parseWith };

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

export function checkBearer(headers: IncomingMessage['headers'], deps: Deps): IngestCaller {
  const token = bearer(headers);
  if (!token) throw new UnauthorizedError();
  return checkIngestToken(token, deps);
}

/** an ingest token (AISPEND_INGEST_TOKEN, unscoped, or a CLI-made one, by its hash) → its holder; 401 otherwise */
export function checkIngestToken(token: string, deps: Deps): IngestCaller {
  const env = deps.config.ingestToken;
  if (env !== undefined && safeEqual(env, token)) return {};
  const repo = tokenRepo(deps.db);
  const found = repo.findActive(token);
  if (found === undefined) throw new UnauthorizedError();
  repo.touch(found.id, deps.clock.now());
  return found.team ? { tokenId: found.id, team: found.team } : { tokenId: found.id };
}

function sendBytes(res: ServerResponse, status: number, answer: { contentType: string; data: Uint8Array }): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': answer.contentType, 'content-length': answer.data.byteLength });
  res.end(answer.data);
}

export function errorBody(e: AppError): { status: number; body: Record<string, unknown> } {
  if (e instanceof ValidationError) return { status: 400, body: { error: 'invalid_payload', issues: e.issues } };
  const issues = (e.details as { issues?: FieldIssue[] } | undefined)?.issues;
  return { status: e.status, body: issues ? { error: e.code, message: e.message, issues } : { error: e.code, message: e.message } };
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
      const type = spec.method === 'POST' ? mediaType(req) : '';
      const started = performance.now();
      // ingest and webhook routes (POST) are measured for /metrics; reads such as /healthz are not
      const observe = (status: number, body: unknown, reason?: string) => {
        if (spec.method !== 'POST' || !deps.metrics) return;
        deps.metrics.ingestRequest(spec.path, status, (performance.now() - started) / 1000, reason);
        countRecords(deps.metrics, spec.path, body);
      };
      try {
        spec.precheck?.(deps);
        let caller: IngestCaller = {};
        if (spec.auth === 'bearer') caller = checkBearer(req.headers, deps);
        let raw: Buffer = Buffer.alloc(0);
        let parsed: unknown = undefined;
        if (spec.method === 'POST') {
          if (!accepted.includes(type)) {
            req.resume();
            const msg =
              spec.unsupportedMessage?.(type) ??
              `Content-Type ${type || '(none)'} is not supported; send ${accepted.join(' or ')}`;
            throw new UnsupportedMediaTypeError(msg);
          }
          raw = await readBody(req, spec.bodyLimit ?? deps.config.ingestBodyLimitBytes);
          if (typeof spec.auth === 'function') spec.auth(raw, req.headers, deps);
          const parser = spec.parsers?.[type];
          if (parser) parsed = parser(raw);
          else if (!spec.rawBody) parsed = parseJsonBody(raw);
        } else if (typeof spec.auth === 'function') {
          spec.auth(raw, req.headers, deps);
        }
        const body = spec.schema ? parseWith(spec.schema, parsed) : (parsed as T);
        const result = await spec.handle({ deps, body, raw, headers: req.headers, now: deps.clock.now(), mediaType: type, caller });
        if (result.bytes) sendBytes(res, result.status ?? 200, result.bytes);
        else sendJson(res, result.status ?? 200, result.body);
        observe(result.status ?? 200, result.counts ?? result.body);
      } catch (e) {
        const err =
          e instanceof AppError ? e : new AppError('internal_error', 500, 'something went wrong; it has been logged', undefined, { cause: e });
        if (e instanceof AppError) {
          if (err.status >= 500) log.error('route failed', { code: err.code, status: err.status });
          else log.info('request refused', { code: err.code, status: err.status });
        } else {
          log.error('route crashed', { err: e });
        }
        const { status, body } = errorBody(err);
        const bytes = spec.errorBytes?.(err, status, type);
        if (bytes) sendBytes(res, status, bytes);
        else sendJson(res, status, body);
        observe(status, undefined, err instanceof ValidationError ? 'invalid_payload' : err.code);
      }
    },
  };
}
