// An OTLP logs export, JSON or protobuf bytes, to its Claude Code events (log-events.ts): decoded,
// validated and read on a thread of its own when it is large, so that the main thread, which alone
// writes to the database, spends its time writing. Parsing an export of 500 events takes about as long
// as writing them; on the decode thread the two overlap.
//
// The answer is the same on either thread, errors included (a 400 with the field at fault, the 403 of
// a scoped token): the thread sends back an AppError's parts and they are made into the same error
// here. Should the thread fail (it crashed, or could not start), the export is read here instead and
// nothing is lost; after repeated failures exports are read here until the process restarts.
import { Worker } from 'node:worker_threads';
import type { Deps } from '../../deps.js';
import { AppError, ForbiddenError, ValidationError, type FieldIssue } from '../../errors.js';
import { parseJsonBody, parseWith } from '../../http/validate.js';
import { isLogEvents, readLogEvents, type LogEvents } from './log-events.js';
import { decodeLogsRequest } from './otlp-protobuf.js';
import { exportLogsSchema, isExportLogs } from './otlp-schema.js';
import type { TeamScope } from './otlp-scope.js';

export type LogsFormat = 'json' | 'protobuf';

/** exports smaller than this are read on the main thread: the hand-over would cost more than it saves */
export const THREAD_MIN_BYTES = 64 * 1024;
/**
 * The thread's young generation, as large as the main thread's (--max-semi-space-size=16): the whole
 * tree of an export is alive while it is parsed, so with a smaller one each scavenge copied what had
 * been parsed so far again (a 2 MB Collector export cost 15% more CPU with 8 MB).
 */
const YOUNG_GENERATION_MB = 48;
/** thread failures in a row after which exports are read on the main thread only */
const MAX_FAILURES = 3;

/** decodes, validates and reads an export on this thread */
export function readLogsExport(raw: Uint8Array, format: LogsFormat, scope?: TeamScope): LogEvents {
  if (format === 'protobuf') return readLogEvents(decodeLogsRequest(raw), scope);
  const value = parseJsonBody(raw);
  return readLogEvents(isExportLogs(value) ? value : parseWith(exportLogsSchema, value), scope);
}

/** what the thread is asked */
export interface ThreadRequest {
  id: number;
  bytes: Uint8Array;
  format: LogsFormat;
  scope?: TeamScope;
}

/** an AppError as it crosses threads */
export interface ErrorParts {
  code: string;
  status: number;
  message: string;
  details?: Record<string, unknown>;
}

/** what the thread answers: the events, the refusal, or that it failed in a way only the main thread should report */
export type ThreadReply = { id: number; events: LogEvents } | { id: number; error: ErrorParts } | { id: number; crashed: true };

export function errorParts(e: AppError): ErrorParts {
  return { code: e.code, status: e.status, message: e.message, details: e.details };
}

/** the error the thread refused the export with, as reading it here would have thrown it */
export function errorFromParts(p: ErrorParts): AppError {
  const issues = (p.details as { issues?: FieldIssue[] } | undefined)?.issues;
  if (p.code === 'invalid_payload' && issues) return new ValidationError(issues, p.message);
  if (p.code === 'forbidden') return new ForbiddenError(p.message, p.details);
  return new AppError(p.code, p.status, p.message, p.details);
}

/** the thread could not answer: read the export on the main thread */
class ThreadUnavailable extends Error {}

interface Pending {
  resolve: (e: LogEvents) => void;
  reject: (e: Error) => void;
}

/** the thread's module: compiled JavaScript beside this file, or TypeScript when run from source (tsx, vitest) */
function threadEntry(): { url: URL; workerData?: { file: string } } {
  const fromSource = import.meta.url.endsWith('.ts');
  const file = new URL(`./log-decode-thread.${fromSource ? 'ts' : 'js'}`, import.meta.url);
  // a worker does not inherit tsx's loader: a plain module registers it, then loads the TypeScript one
  return fromSource ? { url: new URL('./log-decode-thread-from-source.mjs', import.meta.url), workerData: { file: file.href } } : { url: file };
}

class DecodeThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  dead = false;

  constructor(private readonly onFailure: (e: Error) => void) {
    const entry = threadEntry();
    this.worker = new Worker(entry.url, { workerData: entry.workerData, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
    // an idle thread does not keep the process alive; one with work in hand does
    this.worker.unref();
    this.worker.on('message', (m: ThreadReply) => this.settle(m));
    this.worker.on('error', (e) => this.fail(e));
    this.worker.on('exit', (code) => this.fail(new Error(`the decode thread exited (code ${code})`)));
  }

  private settle(m: ThreadReply): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if (this.pending.size === 0) this.worker.unref();
    if ('events' in m && isLogEvents(m.events)) p.resolve(m.events);
    else if ('error' in m) p.reject(errorFromParts(m.error));
    else p.reject(new ThreadUnavailable('the decode thread could not read the export'));
  }

  private fail(e: Error): void {
    if (this.dead) return;
    this.dead = true;
    this.handBack(e.message);
    this.onFailure(e);
  }

  /** what the thread holds is read on the main thread */
  private handBack(why: string): void {
    for (const p of this.pending.values()) p.reject(new ThreadUnavailable(why));
    this.pending.clear();
  }

  read(raw: Uint8Array, format: LogsFormat, scope: TeamScope | undefined): Promise<LogEvents> {
    const id = this.nextId++;
    // a copy is handed over (moved, not cloned): `raw` stays here should the thread fail
    const bytes = new Uint8Array(raw);
    return new Promise<LogEvents>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) this.worker.ref();
      const request: ThreadRequest = { id, bytes, format, scope: scope ? { id: scope.id, name: scope.name } : undefined };
      this.worker.postMessage(request, [bytes.buffer]);
    });
  }

  stop(): Promise<number> {
    this.dead = true;
    this.handBack('the decode thread was stopped');
    return this.worker.terminate();
  }

  /** ends the thread as a crash would: what it holds is read on the main thread */
  crash(): Promise<number> {
    return this.worker.terminate();
  }
}

let thread: DecodeThread | undefined;
/** failures in a row (MAX_FAILURES of them: exports are read on the main thread until restart) */
let failures = 0;
/** failures since start */
let failuresSinceStart = 0;

/** for /metrics: whether large exports go to the decode thread, and how often it failed */
export function decodeThreadState(): { up: boolean; failures: number } {
  return { up: failures < MAX_FAILURES, failures: failuresSinceStart };
}

/**
 * The events of an export: on the decode thread when it is THREAD_MIN_BYTES or more, on this
 * thread otherwise (or when the thread is unavailable). Throws the typed error of a bad export.
 */
export async function decodeLogs(deps: Deps, raw: Uint8Array, format: LogsFormat, scope?: TeamScope): Promise<LogEvents> {
  if (raw.byteLength < THREAD_MIN_BYTES || failures >= MAX_FAILURES) return readLogsExport(raw, format, scope);
  if (!thread || thread.dead) {
    try {
      thread = new DecodeThread((e) => {
        failures += 1;
        failuresSinceStart += 1;
        deps.logger.warn('OTLP decode thread failed; exports are read on the main thread meanwhile', {
          err: e.message,
          failures,
          gaveUp: failures >= MAX_FAILURES,
        });
      });
    } catch (e) {
      failures += 1;
      failuresSinceStart += 1;
      deps.logger.warn('OTLP decode thread could not start; exports are read on the main thread', { err: (e as Error).message });
      return readLogsExport(raw, format, scope);
    }
  }
  try {
    const events = await thread.read(raw, format, scope);
    failures = 0;
    return events;
  } catch (e) {
    if (e instanceof ThreadUnavailable) return readLogsExport(raw, format, scope);
    throw e;
  }
}

/** stops the decode thread (tests; the process's exit ends it otherwise) */
export async function stopDecodeThread(): Promise<void> {
  const t = thread;
  thread = undefined;
  failures = 0;
  await t?.stop();
}

/** for tests: ends the thread as a crash would */
export async function crashDecodeThreadForTest(): Promise<void> {
  await thread?.crash();
}
