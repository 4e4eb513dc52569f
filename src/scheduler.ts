// The only file that imports node-cron. Jobs are (deps, now) functions; this runs them on time.
import cron from 'node-cron';
import type { Logger } from './logger.js';
import type { Clock } from './clock.js';

export interface ScheduledJob {
  name: string;
  /** cron expression, run in AISPEND_TIMEZONE */
  cron: string;
  /** `signal` aborts when the app stops: a long job (retention) ends early and resumes next time */
  run(now: number, signal?: AbortSignal): Promise<void>;
  /** also run once at start (catch-up after a restart) */
  runOnStart?: boolean;
}

export function isValidCron(expr: string): boolean {
  return cron.validate(expr);
}

/**
 * The first instant at or after `fromMs` when `expr` fires in `tz`, searching up to `withinMs` ahead
 * (node-cron's own matcher, so every syntax it accepts means the same here); undefined if none.
 */
export function nextCronRun(expr: string, tz: string, fromMs: number, withinMs = 35 * 86_400_000): number | undefined {
  const seconds = cron.parse(expr).second;
  const task = cron.createTask(expr, () => undefined, { timezone: tz });
  try {
    const start = Math.floor(fromMs / 60_000) * 60_000;
    for (let minute = start; minute <= fromMs + withinMs; minute += 60_000) {
      for (const s of seconds) {
        const t = minute + s * 1000;
        if (t >= fromMs && task.match(new Date(t))) return t;
      }
    }
    return undefined;
  } finally {
    void task.destroy();
  }
}

export interface Scheduler {
  /** waits for running jobs to finish */
  stop(): Promise<void>;
}

export function startScheduler(jobs: ScheduledJob[], opts: { timezone: string; logger: Logger; clock: Clock }): Scheduler {
  const running = new Set<Promise<void>>();
  const stopping = new AbortController();
  const exec = (job: ScheduledJob) => {
    const p = (async () => {
      try {
        await job.run(opts.clock.now(), stopping.signal);
      } catch (e) {
        opts.logger.error('job failed', { job: job.name, err: e });
      }
    })();
    running.add(p);
    void p.finally(() => running.delete(p));
    return p;
  };
  const tasks = jobs.map((job) =>
    cron.schedule(job.cron, () => exec(job), { timezone: opts.timezone, name: job.name, noOverlap: true }),
  );
  for (const job of jobs) if (job.runOnStart) void exec(job);
  return {
    async stop() {
      stopping.abort();
      for (const t of tasks) await t.stop();
      for (const t of tasks) await t.destroy();
      await Promise.allSettled([...running]);
    },
  };
}
