// The polling engine shared by every provider poller: a time window of buckets, pages followed with
// has_more/next_page, each page stored in one transaction together with the cursor that follows it.
// A restart therefore resumes at the first page not yet stored (no gap, no duplicate), and each run
// re-fetches a lookback window so late corrections replace what was stored.
import type { z } from 'zod';
import type { Db } from '../../db/open.js';
import type { Deps } from '../../deps.js';
import { pollerStateRepo } from '../../db/repos/poller-state-repo.js';
import { utcDayOf } from '../../domain/reconciliation.js';
import { addDays } from '../../domain/time.js';
import type { Logger } from '../../logger.js';
import { ProviderHttpError, type Sleep } from './http.js';

export interface PollContext {
  deps: Deps;
  now: number;
  sleep?: Sleep;
  logger: Logger;
}

export interface Page<B> {
  data: B[];
  hasMore: boolean;
  nextPage: string | null;
}

export interface StoreContext {
  db: Db;
  now: number;
  timezone: string;
}

export interface PollOutcome {
  name: string;
  pages: number;
  buckets: number;
  /** [provider, UTC day] of every bucket stored (bills come in UTC days) */
  days: Array<[string, string]>;
  error?: Error;
}

/** A poller over buckets of a fixed width (hourly or daily). */
export interface WindowPoller<B> {
  name: string;
  provider: string;
  widthMs: number;
  fetchPage(ctx: PollContext, from: number, to: number, page: string | null): Promise<Page<B>>;
  /** writes one bucket, replacing what was stored for it; returns its start (ms) */
  storeBucket(sc: StoreContext, bucket: B): number;
}

/** A poller that asks one UTC day at a time (Claude Code Analytics). */
export interface DayPoller<B> {
  name: string;
  provider: string;
  fetchPage(ctx: PollContext, day: string, page: string | null): Promise<Page<B>>;
  /** first page of a day: drop what was stored for it; returns the team each record had */
  clearDay(sc: StoreContext, day: string): Map<string, number | null>;
  storeRecord(sc: StoreContext, day: string, record: B, prior: ReadonlyMap<string, number | null>): void;
}

interface WindowCursor {
  doneUntil?: number;
  run?: { from: number; to: number; page: string | null };
}

interface DayCursor {
  doneUntil?: string;
  run?: { day: string; last: string; page: string | null };
}

export interface PollWindow {
  lookbackMs: number;
  backfillMs: number;
}

const MAX_PAGES = 2_000;

/** parses a provider answer; an unexpected shape is an error that names the field, nothing is stored */
export function parsePage<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const first = r.error.issues[0];
  const path = first ? first.path.map(String).join('.') : '';
  throw new ProviderHttpError(`unexpected answer from ${what}${path ? ` at ${path}` : ''}: ${first?.message ?? 'invalid'}`, undefined, false);
}

function isStalePage(e: unknown): boolean {
  return e instanceof ProviderHttpError && e.status !== undefined && e.status >= 400 && e.status < 500 && e.status !== 429 && e.status !== 401 && e.status !== 403;
}

function storeContext(ctx: PollContext): StoreContext {
  return { db: ctx.deps.db, now: ctx.now, timezone: ctx.deps.config.timezone };
}

export async function runWindowPoller<B>(ctx: PollContext, poller: WindowPoller<B>, window: PollWindow): Promise<PollOutcome> {
  const state = pollerStateRepo(ctx.deps.db);
  const out: PollOutcome = { name: poller.name, pages: 0, buckets: 0, days: [] };
  const days = new Set<string>();
  const cursor = state.get<WindowCursor>(poller.name) ?? {};
  const w = poller.widthMs;
  let run = cursor.run;
  if (!run) {
    const to = Math.floor(ctx.now / w) * w; // complete buckets only
    const start = cursor.doneUntil !== undefined ? Math.min(cursor.doneUntil, to) - window.lookbackMs : to - window.backfillMs;
    const from = Math.floor(start / w) * w;
    if (from >= to) return out;
    run = { from, to, page: null };
  } else {
    ctx.logger.info('resuming an interrupted poll', { from: new Date(run.from).toISOString(), to: new Date(run.to).toISOString() });
  }
  const sc = storeContext(ctx);
  let restarted = false;
  try {
    for (;;) {
      let page: Page<B>;
      try {
        page = await poller.fetchPage(ctx, run.from, run.to, run.page);
      } catch (e) {
        // a page token from before a restart may have expired: start the window again, once
        if (run.page && !restarted && isStalePage(e)) {
          ctx.logger.warn('saved page token refused; fetching the window again', { error: (e as Error).message });
          restarted = true;
          run = { ...run, page: null };
          continue;
        }
        throw e;
      }
      const current = run;
      const next: WindowCursor =
        page.hasMore && page.nextPage && page.nextPage !== current.page && out.pages + 1 < MAX_PAGES
          ? { doneUntil: cursor.doneUntil, run: { ...current, page: page.nextPage } }
          : { doneUntil: current.to };
      ctx.deps.db.transaction(() => {
        for (const b of page.data) {
          const start = poller.storeBucket(sc, b);
          days.add(utcDayOf(start));
          out.buckets += 1;
        }
        state.set(poller.name, next, ctx.now);
      })();
      out.pages += 1;
      if (!next.run) break;
      run = next.run;
    }
  } catch (e) {
    out.error = e as Error;
  }
  out.days = [...days].map((d) => [poller.provider, d]);
  return out;
}


export async function runDayPoller<B>(
  ctx: PollContext,
  poller: DayPoller<B>,
  window: { lookbackDays: number; backfillDays: number },
): Promise<PollOutcome> {
  const state = pollerStateRepo(ctx.deps.db);
  const out: PollOutcome = { name: poller.name, pages: 0, buckets: 0, days: [] };
  const days = new Set<string>();
  const cursor = state.get<DayCursor>(poller.name) ?? {};
  const today = utcDayOf(ctx.now);
  let run = cursor.run;
  if (!run) {
    const first =
      cursor.doneUntil !== undefined
        ? addDays(cursor.doneUntil < today ? cursor.doneUntil : today, -window.lookbackDays)
        : addDays(today, -window.backfillDays);
    run = { day: first, last: today, page: null };
  }
  const sc = storeContext(ctx);
  let restarted = false;
  // the teams records had before their day was fetched again (a resumed page has none to keep)
  let prior = new Map<string, number | null>();
  try {
    for (;;) {
      let page: Page<B>;
      try {
        page = await poller.fetchPage(ctx, run.day, run.page);
      } catch (e) {
        if (run.page && !restarted && isStalePage(e)) {
          restarted = true;
          run = { ...run, page: null };
          continue;
        }
        throw e;
      }
      const current = run;
      const more = page.hasMore && page.nextPage && page.nextPage !== current.page && out.pages + 1 < MAX_PAGES;
      const next: DayCursor = more
        ? { doneUntil: cursor.doneUntil, run: { ...current, page: page.nextPage } }
        : current.day < current.last
          ? { doneUntil: cursor.doneUntil, run: { ...current, day: addDays(current.day, 1), page: null } }
          : { doneUntil: current.last };
      ctx.deps.db.transaction(() => {
        if (current.page === null) prior = poller.clearDay(sc, current.day);
        for (const r of page.data) {
          poller.storeRecord(sc, current.day, r, prior);
          out.buckets += 1;
        }
        state.set(poller.name, next, ctx.now);
      })();
      days.add(current.day);
      out.pages += 1;
      if (!next.run) break;
      run = next.run;
    }
  } catch (e) {
    out.error = e as Error;
  }
  out.days = [...days].map((d) => [poller.provider, d]);
  return out;
}
